import path from 'node:path';
import type { Db } from '../../db/client.ts';
import type { NewRejectedRow } from '../../db/schema.ts';
import { finishIngestRun, quarantineRows, recordIngestProgress, startIngestRun, type RunProgress } from '../store/ingest-runs.ts';
import { retryOnConflict } from '../store/conflict-retry.ts';
import { readCsvRecords, type CsvOptions } from './csv-records.ts';

export type FieldProblem = { field: string; reason: string };

/** What a feed's row normaliser returns: the item, or every problem with the field it is in. */
export type RowResult<T> =
  | { ok: true; item: T; warnings?: string[]; days?: string[] }
  | { ok: false; problems: FieldProblem[]; /** Set for rows that carry no data (e.g. a blank `;;;;` row): counted in the warnings, not quarantined. */ skipped?: string };

export type BatchCounts = { inserted: number; updated: number; unchanged: number };

/** One feed kind: how a CSV row becomes an item, and how a batch of items is written. */
export type CsvFeed<T> = {
  feed: string;
  normalise(values: Record<string, string>): RowResult<T>;
  /** Runs inside the batch's transaction, with the run's id for lineage. */
  write(tx: Db, runId: number, items: T[]): Promise<BatchCounts>;
  csv?: CsvOptions;
};

export type IngestOptions = {
  source: string;
  batchSize?: number;
  onProgress?: (p: RunProgress) => void;
  /** Called after each committed batch; a test uses it to fail a run half-way. */
  afterBatch?: (batchNo: number) => void | Promise<void>;
};

export type IngestResult = RunProgress & { runId: number; file: string; status: 'succeeded' | 'failed'; error?: string };

const MAX_WARNINGS = 100;

/**
 * Streams a CSV feed file into the store in batches (ARCHITECTURE.md, "Decisions already made"):
 * each batch's items and rejected rows commit together; bad rows go to the quarantine with line,
 * field and reason and the rest goes in; progress is recorded after every batch. A file that
 * cannot be read at all fails the run with a clear reason; what was committed before stays, and
 * re-running the file gives the same database as long as `write` upserts on natural keys.
 */
export async function ingestCsvFile<T>(db: Db, file: string, feed: CsvFeed<T>, opts: IngestOptions): Promise<IngestResult> {
  const name = path.basename(file);
  const batchSize = opts.batchSize ?? 1000;
  const runId = await startIngestRun(db, { feed: feed.feed, source: opts.source, file: name });
  const p: RunProgress = { rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, warnings: [], touchedDays: [] };
  const days = new Set<string>();
  let batch: T[] = [];
  let rejected: NewRejectedRow[] = [];
  let batchNo = 0;
  let warningCount = 0;
  const skipped = new Map<string, number>();

  const flush = async () => {
    // A deadlock with another ingest of overlapping rows rolls the batch back: write it again.
    const counts = await retryOnConflict(() =>
      db.transaction(async (tx) => {
        const c = await feed.write(tx, runId, batch);
        await quarantineRows(tx, rejected);
        return c;
      }),
    );
    p.inserted += counts.inserted;
    p.updated += counts.updated;
    p.unchanged += counts.unchanged;
    p.rejected += rejected.length;
    p.touchedDays = [...days].sort();
    batch = [];
    rejected = [];
    await recordIngestProgress(db, runId, p);
    opts.onProgress?.(p);
    batchNo += 1;
    await opts.afterBatch?.(batchNo);
  };

  try {
    for await (const rec of readCsvRecords(file, feed.csv)) {
      p.rowsRead += 1;
      if (rec.fieldCountError) {
        rejected.push({ runId, file: name, line: rec.line, field: null, reason: rec.fieldCountError, raw: rec.raw });
      } else {
        const r = feed.normalise(rec.values);
        if (!r.ok && r.skipped) {
          skipped.set(r.skipped, (skipped.get(r.skipped) ?? 0) + 1);
        } else if (r.ok) {
          batch.push(r.item);
          for (const d of r.days ?? []) days.add(d);
          for (const w of r.warnings ?? []) {
            warningCount += 1;
            if (p.warnings.length < MAX_WARNINGS) p.warnings.push(`line ${rec.line}: ${w}`);
          }
        } else {
          rejected.push({
            runId,
            file: name,
            line: rec.line,
            field: r.problems[0]!.field,
            reason: r.problems.map((x) => `${x.field}: ${x.reason}`).join('; '),
            raw: rec.raw,
          });
        }
      }
      if (batch.length + rejected.length >= batchSize) await flush();
    }
    if (batch.length + rejected.length > 0 || batchNo === 0) await flush();
    if (warningCount > MAX_WARNINGS) p.warnings.push(`… ${warningCount - MAX_WARNINGS} more warnings`);
    for (const [why, n] of skipped) p.warnings.push(`${n} row${n === 1 ? '' : 's'} skipped: ${why}`);
    await finishIngestRun(db, runId, p);
    return { ...p, runId, file: name, status: 'succeeded' };
  } catch (e) {
    const error = (e as Error).message;
    await finishIngestRun(db, runId, p, error);
    return { ...p, runId, file: name, status: 'failed', error };
  }
}
