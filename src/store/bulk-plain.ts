import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';

/**
 * CSV fields for `COPY … (format csv)` written straight into one line per row (no array of
 * cells per row: the call ingest writes millions of them), and the plain insert a batch takes
 * instead of a merge when no stored row can meet it (BENCHMARKS.md, bench:calls).
 */

/** PostgreSQL's unique_violation, as postgres.js or PGlite report it (drizzle may wrap it). */
const isUniqueViolation = (e: unknown) => {
  const err = e as { code?: string; cause?: { code?: string } };
  return err.code === '23505' || err.cause?.code === '23505';
};

/**
 * Runs `insert` (a plain INSERT … SELECT from a staging table) in a savepoint: true when it went
 * in, false (nothing written, the savepoint rolled back) when a row met a stored one: the caller
 * then merges. `db` must be a transaction.
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

/** A text value as one CSV field of COPY: always quoted (an empty string is not NULL), quotes doubled. */
export const quoted = (v: string) => (v.includes('"') ? `"${v.replaceAll('"', '""')}"` : `"${v}"`);
/** A nullable text value: NULL is the empty unquoted field. */
export const quotedOrNull = (v: string | null | undefined) => (v === null || v === undefined ? '' : quoted(v));
/** An instant (UTC ms) as timestamptz input, or NULL. */
export const instantOrNull = (ms: number | null | undefined) => (ms === null || ms === undefined ? '' : new Date(ms).toISOString());
/** A number, or NULL. */
export const numberOrNull = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
