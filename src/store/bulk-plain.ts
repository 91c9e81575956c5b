/**
 * Which path a call batch tries first (BENCHMARKS.md, bench:calls): COPY straight into the real
 * table (tryCopyInto), right whenever no stored row has one of the batch's keys — a first load of
 * a log, the bulk of history — or the merge through a staging table, right in every case. A
 * refused COPY costs its batch twice, so a run that met stored rows (re-reading a log, or the
 * re-run after an ingest was killed) merges its next batches directly, until a merge finds
 * nothing stored (every row inserted): past the part read before, COPY again.
 *
 * Only a guess of which path to try first, so it needs no query: the COPY is refused by the
 * table's unique key whenever it would be wrong. Kept per run (one per ingest run and table).
 */
export type PlainFirst = {
  copy: boolean;
  /**
   * The latest arrival among the visits this run has written (UTC ms): where the key probe
   * before a COPY (bulk-calls.ts, anyVisitStored) stops naming keys and checks a time span.
   */
  storedUpTo?: number;
};

export const plainFirst = (): PlainFirst => ({ copy: true });

/** After a batch: COPY next when this one went in by COPY or its merge inserted every row. */
export function notePath(hint: PlainFirst, copied: boolean, merged?: { inserted: number; rows: number }): void {
  hint.copy = copied || (merged !== undefined && merged.inserted === merged.rows);
}
