import path from 'node:path';
import type { Db } from '../../../db/client.ts';
import type { NewRejectedRow } from '../../../db/schema.ts';
import { localDayMemo } from '../../calendar/day-cache.ts';
import { dayNumberToDayKey } from '../../calendar/zone.ts';
import { finishIngestRun, quarantineRows, recordIngestProgress, startIngestRun, type RunProgress } from '../../store/ingest-runs.ts';
import { bulkInsertAgentEvents, bulkUpsertVisits } from '../../store/bulk-calls.ts';
import { relaxCommit } from '../../store/bulk.ts';
import { plainFirst } from '../../store/bulk-plain.ts';
import { openVisitsOf, upsertEmailContacts, type StoredVisit } from '../../store/calls.ts';
import { rememberCallNames } from '../../store/call-names.ts';
import type { EmailContact } from '../../calls/visit.ts';
import { readCsvRecords, type CsvRecord } from '../csv-records.ts';
import { batchSizes, letIoIn, YIELD_EVERY } from '../ingest-csv.ts';
import { feedLimits, instantProblem, MAX_NAME_CHARS, quarantineText, safeMessage, secondsProblem, shortCause, textProblem, type FeedLimits } from '../limits.ts';
import { readTextLineBatches, readTextLines } from '../text-lines.ts';
import { normaliseAnonymousBankCall } from './anonymous-bank.ts';
import { normaliseEmailContact } from './emails.ts';
import { normaliseGenericCall } from './generic-csv.ts';
import { createQueueLogAssembler, type AgentEvent, type OpenVisit } from './queue-log.ts';

export const callFeedFormats = ['queue_log', 'csv', 'anonymous-bank'] as const;
export type CallFeedFormat = (typeof callFeedFormats)[number];

/** The format a file name suggests: `queue_log*` or `*.log` → queue_log, `.csv` → the generic CSV. */
export function formatFromName(file: string): CallFeedFormat {
  const base = path.basename(file).toLowerCase();
  return /queue_log|\.log(\.gz)?$|\.log\.\d+$/.test(base) ? 'queue_log' : 'csv';
}

export type CallIngestOptions = {
  source: string;
  /** Zone naive timestamps are read in and local days are counted in. */
  zone: string;
  batchSize?: number;
  onProgress?: (p: RunProgress) => void;
  /** Called after each committed batch (tests fail a run half-way with it). */
  afterBatch?: (batchNo: number) => void | Promise<void>;
  /** Overrides of the streaming bounds (README, "Feed limits"). */
  limits?: Partial<FeedLimits>;
  /**
   * How far a generic CSV row's `answered_at` may come before its `arrived_at` (two systems'
   * clocks) and still be read, with a counted warning: `calls.clockSkewSeconds`, default 5 s.
   */
  clockSkewSeconds?: number;
};

export type CallIngestResult = RunProgress & {
  runId: number;
  file: string;
  status: 'succeeded' | 'failed';
  error?: string;
  /** Visits still open (waiting or talking) at the end of the input. */
  stillOpen: number;
  agentEvents: number;
};

const MAX_WARNINGS = 100;
/**
 * Where growing batches stop for calls (tickets go on to 20,000): a batch's visits live until it is
 * written, long enough to reach V8's old generation. Each batch fires the interval counts' trigger
 * once: 1,000,000 lines took 8.6 s at 3,000, 5.9 s at 6,000, peak RSS 258 → 271 MiB, 270 MiB at
 * 3,000,000 lines; 10,000 reached 283 MiB (docs/calls-ingest.md, fifth pass).
 */
const MAX_GROWN_BATCH = 6_000;

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The last check of a visit before the database, whatever its feed: instants in the stored
 * range, durations within MAX_SECONDS, names without NUL and within MAX_NAME_CHARS, `extra`
 * values within the field limit. Names the field (as the generic calls CSV names it).
 */
export function visitProblem(v: StoredVisit, maxText: number): { field: string; reason: string } | null {
  for (const k of ['arrivedAt', 'answeredAt', 'endedAt'] as const) {
    const ms = v[k];
    const p = ms === null ? null : instantProblem(ms);
    if (p) return { field: snake(k), reason: p };
  }
  for (const k of ['waitSeconds', 'talkSeconds', 'holdSeconds', 'wrapSeconds'] as const) {
    const n = v[k];
    const p = n === null || n === undefined ? null : secondsProblem(n);
    if (p) return { field: snake(k), reason: p };
  }
  for (const k of ['callId', 'queue', 'agent'] as const) {
    const t = v[k];
    const p = t === null || t === undefined ? null : textProblem(t, MAX_NAME_CHARS);
    if (p) return { field: snake(k), reason: p };
  }
  for (const [k, t] of Object.entries(v.extra ?? {})) {
    const p = textProblem(k, MAX_NAME_CHARS) ?? textProblem(t, maxText);
    if (p) return { field: k, reason: p };
  }
  return null;
}

/**
 * One ingest run of call or email records: batches of visits, agent events and quarantined
 * lines, each batch committed with its rejected rows in one transaction and the run's progress
 * recorded after it (ARCHITECTURE.md: nothing dropped silently; idempotent upserts).
 */
export class CallIngestRun {
  readonly p: RunProgress = { rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, warnings: [], touchedDays: [] };
  runId = 0;
  private visits: StoredVisit[] = [];
  private emails: (EmailContact & { extra?: Record<string, string> | null })[] = [];
  private events: AgentEvent[] = [];
  private rejected: NewRejectedRow[] = [];
  private days = new Set<number>();
  private localDay?: (ms: number) => number;
  private warningCount = 0;
  private batchNo = 0;
  agentEventCount = 0;
  readonly limits: FeedLimits;

  constructor(
    private readonly db: Db,
    private readonly meta: { feed: string; source: string; file: string },
    private readonly opts: Pick<CallIngestOptions, 'zone' | 'batchSize' | 'onProgress' | 'afterBatch' | 'limits'>,
  ) {
    this.limits = feedLimits(opts.limits);
    const sizes = batchSizes(opts.batchSize);
    this.nextSize = opts.batchSize === undefined ? () => Math.min(sizes(), MAX_GROWN_BATCH) : sizes;
    this.size = this.nextSize();
  }

  async start() {
    this.runId = await startIngestRun(this.db, this.meta);
    return this;
  }

  private touch(ms: number) {
    this.localDay ??= localDayMemo(this.opts.zone, 100_000);
    this.days.add(this.localDay(ms));
  }

  /** Adds a visit, or quarantines its line (`raw`) when a value cannot be stored. */
  visit(v: StoredVisit, line?: number, raw?: string) {
    const bad = visitProblem(v, this.limits.maxFieldChars);
    if (bad) {
      if (line !== undefined) this.reject(line, bad.field, `${bad.field}: ${bad.reason}`, raw ?? '');
      else this.note(`a visit of call ${safeMessage(v.callId.slice(0, 100))} was not stored: ${bad.field}: ${bad.reason}`);
      return;
    }
    this.visits.push(v);
    this.touch(v.arrivedAt);
  }

  email(e: EmailContact & { extra?: Record<string, string> | null }, line: number, raw: string) {
    for (const [field, ms] of [['received_at', e.receivedAt], ['processed_at', e.processedAt]] as const) {
      const p = ms === null ? null : instantProblem(ms);
      if (p) return this.reject(line, field, `${field}: ${p}`, raw);
    }
    for (const [k, t] of Object.entries(e.extra ?? {})) {
      const p = textProblem(k, MAX_NAME_CHARS) ?? textProblem(t, this.limits.maxFieldChars);
      if (p) return this.reject(line, k, `${k}: ${p}`, raw);
    }
    this.emails.push(e);
    this.touch(e.receivedAt);
    if (e.processedAt !== null) this.touch(e.processedAt);
  }

  agentEvent(e: AgentEvent) {
    this.events.push(e);
  }

  reject(line: number, field: string | null, reason: string, raw: string) {
    this.rejected.push({ runId: this.runId, file: this.meta.file, line, field: field === null ? null : safeMessage(field), reason: safeMessage(reason), raw: quarantineText(raw) });
  }

  warn(line: number | null, message: string) {
    this.warningCount += 1;
    if (this.p.warnings.length < MAX_WARNINGS) this.p.warnings.push(safeMessage(line === null ? message : `line ${line}: ${message}`));
  }

  /** A summary warning that is always kept (counts of skipped rows and the like). */
  note(message: string) {
    this.p.warnings.push(safeMessage(message));
  }

  get pending() {
    return this.visits.length + this.emails.length + this.events.length + this.rejected.length;
  }

  /** True when the batch is full: call `maybeFlush` then (checked per line, so kept synchronous). */
  get full() {
    return this.pending >= this.size;
  }

  private nextSize: () => number = batchSizes(undefined); // growing batches when none is set (batchSizes)
  private size = 0;

  /**
   * Starts writing the batch when it is full, and lets the reader go on filling the next one
   * meanwhile (the database and the parser work at the same time); at most one batch is in
   * flight, and its failure surfaces here or in `finish`.
   */
  async maybeFlush() {
    if (!this.full) return;
    await this.inFlight;
    this.inFlight = this.flush();
    this.size = this.nextSize();
    // Marked as handled: a failure is awaited (and thrown) by the next maybeFlush or finish.
    this.inFlight.catch(() => {});
  }

  private inFlight: Promise<void> = Promise.resolve();

  async flush() {
    const { visits, emails, events, rejected } = this;
    this.visits = [];
    this.emails = [];
    this.events = [];
    this.rejected = [];
    const newQueues = visits.filter((v) => !this.keptNames.has(`q|${v.queue}`));
    const newMailboxes = emails.filter((e) => !this.keptNames.has(`m|${e.mailbox}`));
    const p: RunProgress = { ...this.p, touchedDays: [...this.days].sort((a, b) => a - b).map(dayNumberToDayKey) };
    const newEvents = await this.db.transaction(async (tx) => {
      await relaxCommit(tx);
      const c = await bulkUpsertVisits(tx, this.runId, visits, this.visitPath);
      const e = await upsertEmailContacts(tx, this.runId, emails);
      const n = await bulkInsertAgentEvents(tx, this.meta.source, this.runId, events, this.eventPath);
      await quarantineRows(tx, rejected);
      await rememberCallNames(tx, { visits: newQueues, emails: newMailboxes });
      p.inserted += c.inserted + e.inserted;
      p.updated += c.updated + e.updated;
      p.unchanged += c.unchanged + e.unchanged;
      p.rejected += rejected.length;
      // Progress commits with the batch it counts (a batch a crash takes back is uncounted too).
      await recordIngestProgress(tx, this.runId, p);
      return n;
    });
    // Only what the batch counted: the reader has gone on (rows read, warnings) meanwhile.
    Object.assign(this.p, { inserted: p.inserted, updated: p.updated, unchanged: p.unchanged, rejected: p.rejected, touchedDays: p.touchedDays });
    this.agentEventCount += newEvents;
    for (const name of [...newQueues.map((v) => `q|${v.queue}`), ...newMailboxes.map((e) => `m|${e.mailbox}`)]) this.keptNames.add(name);
    this.opts.onProgress?.(this.p);
    this.batchNo += 1;
    await this.opts.afterBatch?.(this.batchNo);
  }

  // Which path each table's next batch tries first (src/store/bulk-plain.ts); names already kept.
  private readonly visitPath = plainFirst();
  private readonly eventPath = plainFirst();
  private readonly keptNames = new Set<string>();

  async finish(error?: string) {
    if (error) await this.inFlight.catch(() => {});
    else {
      await this.inFlight;
      if (this.pending > 0 || this.batchNo === 0) await this.flush();
    }
    if (this.warningCount > MAX_WARNINGS) this.p.warnings.push(`… ${this.warningCount - MAX_WARNINGS} more warnings`);
    await finishIngestRun(this.db, this.runId, this.p, error === undefined ? undefined : safeMessage(error));
  }
}

/** Text lines of a file (gzip when it starts with the gzip magic), with 1-based line numbers; bounded (see readTextLines). */
export function readLines(file: string, opts: { limits?: Partial<FeedLimits>; onWarning?: (m: string) => void } = {}) {
  return readTextLines(file, { ...opts, expected: 'a text queue_log' });
}

/** readLines by the chunk read: one asynchronous step per chunk, not per line (BENCHMARKS.md, bench:calls). */
export function readLineBatches(file: string, opts: { limits?: Partial<FeedLimits>; onWarning?: (m: string) => void } = {}) {
  return readTextLineBatches(file, { ...opts, expected: 'a text queue_log' });
}

type QueueLogLine = { line: number; text?: string; overlong?: number; head?: string };

/**
 * Feeds queue_log lines through the visit assembler into an ingest run: the shared core of a
 * file ingest and of the live tail. Visits open when the lines end are stored as waiting (or
 * answered, still talking) and returned.
 */
export async function ingestQueueLogLines(
  run: CallIngestRun,
  /** Lines one by one, or in arrays (readLineBatches). */
  lines: AsyncIterable<QueueLogLine | readonly QueueLogLine[]> | Iterable<QueueLogLine | readonly QueueLogLine[]>,
  opts: { source: string; zone: string; open: OpenVisit[] },
): Promise<OpenVisit[]> {
  let current = '';
  const asm = createQueueLogAssembler(
    { source: opts.source, zone: opts.zone, open: opts.open },
    {
      visit: (v, line) => run.visit(v, line, current),
      agentEvent: (e) => run.agentEvent(e),
      problem: (line, raw, p) => run.reject(line, p.field, p.reason, raw),
      warning: (line, message) => run.warn(line, message),
    },
  );
  const max = run.limits.maxLineChars;
  for await (const item of lines) {
    for (const { line, text, overlong, head } of Array.isArray(item) ? (item as readonly QueueLogLine[]) : [item as QueueLogLine]) {
      if (text === undefined || text.length > max) {
        run.p.rowsRead += 1;
        const length = overlong ?? text?.length ?? 0;
        run.reject(line, null, `${length} characters, over the line limit of ${max}`, `${head ?? text?.slice(0, 200) ?? ''}… (${length} characters in all, not kept)`);
      } else {
        if (text.trim() === '') continue;
        run.p.rowsRead += 1;
        current = text;
        asm.push(text, line);
      }
      if (run.full) await run.maybeFlush();
      else if (line % YIELD_EVERY === 0) await letIoIn();
    }
  }
  const still = asm.finish();
  if (still.length > 0) run.note(`${still.length} visits still open at the end of the log (stored as waiting, or answered and still talking, until their end is read)`);
  return still;
}

/** Quarantines a record the CSV reader could not use as it stands; true when it did. */
function unusable(run: CallIngestRun, rec: CsvRecord): boolean {
  if (rec.problem) run.reject(rec.line, rec.problem.field, rec.problem.reason, rec.raw);
  else if (rec.fieldCountError) run.reject(rec.line, null, rec.fieldCountError, rec.raw);
  else return false;
  return true;
}

/**
 * Ingests a call feed file: an Asterisk queue_log (`queue_log`), the generic calls CSV (`csv`)
 * or the Anonymous Bank export (`anonymous-bank`). Bad lines and rows go to the quarantine with
 * line, field and reason; the rest goes in. Re-running a file gives the same database.
 */
export async function ingestCallFile(db: Db, file: string, format: CallFeedFormat, opts: CallIngestOptions): Promise<CallIngestResult> {
  const name = path.basename(file);
  const run = await new CallIngestRun(db, { feed: 'calls', source: opts.source, file: name }, opts).start();
  let stillOpen = 0;
  try {
    if (format === 'queue_log') {
      const still = await ingestQueueLogLines(run, readLineBatches(file, { limits: opts.limits, onWarning: (w) => run.note(w) }), { source: opts.source, zone: opts.zone, open: await openVisitsOf(db, opts.source) });
      stillOpen = still.length;
    } else {
      const skipped = { phantom: 0, vru_only: 0 };
      const skewTolerance = opts.clockSkewSeconds ?? 5;
      const skew = { count: 0, first: 0 };
      for await (const rec of readCsvRecords(file, { limits: opts.limits, onWarning: (w) => run.note(w) })) {
        run.p.rowsRead += 1;
        if (unusable(run, rec)) continue;
        if (format === 'csv') {
          const r = normaliseGenericCall(rec.values, { source: opts.source, zone: opts.zone, clockSkewSeconds: skewTolerance });
          if (r.ok) {
            run.visit(r.visit, rec.line, rec.raw);
            if (r.visit.outcome === 'waiting' || r.visit.endedAt === null) stillOpen += 1;
            for (const w of r.warnings) run.warn(rec.line, w);
            if (r.skewed) {
              skew.count += 1;
              skew.first ||= rec.line;
            }
          } else run.reject(rec.line, r.problems[0]!.field, r.problems.map((x) => `${x.field}: ${x.reason}`).join('; '), rec.raw);
        } else {
          const r = normaliseAnonymousBankCall(rec.values, { source: opts.source, zone: opts.zone });
          if (r.kind === 'visit') run.visit(r.visit, rec.line, rec.raw);
          else if (r.kind === 'skip') skipped[r.reason] += 1;
          else run.reject(rec.line, r.problems[0]!.field, r.problems.map((x) => `${x.field}: ${x.reason}`).join('; '), rec.raw);
        }
        if (run.full) await run.maybeFlush();
      }
      if (skew.count > 0) {
        run.note(
          `${skew.count} call${skew.count === 1 ? '' : 's'} answered up to ${skewTolerance} s before ${skew.count === 1 ? 'it' : 'they'} arrived (the clocks of two systems; first on line ${skew.first}): read as answered on arrival, the wait from wait_seconds or 0`,
        );
      }
      if (skipped.phantom > 0) run.note(`${skipped.phantom} PHANTOM calls are not customer calls: not visits`);
      if (skipped.vru_only > 0) run.note(`${skipped.vru_only} calls hung up in the voice-response unit before reaching a queue: not visits`);
    }
    await run.finish();
    return { ...run.p, runId: run.runId, file: name, status: 'succeeded', stillOpen, agentEvents: run.agentEventCount };
  } catch (e) {
    const error = shortCause(name, e);
    await run.finish(error);
    return { ...run.p, runId: run.runId, file: name, status: 'failed', error, stillOpen, agentEvents: run.agentEventCount };
  }
}

/** Ingests an email-contacts CSV (`id, mailbox, received_at, processed_at`). */
export async function ingestEmailFile(db: Db, file: string, opts: CallIngestOptions): Promise<CallIngestResult> {
  const name = path.basename(file);
  const run = await new CallIngestRun(db, { feed: 'emails', source: opts.source, file: name }, opts).start();
  try {
    for await (const rec of readCsvRecords(file, { limits: opts.limits, onWarning: (w) => run.note(w) })) {
      run.p.rowsRead += 1;
      if (!unusable(run, rec)) {
        const r = normaliseEmailContact(rec.values, { source: opts.source, zone: opts.zone });
        if (r.ok) {
          run.email(r.email, rec.line, rec.raw);
          for (const w of r.warnings) run.warn(rec.line, w);
        } else run.reject(rec.line, r.problems[0]!.field, r.problems.map((x) => `${x.field}: ${x.reason}`).join('; '), rec.raw);
      }
      if (run.full) await run.maybeFlush();
    }
    await run.finish();
    return { ...run.p, runId: run.runId, file: name, status: 'succeeded', stillOpen: 0, agentEvents: 0 };
  } catch (e) {
    const error = shortCause(name, e);
    await run.finish(error);
    return { ...run.p, runId: run.runId, file: name, status: 'failed', error, stillOpen: 0, agentEvents: 0 };
  }
}
