import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';

/**
 * Runs a request-path read in a transaction of its own without parallel workers. For a statement
 * that reads a few hundred rows by index, starting a worker costs more than the statement: the
 * drill-down's list at 3,000,000 tickets read 146 states by index in under 5 ms, but PostgreSQL,
 * expecting ~3,000 (team, outcome and period are not independent), planned a Gather Merge whose
 * worker took 25–100 ms to start (BENCHMARKS.md, bench:serve). `set local` ends with the
 * transaction, so the pool's connections keep their settings for every other statement. PGlite
 * has no parallel workers; the setting exists there and changes nothing.
 */
export async function withoutParallelWorkers<T>(db: Db, read: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
    return read(tx as unknown as Db);
  });
}
