import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { evaluateStaleTickets } from '../../../jobs/compute-sla.ts';
import type { IngestRun } from '../../../db/schema.ts';
import type { IngestResult } from '../../feeds/ingest-csv.ts';
import { computeCalls } from '../../../jobs/compute-calls.ts';
import { callsRules } from '../../calls/rules.ts';
import { anonymousBankZone } from '../../feeds/calls/anonymous-bank.ts';
import { callFeedFormats, formatFromName, ingestCallFile } from '../../feeds/calls/ingest-file.ts';
import { ingestOutageFile } from '../../feeds/outages/ingest-file.ts';
import { caseFeedNames, caseMappingNamed } from '../../feeds/cases/ingest-file.ts';
import { ingestCases } from '../../services/cases.ts';
import { zoneOfCalendar } from '../../config/calendars.ts';
import { syncConfiguredSystems } from '../../store/availability.ts';
import { ingestTicketHistoryFile } from '../../feeds/tickets/history.ts';
import { feedNames, ingestTicketFeedFile, mappingNamed, ticketFeedsOf } from '../../feeds/tickets/mapped-feed.ts';
import { slaRules } from '../../sla/rules.ts';
import { getIngestRun } from '../../store/ingest-runs.ts';
import { listRuns, rejectedRowsPage } from '../../store/ticket-feeds.ts';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';
import { ApiError, parseQuery, quote } from '../errors.ts';
import { INT32_MAX, intParam, nameParam } from '../params.ts';

const fileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, 'letters, digits, ".", "_" and "-" only')
  .optional();

const ticketsUploadQuery = z.object({
  preset: nameParam().optional(),
  source: nameParam(200).optional(),
  /** Recorded as the run's file name (default upload-<time>.csv). */
  filename: fileName,
});
const historyUploadQuery = z.object({ source: nameParam(200).optional(), filename: fileName });

const callsUploadQuery = z.object({
  /** Default: from the file name (`queue_log…` → queue_log), else the generic calls CSV. */
  format: z.enum(callFeedFormats).optional(),
  source: nameParam(200).optional(),
  filename: fileName,
});
const outagesUploadQuery = z.object({ filename: fileName });
const casesUploadQuery = z.object({ preset: nameParam().optional(), source: nameParam(200).optional(), filename: fileName });

const runsQuery = z.object({
  feed: nameParam().optional(),
  limit: intParam(1, 500).default(50),
  /** Runs with a smaller id (the next page: the last id of this one). */
  before: intParam(1, INT32_MAX).optional(),
});
const rejectedQuery = z.object({
  limit: intParam(1, 5000).default(500),
  offset: intParam(0, INT32_MAX).default(0),
});

const csvTypes = ['text/csv', 'text/plain', 'application/csv'];
const gzipTypes = ['application/gzip', 'application/x-gzip'];

export const feedsOperations: Operation[] = [
  { method: 'post', path: '/api/v1/feeds/tickets', tag: 'Feeds', summary: 'Upload a ticket feed file (text/csv or application/gzip, streamed, size-limited) with a preset; returns the ingest run', query: ticketsUploadQuery, bodyMediaType: 'text/csv' },
  { method: 'post', path: '/api/v1/feeds/ticket-history', tag: 'Feeds', summary: 'Upload a ticket history file (id, at, field, value; text/csv or application/gzip); returns the ingest run', query: historyUploadQuery, bodyMediaType: 'text/csv' },
  { method: 'post', path: '/api/v1/feeds/calls', tag: 'Feeds', summary: 'Upload a call feed (Asterisk queue_log, the calls CSV or the Anonymous Bank export); returns the ingest run and recomputes the call figures', query: callsUploadQuery, bodyMediaType: 'text/csv' },
  { method: 'post', path: '/api/v1/feeds/outages', tag: 'Feeds', summary: 'Upload outage records (system, start, end, kind, reason, ref); returns the ingest run', query: outagesUploadQuery, bodyMediaType: 'text/csv' },
  { method: 'post', path: '/api/v1/feeds/cases', tag: 'Feeds', summary: 'Upload a casework file (the casework CSV, or a tool\'s export with a preset); returns the ingest run', query: casesUploadQuery, bodyMediaType: 'text/csv' },
  { method: 'get', path: '/api/v1/feeds/runs', tag: 'Feeds', summary: 'Ingest runs, newest first', query: runsQuery },
  { method: 'get', path: '/api/v1/feeds/runs/:id/rejected', tag: 'Feeds', summary: "A run's rejected rows: line, field, reason and the raw text", query: rejectedQuery },
];

function runOut(r: IngestRun) {
  return {
    id: r.id,
    feed: r.feed,
    source: r.source,
    file: r.file,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    rowsRead: r.rowsRead,
    inserted: r.inserted,
    updated: r.updated,
    unchanged: r.unchanged,
    rejected: r.rejected,
    warnings: r.warnings,
    error: r.error,
  };
}

/** Counts the bytes going through and stops the stream at the limit, before reading more. */
function byteLimit(max: number) {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(new ApiError('payload_too_large', `body: the file is larger than the upload limit of ${max} bytes (ticketFeeds.uploadMaxBytes)`, { field: 'body', limitBytes: max }));
      else done(null, chunk);
    },
  });
}

/**
 * Streams the request body into a fresh temporary folder (never whole in memory), refusing a
 * body over the limit with a 413 as soon as the limit is passed (or at once, from Content-Length).
 */
async function receiveFile(c: Context, deps: AppDeps, name: string | undefined, max: number): Promise<{ dir: string; file: string }> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const gzip = gzipTypes.includes(type);
  if (!gzip && !csvTypes.includes(type)) {
    throw new ApiError('unsupported_media_type', `content-type: expected text/csv or application/gzip, got "${type || 'none'}"`, { field: 'content-type' });
  }
  const length = Number(c.req.header('content-length'));
  if (Number.isFinite(length) && length > max) {
    throw new ApiError('payload_too_large', `body: ${length} bytes is larger than the upload limit of ${max} bytes (ticketFeeds.uploadMaxBytes)`, { field: 'body', limitBytes: max });
  }
  const base = deps.dataDir ? path.join(deps.dataDir, 'tmp') : tmpdir();
  await mkdir(base, { recursive: true });
  const dir = await mkdtemp(path.join(base, 'upload-'));
  const stamp = deps.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const file = path.join(dir, name ?? `upload-${stamp}.csv${gzip ? '.gz' : ''}`);
  try {
    const body = c.req.raw.body;
    const source = body ? Readable.fromWeb(body as unknown as WebReadableStream<Uint8Array>) : Readable.from([]);
    await pipeline(source, byteLimit(max), createWriteStream(file));
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    if (e instanceof ApiError) throw e;
    throw new ApiError('invalid_body', `body: the upload was cut short (${(e as Error).message})`, { field: 'body' });
  }
  return { dir, file };
}

export function feedsRoutes(deps: AppDeps) {
  const maxBytes = () => ticketFeedsOf(deps.config).uploadMaxBytes;

  /** The compute after an ingest: queued on the job runner when there is one, else run here. */
  async function compute(runId: number) {
    if (deps.enqueue) {
      await deps.enqueue('compute-sla', `compute-sla-after-upload-${runId}`, {});
      return { queued: true };
    }
    const now = deps.now();
    const { evaluated, months } = await evaluateStaleTickets(deps.db, deps.config, now);
    return { queued: false, evaluated, months };
  }

  /** The call figures after a calls upload: queued when there is a runner, else computed here. */
  async function computeCallFigures(runId: number) {
    if (deps.enqueue) {
      await deps.enqueue('compute-calls', `compute-calls-after-upload-${runId}`, {});
      return { queued: true };
    }
    const r = await computeCalls(deps.db, callsRules(deps.config), deps.now());
    return { queued: false, callDays: r.callDays.length, emailDays: r.emailDays.length };
  }

  async function answer(
    c: Context,
    result: IngestResult & { preset?: string; historyRows?: number; historyInserted?: number },
    after: (runId: number) => Promise<object> = compute,
  ) {
    const run = await getIngestRun(deps.db, result.runId);
    if (result.status === 'failed') {
      // The file could not be read to the end: what was committed before stays (as on the command line).
      throw new ApiError('invalid_body', `body: ${result.error}`, { field: 'body', runId: result.runId, run: runOut(run!) });
    }
    const extra = { ...(result.preset ? { preset: result.preset } : {}), ...(result.historyRows !== undefined ? { historyRows: result.historyRows, historyInserted: result.historyInserted } : {}) };
    return c.json({ run: runOut(run!), ...extra, compute: await after(result.runId) }, 201);
  }

  return new Hono()
    .post('/api/v1/feeds/tickets', async (c) => {
      const q = parseQuery(ticketsUploadQuery, c.req.query());
      const preset = q.preset ?? 'generic';
      // Known names only (own properties): `__proto__` or `constructor` must not find an inherited member.
      if (preset !== 'generic' && !(feedNames(deps.config).includes(preset) && mappingNamed(deps.config, preset))) {
        throw new ApiError('invalid_parameter', `preset: unknown preset ${quote(preset)} (known: ${feedNames(deps.config).join(', ')})`, { field: 'preset' });
      }
      const { dir, file } = await receiveFile(c, deps, q.filename, maxBytes());
      try {
        const result = await ingestTicketFeedFile(deps.db, file, deps.config, { preset, source: q.source });
        return await answer(c, result);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    })
    .post('/api/v1/feeds/ticket-history', async (c) => {
      const q = parseQuery(historyUploadQuery, c.req.query());
      const { dir, file } = await receiveFile(c, deps, q.filename, maxBytes());
      try {
        const result = await ingestTicketHistoryFile(deps.db, file, { source: q.source ?? deps.config.ticketSource, zone: slaRules(deps.config).zone });
        return await answer(c, result);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    })
    .post('/api/v1/feeds/calls', async (c) => {
      const q = parseQuery(callsUploadQuery, c.req.query());
      const rules = callsRules(deps.config);
      const format = q.format ?? (q.filename ? formatFromName(q.filename) : 'csv');
      const { dir, file } = await receiveFile(c, deps, q.filename, maxBytes());
      try {
        const zone = format === 'anonymous-bank' ? anonymousBankZone : rules.zone;
        const source = q.source ?? (format === 'anonymous-bank' ? 'anonymous-bank' : rules.config.source);
        const result = await ingestCallFile(deps.db, file, format, { source, zone, clockSkewSeconds: rules.config.clockSkewSeconds });
        return await answer(c, result, computeCallFigures);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    })
    .post('/api/v1/feeds/outages', async (c) => {
      const q = parseQuery(outagesUploadQuery, c.req.query());
      const { dir, file } = await receiveFile(c, deps, q.filename, maxBytes());
      try {
        await syncConfiguredSystems(deps.db, deps.config.systems);
        const result = await ingestOutageFile(deps.db, file, { zoneOf: (id) => zoneOfCalendar(deps.config, id) });
        // Availability is computed on request: nothing to queue.
        return await answer(c, result, async () => ({ queued: false }));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    })
    .post('/api/v1/feeds/cases', async (c) => {
      const q = parseQuery(casesUploadQuery, c.req.query());
      const preset = q.preset ?? 'generic';
      if (!caseMappingNamed(deps.config, preset)) {
        throw new ApiError('invalid_parameter', `preset: unknown casework preset "${preset}" (known: ${caseFeedNames(deps.config).join(', ')})`, { field: 'preset' });
      }
      const { dir, file } = await receiveFile(c, deps, q.filename, maxBytes());
      try {
        const result = await ingestCases(deps.db, file, deps.config, { preset, source: q.source });
        // Case clocks are computed at ingest and figures on request: nothing to queue.
        return await answer(c, result, async () => ({ queued: false }));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    })
    .get('/api/v1/feeds/runs', async (c) => {
      const q = parseQuery(runsQuery, c.req.query());
      const runs = await listRuns(deps.db, { limit: q.limit, feed: q.feed, before: q.before });
      return c.json({ runs: runs.map(runOut), next: runs.length === q.limit ? { before: runs[runs.length - 1]!.id } : null });
    })
    .get('/api/v1/feeds/runs/:id/rejected', async (c) => {
      const text = c.req.param('id');
      const id = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
      if (!(id >= 1 && id <= INT32_MAX)) throw new ApiError('invalid_parameter', `id: expected a run id (a whole number from 1 to ${INT32_MAX}), got ${quote(text)}`, { field: 'id' });
      const q = parseQuery(rejectedQuery, c.req.query());
      const run = await getIngestRun(deps.db, id);
      if (!run) throw new ApiError('not_found', `ingest run ${id} does not exist`, { field: 'id' });
      const page = await rejectedRowsPage(deps.db, id, q);
      return c.json({ run: runOut(run), total: page.total, limit: q.limit, offset: q.offset, rejected: page.rows });
    });
}
