import { createHash } from 'node:crypto';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { migrationsFolder, openDatabase, type DbHandle } from '../../db/client.ts';

const require = createRequire(import.meta.url);

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

let image: Promise<Blob> | undefined;

/**
 * A migrated, empty embedded database as a data-folder dump, made once per set of migrations and
 * PGlite version and kept in the temporary folder for every test process: opening PGlite from
 * nothing runs initdb in WebAssembly (5 s quiet, 20–30 s on a loaded 2-core machine), loading an
 * image a fraction of that. Written under a temporary name and renamed, so a reader never sees
 * half a file.
 */
async function migratedImage(): Promise<Blob> {
  const hash = createHash('sha256');
  // The package's own manifest (not in its exports map): found from its entry point.
  const entry = require.resolve('@electric-sql/pglite');
  const manifest = path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}dist${path.sep}`)), 'package.json');
  hash.update(JSON.parse(await readFile(manifest, 'utf8')).version);
  for (const f of (await readdir(migrationsFolder, { recursive: true })).sort()) {
    const p = path.join(migrationsFolder, f);
    if ((await stat(p)).isFile()) hash.update(f).update(await readFile(p));
  }
  const file = path.join(tmpdir(), `attain-pglite-image-${hash.digest('hex').slice(0, 16)}.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    const fresh = await openDatabase({ pgliteDir: 'memory://' });
    try {
      await fresh.migrate();
      const blob = await (fresh.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client.dumpDataDir('none');
      const part = `${file}.${process.pid}.part`;
      await writeFile(part, Buffer.from(await blob.arrayBuffer()));
      await rename(part, file);
      return blob;
    } finally {
      await fresh.close();
    }
  }
}

/**
 * A migrated embedded data folder on disk at `dir` (a process's `ATTAIN_DATA_DIR/pglite`), made
 * from the same image and closed again: a child process then opens it without running initdb.
 */
export async function migratedPgliteFolder(dir: string): Promise<void> {
  const handle = await openDatabase({ pgliteDir: dir, pgliteImage: await (image ??= migratedImage()) });
  await handle.close();
}

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
      const handle = await openDatabase({ pgliteDir: 'memory://', pgliteImage: await (image ??= migratedImage()) });
      await handle.migrate(); // nothing to apply: the image is migrated; kept so a stale image cannot pass unnoticed
      return handle;
    },
  },
];
