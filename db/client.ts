import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
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
  /** postgres.js pool size. */
  max?: number;
};

export async function openDatabase(opts: OpenOptions): Promise<DbHandle> {
  if (opts.url) {
    const client = postgres(opts.url, { max: opts.max ?? 10, onnotice: () => {} });
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
  if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir);
  await client.waitReady;
  const typed = drizzlePglite(client, { schema });
  return {
    db: typed as unknown as Db,
    kind: 'pglite',
    location: dir.startsWith('memory://') ? dir : `pglite:${path.resolve(dir)}`,
    migrate: () => migratePglite(typed, { migrationsFolder }),
    close: () => client.close(),
  };
}
