import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Db } from '../../../db/client.ts';
import type { NewRejectedRow } from '../../../db/schema.ts';
import { localDayNumber, dayNumberToDayKey } from '../../calendar/zone.ts';
import { finishIngestRun, quarantineRows, recordIngestProgress, startIngestRun, type RunProgress } from '../../store/ingest-runs.ts';
import { insertAgentEvents, openVisitsOf, upsertEmailContacts, upsertVisits, type StoredVisit } from '../../store/calls.ts';
import type { EmailContact } from '../../calls/visit.ts';
import { FeedFileError, readCsvRecords } from '../csv-records.ts';
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
  private dayOfQuarter = new Map<number, number>();
  private warningCount = 0;
  private batchNo = 0;
  agentEventCount = 0;

  constructor(
    private readonly db: Db,
    private readonly meta: { feed: string; source: string; file: string },
    private readonly opts: Pick<CallIngestOptions, 'zone' | 'batchSize' | 'onProgress' | 'afterBatch'>,
  ) {}

  async start() {
    this.runId = await startIngestRun(this.db, this.meta);
    return this;
  }

  private touch(ms: number) {
    const q = Math.floor(ms / 900_000);
    let d = this.dayOfQuarter.get(q);
    if (d === undefined) {
      d = localDayNumber(this.opts.zone, ms);
      if (this.dayOfQuarter.size > 100_000) this.dayOfQuarter.clear();
      this.dayOfQuarter.set(q, d);
    }
    this.days.add(d);
  }

  visit(v: StoredVisit) {
    this.visits.push(v);
    this.touch(v.arrivedAt);
  }

  email(e: EmailContact & { extra?: Record<string, string> | null }) {
    this.emails.push(e);
    this.touch(e.receivedAt);
    if (e.processedAt !== null) this.touch(e.processedAt);
  }

  agentEvent(e: AgentEvent) {
    this.events.push(e);
  }

  reject(line: number, field: string | null, reason: string, raw: string) {
    this.rejected.push({ runId: this.runId, file: this.meta.file, line, field, reason, raw });
  }

  warn(line: number | null, message: string) {
    this.warningCount += 1;
    if (this.p.warnings.length < MAX_WARNINGS) this.p.warnings.push(line === null ? message : `line ${line}: ${message}`);
  }

  /** A summary warning that is always kept (counts of skipped rows and the like). */
  note(message: string) {
    this.p.warnings.push(message);
  }

  get pending() {
    return this.visits.length + this.emails.length + this.events.length + this.rejected.length;
  }

  /** True when the batch is full: call `maybeFlush` then (checked per line, so kept synchronous). */
  get full() {
    return this.pending >= (this.opts.batchSize ?? 2000);
  }

  /**
   * Starts writing the batch when it is full, and lets the reader go on filling the next one
   * meanwhile (the database and the parser work at the same time); at most one batch is in
   * flight, and its failure surfaces here or in `finish`.
   */
  async maybeFlush() {
    if (!this.full) return;
    await this.inFlight;
    this.inFlight = this.flush();
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
    const counts = await this.db.transaction(async (tx) => {
      const c = await upsertVisits(tx, this.runId, visits);
      const e = await upsertEmailContacts(tx, this.runId, emails);
      this.agentEventCount += await insertAgentEvents(tx, this.meta.source, this.runId, events);
      await quarantineRows(tx, rejected);
      return { inserted: c.inserted + e.inserted, updated: c.updated + e.updated, unchanged: c.unchanged + e.unchanged };
    });
    this.p.inserted += counts.inserted;
    this.p.updated += counts.updated;
    this.p.unchanged += counts.unchanged;
    this.p.rejected += rejected.length;
    this.p.touchedDays = [...this.days].sort((a, b) => a - b).map(dayNumberToDayKey);
    await recordIngestProgress(this.db, this.runId, this.p);
    this.opts.onProgress?.(this.p);
    this.batchNo += 1;
    await this.opts.afterBatch?.(this.batchNo);
  }

  async finish(error?: string) {
    if (error) await this.inFlight.catch(() => {});
    else {
      await this.inFlight;
      if (this.pending > 0 || this.batchNo === 0) await this.flush();
    }
    if (this.warningCount > MAX_WARNINGS) this.p.warnings.push(`… ${this.warningCount - MAX_WARNINGS} more warnings`);
    await finishIngestRun(this.db, this.runId, this.p, error);
  }
}

/** Text lines of a file (gzip when it starts with the gzip magic), with 1-based line numbers. */
export async function* readLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  const name = path.basename(file);
  const handle = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new FeedFileError(name, e.code === 'ENOENT' ? 'no such file' : `cannot be opened (${e.code ?? e.message})`);
  });
  const head = Buffer.alloc(4096);
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  await handle.close();
  const gzip = bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  if (!gzip && head.subarray(0, bytesRead).includes(0)) throw new FeedFileError(name, 'looks binary (a NUL byte near the start); expected a text queue_log (optionally .gz)');
  let input: Readable = createReadStream(file, { highWaterMark: 1 << 20 });
  if (gzip) input = input.pipe(createGunzip());
  const rl = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of rl) {
      line += 1;
      yield { line, text };
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message)) throw new FeedFileError(name, 'the gzip stream ends early: the file is truncated; copy it again');
    throw e;
  } finally {
    rl.close();
    input.destroy();
  }
}

/**
 * Feeds queue_log lines through the visit assembler into an ingest run: the shared core of a
 * file ingest and of the live tail. Visits open when the lines end are stored as waiting (or
 * answered, still talking) and returned.
 */
export async function ingestQueueLogLines(
  run: CallIngestRun,
  lines: AsyncIterable<{ line: number; text: string }> | Iterable<{ line: number; text: string }>,
  opts: { source: string; zone: string; open: OpenVisit[] },
): Promise<OpenVisit[]> {
  const asm = createQueueLogAssembler(
    { source: opts.source, zone: opts.zone, open: opts.open },
    {
      visit: (v) => run.visit(v),
      agentEvent: (e) => run.agentEvent(e),
      problem: (line, raw, p) => run.reject(line, p.field, p.reason, raw),
      warning: (line, message) => run.warn(line, message),
    },
  );
  for await (const { line, text } of lines) {
    if (text.trim() === '') continue;
    run.p.rowsRead += 1;
    asm.push(text, line);
    if (run.full) await run.maybeFlush();
  }
  const still = asm.finish();
  if (still.length > 0) run.note(`${still.length} visits still open at the end of the log (stored as waiting, or answered and still talking, until their end is read)`);
  return still;
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
      const still = await ingestQueueLogLines(run, readLines(file), { source: opts.source, zone: opts.zone, open: await openVisitsOf(db, opts.source) });
      stillOpen = still.length;
    } else {
      const skipped = { phantom: 0, vru_only: 0 };
      for await (const rec of readCsvRecords(file)) {
        run.p.rowsRead += 1;
        if (rec.fieldCountError) run.reject(rec.line, null, rec.fieldCountError, rec.raw);
        else if (format === 'csv') {
          const r = normaliseGenericCall(rec.values, { source: opts.source, zone: opts.zone });
          if (r.ok) {
            run.visit(r.visit);
            if (r.visit.outcome === 'waiting' || r.visit.endedAt === null) stillOpen += 1;
            for (const w of r.warnings) run.warn(rec.line, w);
          } else run.reject(rec.line, r.problems[0]!.field, r.problems.map((x) => `${x.field}: ${x.reason}`).join('; '), rec.raw);
        } else {
          const r = normaliseAnonymousBankCall(rec.values, { source: opts.source, zone: opts.zone });
          if (r.kind === 'visit') run.visit(r.visit);
          else if (r.kind === 'skip') skipped[r.reason] += 1;
          else run.reject(rec.line, r.problems[0]!.field, r.problems.map((x) => `${x.field}: ${x.reason}`).join('; '), rec.raw);
        }
        if (run.full) await run.maybeFlush();
      }
      if (skipped.phantom > 0) run.note(`${skipped.phantom} PHANTOM calls are not customer calls: not visits`);
      if (skipped.vru_only > 0) run.note(`${skipped.vru_only} calls hung up in the voice-response unit before reaching a queue: not visits`);
    }
    await run.finish();
    return { ...run.p, runId: run.runId, file: name, status: 'succeeded', stillOpen, agentEvents: run.agentEventCount };
  } catch (e) {
    const error = (e as Error).message;
    await run.finish(error);
    return { ...run.p, runId: run.runId, file: name, status: 'failed', error, stillOpen, agentEvents: run.agentEventCount };
  }
}

/** Ingests an email-contacts CSV (`id, mailbox, received_at, processed_at`). */
export async function ingestEmailFile(db: Db, file: string, opts: CallIngestOptions): Promise<CallIngestResult> {
  const name = path.basename(file);
  const run = await new CallIngestRun(db, { feed: 'emails', source: opts.source, file: name }, opts).start();
  try {
    for await (const rec of readCsvRecords(file)) {
      run.p.rowsRead += 1;
      if (rec.fieldCountError) run.reject(rec.line, null, rec.fieldCountError, rec.raw);
      else {
        const r = normaliseEmailContact(rec.values, { source: opts.source, zone: opts.zone });
        if (r.ok) {
          run.email(r.email);
          for (const w of r.warnings) run.warn(rec.line, w);
        } else run.reject(rec.line, r.problems[0]!.field, r.problems.map((x) => `${x.field}: ${x.reason}`).join('; '), rec.raw);
      }
      if (run.full) await run.maybeFlush();
    }
    await run.finish();
    return { ...run.p, runId: run.runId, file: name, status: 'succeeded', stillOpen: 0, agentEvents: 0 };
  } catch (e) {
    const error = (e as Error).message;
    await run.finish(error);
    return { ...run.p, runId: run.runId, file: name, status: 'failed', error, stillOpen: 0, agentEvents: 0 };
  }
}
