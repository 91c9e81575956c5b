import postgres from 'postgres';
import { Redis } from 'ioredis';
import { openDatabase, type DbHandle } from '../../db/client.ts';

export const inCI = process.env.CI === 'true';
export const pgAdminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function reachable(check: () => Promise<unknown>): Promise<string | null> {
  try {
    await check();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Whether a service can be used. Outside CI a missing service skips its suite with a loud
 * message; in CI (CI=true) it is a failure, never a silent skip.
 */
async function requireService(name: string, url: string, check: () => Promise<unknown>): Promise<boolean> {
  const problem = await reachable(check);
  if (problem === null) return true;
  const message = `${name} is not reachable at ${url}: ${problem}`;
  if (inCI) throw new Error(`${message} (CI=true: the service must be running; .ci/run starts it)`);
  console.warn(`SKIPPING ${name} tests: ${message}`);
  return false;
}

export const postgresAvailable = await requireService('PostgreSQL', pgAdminUrl, async () => {
  const sql = postgres(pgAdminUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
  } finally {
    await sql.end({ timeout: 1 });
  }
});

export const redisAvailable = await requireService('Redis', redisUrl, async () => {
  const r = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
  } finally {
    r.disconnect();
  }
});

export type Backend = { name: 'postgres' | 'pglite'; available: boolean; open: () => Promise<DbHandle> };

/**
 * A fresh, migrated database: on PostgreSQL a new database created for this call and dropped
 * when the handle closes; on PGlite an in-memory instance.
 */
export const backends: Backend[] = [
  {
    name: 'postgres',
    available: postgresAvailable,
    async open() {
      const name = `attain_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
      const admin = postgres(pgAdminUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      const url = new URL(pgAdminUrl);
      url.pathname = `/${name}`;
      const handle = await openDatabase({ url: url.toString(), max: 4 });
      await handle.migrate();
      return {
        ...handle,
        async close() {
          await handle.close();
          await admin.unsafe(`drop database if exists ${name} with (force)`);
          await admin.end({ timeout: 1 });
        },
      };
    },
  },
  {
    name: 'pglite',
    available: true,
    async open() {
      const handle = await openDatabase({ pgliteDir: 'memory://' });
      await handle.migrate();
      return handle;
    },
  },
];
