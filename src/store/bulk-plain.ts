import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { isUniqueViolation } from './pg-errors.ts';

/**
 * The plain insert a call batch takes instead of a merge when no stored row can meet it
 * (BENCHMARKS.md, bench:calls). Runs `insert` (a plain INSERT … SELECT from a staging table) in
 * a savepoint: true when it went in, false (nothing written, the savepoint rolled back) when a
 * row met a stored one: the caller then merges. `db` must be a transaction.
 */
export async function tryPlainInsert(db: Db, insert: SQL): Promise<boolean> {
  try {
    await db.transaction(async (sp) => {
      await sp.execute(insert);
    });
    return true;
  } catch (e) {
    if (isUniqueViolation(e)) return false;
    throw e;
  }
}
