import path from 'node:path';
import type { Db } from '../../db/client.ts';
import type { NewRejectedRow } from '../../db/schema.ts';
import { finishIngestRun, quarantineRows, recordIngestProgress, startIngestRun, type RunProgress } from '../store/ingest-runs.ts';
import { retryOnConflict } from '../store/conflict-retry.ts';
import { relaxCommit } from '../store/bulk.ts';
import { readCsvRecordBatches, type CsvOptions } from './csv-records.ts';
import { instantProblem, quarantineText, safeMessage, shortCause, textProblem, type FeedLimits } from './limits.ts';

export type FieldProblem = { field: string; reason: string };

/** What a feed's row normaliser returns: the item, or every problem with the field it is in. */
export type RowResult<T> =
  | { ok: true; item: T; warnings?: string[]; days?: string[] }
  | { ok: false; problems: FieldProblem[]; /** Set for rows that carry no data (e.g. a blank `;;;;` row): counted in the warnings, not quarantined. */ skipped?: string };

export type BatchCounts = { inserted: number; updated: number; unchanged: number };

/**
 * One feed kind: how a CSV row becomes an item, and how a batch of items is written. `stage`,
 * when set, turns each accepted item (checked by storableProblem) into what the batch keeps
 * and `write` receives (S): a compact form, such as the item's line of the bulk write, keeps
 * a batch's memory small while it waits for the batch before it to commit. Without it S is T.
 */
export type CsvFeed<T, S = T> = {
  feed: string;
  normalise(values: Record<string, string>): RowResult<T>;
  stage?: (item: T) => S;
  /** Runs inside the batch's transaction, with the run's id for lineage. */
  write(tx: Db, runId: number, items: S[]): Promise<BatchCounts>;
  csv?: CsvOptions;
};

export type IngestOptions = {
  source: string;
  batchSize?: number;
  onProgress?: (p: RunProgress) => void;
  /** Called after each committed batch; a test uses it to fail a run half-way. */
  afterBatch?: (batchNo: number) => void | Promise<void>;
  /** Overrides of the streaming bounds (README, "Feed limits"). */
  limits?: Partial<FeedLimits>;
};

export type IngestResult = RunProgress & { runId: number; file: string; status: 'succeeded' | 'failed'; error?: string };

const MAX_WARNINGS = 100;

/**
 * Rows parsed between two turns of the event loop. A chunk of the file holds thousands of rows,
 * parsed without a pause; meanwhile the batch in flight waits for its turn to send each next
 * statement (begin, staging, COPY, merge, commit), and the database sat idle for most of the
 * parse (BENCHMARKS.md, bench:ingest). A macrotask (setImmediate), not a microtask: the
 * database's answers are I/O callbacks.
 */
export const YIELD_EVERY = 256;
export const letIoIn = () => new Promise<void>((resolve) => setImmediate(resolve));

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The last check before the database, whatever the feed's normaliser already checked: every
 * instant in the stored range, every text without NUL and within the field limit, every number
 * finite. Names the item's field (snake_case, as the generic feeds' columns are named).
 */
export function storableProblem(item: unknown, maxText: number, at = ''): FieldProblem | null {
  const leaf = leafProblem(item, maxText);
  if (leaf !== undefined) return leaf === null ? null : { field: at || 'row', reason: leaf };
  if (Array.isArray(item)) {
    for (const x of item) {
      const p = storableProblem(x, maxText, at);
      if (p) return p;
    }
    return null;
  }
  if (typeof item === 'object') {
    for (const k in item) {
      if (!Object.hasOwn(item, k)) continue;
      const v = (item as Record<string, unknown>)[k];
      // Keys of `extra` are the file's own column names: checked as text too.
      const kp = textProblem(k, maxText);
      if (kp) return { field: at || 'row', reason: `a column name ${kp}` };
      // A plain value is checked before its field's name is worked out (once a row, per field: the ingest's hot path).
      const lp = leafProblem(v, maxText);
      if (lp === null) continue;
      const name = at === 'ticket' || at === '' ? snake(k) : at === 'extra' ? k : `${at}.${snake(k)}`;
      const p = lp === undefined ? storableProblem(v, maxText, name) : { field: name, reason: lp };
      if (p) return p;
    }
  }
  return null;
}

/** What is wrong with a plain value (null: nothing), or undefined for an array or object, whose parts are checked one by one. */
function leafProblem(item: unknown, maxText: number): string | null | undefined {
  if (item === null || item === undefined || typeof item === 'boolean') return null;
  if (item instanceof Date) return instantProblem(item.getTime());
  if (typeof item === 'string') return textProblem(item, maxText);
  if (typeof item === 'number') return Number.isFinite(item) ? null : 'not a finite number';
  return typeof item === 'object' ? undefined : null;
}

/**
 * Batch sizes when the caller sets none: the first batch of 1,000 rows commits (and shows
 * progress) quickly, then each batch doubles up to 20,000 rows, where the bulk write (COPY into
 * staging, one merge) has paid off its per-batch cost. A fixed `batchSize` is kept as given.
 */
export function batchSizes(fixed?: number): () => number {
  if (fixed !== undefined) return () => fixed;
  let next = 1000;
  return () => {
    const size = next;
    next = Math.min(next * 2, 20_000);
    return size;
  };
}

/**
 * Writes a run's batches one after another while the reader fills the next one (the database
 * and the parser work at the same time; at most one batch in flight). Progress counts only what
 * committed: a batch's rows read and days are handed over with it, so a run failed after batch
 * N records exactly the rows of batches 1..N, as when batches were written in line.
 */
class BatchPipeline<S> {
  private inFlight: Promise<void> = Promise.resolve();
  private committedDays = new Set<string>();
  /** Rows read up to the end of the batch whose write failed. */
  failedAt: number | null = null;
  batchNo = 0;
  /** Batches handed over, committed or not. */
  handed = 0;

  constructor(
    private readonly db: Db,
    private readonly runId: number,
    private readonly feed: Pick<CsvFeed<unknown, S>, 'write'>,
    private readonly p: RunProgress,
    private readonly opts: IngestOptions,
  ) {}

  /** Hands a batch over once the previous one committed; its failure surfaces here or in `drain`. */
  async push(items: S[], rejected: NewRejectedRow[], days: string[], rowsRead: number) {
    await this.inFlight;
    this.handed += 1;
    this.inFlight = this.write(items, rejected, days, rowsRead);
    this.inFlight.catch(() => {});
  }

  drain() {
    return this.inFlight;
  }

  private async write(items: S[], rejected: NewRejectedRow[], days: string[], rowsRead: number) {
    const { db, p, feed } = this;
    try {
      // A deadlock with another ingest of overlapping rows rolls the batch back: write it again.
      const counts = await retryOnConflict(() =>
        db.transaction(async (tx) => {
          await relaxCommit(tx);
          const c = await feed.write(tx, this.runId, items);
          await quarantineRows(tx, rejected);
          return c;
        }),
      );
      p.rowsRead = rowsRead;
      p.inserted += counts.inserted;
      p.updated += counts.updated;
      p.unchanged += counts.unchanged;
      p.rejected += rejected.length;
      for (const d of days) this.committedDays.add(d);
      p.touchedDays = [...this.committedDays].sort();
      await recordIngestProgress(db, this.runId, p);
      this.opts.onProgress?.(p);
      this.batchNo += 1;
      await this.opts.afterBatch?.(this.batchNo);
    } catch (e) {
      this.failedAt = rowsRead;
      throw e;
    }
  }
}

/**
 * Streams a CSV feed file into the store in batches (ARCHITECTURE.md, "Decisions already made"):
 * each batch's items and rejected rows commit together; bad rows go to the quarantine with line,
 * field and reason and the rest goes in; progress is recorded after every batch. A file that
 * cannot be read at all fails the run with a clear reason; what was committed before stays, and
 * re-running the file gives the same database as long as `write` upserts on natural keys.
 */
export async function ingestCsvFile<T, S = T>(db: Db, file: string, feed: CsvFeed<T, S>, opts: IngestOptions): Promise<IngestResult> {
  const name = path.basename(file);
  const nextSize = batchSizes(opts.batchSize);
  let batchSize = nextSize();
  const runId = await startIngestRun(db, { feed: feed.feed, source: opts.source, file: name });
  const p: RunProgress = { rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, warnings: [], touchedDays: [] };
  const pipe = new BatchPipeline<S>(db, runId, feed, p, opts);
  // Without a stage step the batch keeps the items themselves (S is T).
  const stage = feed.stage ?? ((item: T) => item as unknown as S);
  let rowsRead = 0;
  let days = new Set<string>();
  let batch: S[] = [];
  let rejected: NewRejectedRow[] = [];
  let warningCount = 0;
  const skipped = new Map<string, number>();
  const maxText = opts.limits?.maxFieldChars ?? 1 << 16;
  const notes: string[] = [];
  const reject = (line: number, field: string | null, reason: string, raw: string) =>
    rejected.push({ runId, file: name, line, field: field === null ? null : safeMessage(field), reason: safeMessage(reason), raw: quarantineText(raw) });
  const handOver = async () => {
    await pipe.push(batch, rejected, [...days], rowsRead);
    batch = [];
    rejected = [];
    days = new Set();
    batchSize = nextSize();
  };

  try {
    for await (const recs of readCsvRecordBatches(file, { ...feed.csv, limits: opts.limits, onWarning: (w) => notes.push(safeMessage(w)) })) for (const rec of recs) {
      rowsRead += 1;
      if (rowsRead % YIELD_EVERY === 0) await letIoIn();
      if (rec.problem) reject(rec.line, rec.problem.field, rec.problem.reason, rec.raw);
      else if (rec.fieldCountError) reject(rec.line, null, rec.fieldCountError, rec.raw);
      else {
        const r = feed.normalise(rec.values);
        const last = r.ok ? storableProblem(r.item, maxText) : null;
        if (!r.ok && r.skipped) {
          skipped.set(r.skipped, (skipped.get(r.skipped) ?? 0) + 1);
        } else if (r.ok && last) {
          reject(rec.line, last.field, `${last.field}: ${last.reason}`, rec.raw);
        } else if (r.ok) {
          batch.push(stage(r.item));
          for (const d of r.days ?? []) days.add(d);
          for (const w of r.warnings ?? []) {
            warningCount += 1;
            if (p.warnings.length < MAX_WARNINGS) p.warnings.push(safeMessage(`line ${rec.line}: ${w}`));
          }
        } else {
          reject(rec.line, r.problems[0]!.field, r.problems.map((x) => `${x.field}: ${x.reason}`).join('; '), rec.raw);
        }
      }
      if (batch.length + rejected.length >= batchSize) await handOver();
    }
    if (batch.length + rejected.length > 0 || pipe.handed === 0) await handOver();
    await pipe.drain();
    if (warningCount > MAX_WARNINGS) p.warnings.push(`… ${warningCount - MAX_WARNINGS} more warnings`);
    for (const [why, n] of skipped) p.warnings.push(`${n} row${n === 1 ? '' : 's'} skipped: ${why}`);
    p.warnings.push(...notes);
    await finishIngestRun(db, runId, p);
    return { ...p, runId, file: name, status: 'succeeded' };
  } catch (e) {
    // A reader failure: the batch in flight may still commit (or fail first: its error is the run's).
    let cause = e;
    if (pipe.failedAt === null) await pipe.drain().catch((f: unknown) => (cause = f));
    p.rowsRead = pipe.failedAt ?? rowsRead;
    // Never the statement or the batch's rows: a short cause naming the file.
    const error = shortCause(name, cause);
    p.warnings.push(...notes);
    await finishIngestRun(db, runId, p, error);
    return { ...p, runId, file: name, status: 'failed', error };
  }
}
