import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDataFolder } from './data-lock.ts';
import { socketWithoutNagle } from './pg-socket.ts';
import * as schema from './schema.ts';

/** The one database type the store is written against: PGlite and postgres.js share it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DbHandle = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where it lives, without credentials: for logs and `/health`. */
  location: string;
  migrate(): Promise<void>;
  close(): Promise<void>;
};

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export type OpenOptions = {
  /** postgres:// URL; when absent the embedded database is used. */
  url?: string;
  /** Folder for the embedded database; `memory://` keeps it in memory (tests). */
  pgliteDir?: string;
  /**
   * A dump of an embedded data folder (PGlite's `dumpDataDir`) to start from instead of an empty
   * one: the tests start each in-memory database from one migrated image (test/support/services.ts)
   * rather than running initdb, the slow part of opening, in every suite.
   */
  pgliteImage?: Blob;
  /** postgres.js pool size. */
  max?: number;
  /** Named in the embedded folder's lock (`attain start`, port), so a second process can say who holds it. */
  owner?: { command: string; port?: number };
};

export async function openDatabase(opts: OpenOptions): Promise<DbHandle> {
  if (opts.url) {
    const client = postgres(opts.url, {
      max: opts.max ?? 10,
      onnotice: () => {},
      // A documented option (postgres.js's README, "Custom socket") its types leave out.
      ...({ socket: socketWithoutNagle() } as Record<string, unknown>),
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    const u = new URL(opts.url);
    return {
      db,
      kind: 'postgres',
      location: `postgres://${u.host}${u.pathname}`,
      migrate: () => migratePostgres(drizzlePostgres(client, { schema }), { migrationsFolder }),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dir = opts.pgliteDir ?? './data/pglite';
  // Loaded only when the embedded database is used: the module and its WebAssembly cost a
  // PostgreSQL process some 40 MiB of memory it would never use (BENCHMARKS.md, bench:calls).
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  // One process per embedded folder: a second one exits naming the first (DatabaseInUseError).
  let lock: { release: () => void } | undefined;
  if (!dir.startsWith('memory://')) {
    mkdirSync(dir, { recursive: true });
    lock = lockDataFolder(path.resolve(dir), opts.owner ?? { command: process.argv.slice(2, 4).join(' ') || 'node' });
  }
  const client = new PGlite(dir, opts.pgliteImage ? { loadDataDir: opts.pgliteImage } : {});
  try {
    await client.waitReady;
  } catch (e) {
    lock?.release();
    throw e;
  }
  const typed = drizzlePglite(client, { schema });
  return {
    db: typed as unknown as Db,
    kind: 'pglite',
    location: dir.startsWith('memory://') ? dir : `pglite:${path.resolve(dir)}`,
    migrate: () => migratePglite(typed, { migrationsFolder }),
    close: async () => {
      await client.close();
      lock?.release();
    },
  };
}
