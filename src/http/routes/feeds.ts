import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { callFeedFormats } from '../../feeds/calls/ingest-file.ts';
import { ticketFeedsOf } from '../../feeds/tickets/mapped-feed.ts';
import { checkPreset, ingestUpload, rejectedOf, runsPage, type Upload } from '../../services/feed-uploads.ts';
import type { AppDeps } from '../context.ts';
import { ApiError, quote } from '../errors.ts';
import { apiRoute, json, router, upload } from '../openapi.ts';
import { INT32_MAX, intParam, nameParam } from '../params.ts';
import { IngestRunSchema } from './schemas.ts';

const fileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, 'letters, digits, ".", "_" and "-" only')
  .optional()
  .openapi({ description: "Recorded as the run's file name (default upload-<time>.csv)", example: 'tickets-2025-11.csv' });

const ticketsUploadQuery = z.object({ preset: nameParam().optional().openapi({ example: 'servicenow-incident' }), source: nameParam(200).optional(), filename: fileName });
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
const rejectedQuery = z.object({ limit: intParam(1, 5000).default(500), offset: intParam(0, INT32_MAX).default(0) });

const csvTypes = ['text/csv', 'text/plain', 'application/csv'];
const gzipTypes = ['application/gzip', 'application/x-gzip'];

const UploadedSchema = z
  .object({
    run: IngestRunSchema,
    preset: z.string().optional(),
    historyRows: z.number().int().optional(),
    historyInserted: z.number().int().optional(),
    compute: z.looseObject({ queued: z.boolean() }).openapi({ description: 'The recompute the upload started: queued on the job runner, or done inline (with its counts)' }),
  })
  .openapi('Upload');
const RejectedSchema = z
  .object({
    run: IngestRunSchema,
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    rejected: z.array(z.object({ line: z.number().int().nullable(), field: z.string().nullable(), reason: z.string(), raw: z.string().nullable(), file: z.string().nullable() })),
  })
  .openapi('RejectedRows');

const uploadRoute = <Q extends z.ZodObject>(p: string, summary: string, query: Q) =>
  apiRoute({
    method: 'post',
    path: `/api/v1/feeds/${p}`,
    tags: ['Feeds'],
    summary,
    request: { query, body: upload('The file, streamed (size-limited: ticketFeeds.uploadMaxBytes)', ...csvTypes, ...gzipTypes) },
    responses: { 201: json(UploadedSchema, 'Ingested; the run and the recompute') },
    errors: { 413: 'The file is over the upload limit', 415: 'Not a CSV or gzip content type' },
  });
const ticketsRoute = uploadRoute('tickets', 'Upload a ticket feed file (text/csv or application/gzip, streamed, size-limited) with a preset; returns the ingest run', ticketsUploadQuery);
const historyRoute = uploadRoute('ticket-history', 'Upload a ticket history file (id, at, field, value; text/csv or application/gzip); returns the ingest run', historyUploadQuery);
const callsRoute = uploadRoute('calls', 'Upload a call feed (Asterisk queue_log, the calls CSV or the Anonymous Bank export); returns the ingest run and recomputes the call figures', callsUploadQuery);
const outagesRoute = uploadRoute('outages', 'Upload outage records (system, start, end, kind, reason, ref); returns the ingest run', outagesUploadQuery);
const casesRoute = uploadRoute('cases', "Upload a casework file (the casework CSV, or a tool's export with a preset); returns the ingest run", casesUploadQuery);
const runsRoute = apiRoute({
  method: 'get',
  path: '/api/v1/feeds/runs',
  tags: ['Feeds'],
  summary: 'Ingest runs, newest first',
  request: { query: runsQuery },
  responses: { 200: json(z.object({ runs: z.array(IngestRunSchema), next: z.object({ before: z.number().int() }).nullable() }).openapi('IngestRuns')) },
});
const rejectedRoute = apiRoute({
  method: 'get',
  path: '/api/v1/feeds/runs/{id}/rejected',
  tags: ['Feeds'],
  summary: "A run's rejected rows: line, field, reason and the raw text",
  request: { params: z.object({ id: z.string().openapi({ description: 'The run id', example: '42' }) }), query: rejectedQuery },
  responses: { 200: json(RejectedSchema) },
  errors: { 404: 'No such run' },
});

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
  /** Checks the preset, receives the file, ingests it and answers with the run (a file that cannot be read to the end is a 400). */
  async function received(c: Context, u: Upload, filename: string | undefined) {
    checkPreset(deps.config, u);
    const { dir, file } = await receiveFile(c, deps, filename, ticketFeedsOf(deps.config).uploadMaxBytes);
    try {
      const r = await ingestUpload(deps, u, file);
      // What was committed before the failure stays (as on the command line).
      if (r.failed) throw new ApiError('invalid_body', `body: ${r.error}`, { field: 'body', runId: r.run.id, run: r.run });
      return c.json({ run: r.run, ...r.extra, compute: r.compute }, 201);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  return router()
    .openapi(ticketsRoute, async (c) => {
      const q = c.req.valid('query');
      return received(c, { feed: 'tickets', preset: q.preset ?? 'generic', source: q.source }, q.filename);
    })
    .openapi(historyRoute, async (c) => {
      const q = c.req.valid('query');
      return received(c, { feed: 'ticket-history', source: q.source }, q.filename);
    })
    .openapi(callsRoute, async (c) => {
      const q = c.req.valid('query');
      return received(c, { feed: 'calls', format: q.format, filename: q.filename, source: q.source }, q.filename);
    })
    .openapi(outagesRoute, async (c) => received(c, { feed: 'outages' }, c.req.valid('query').filename))
    .openapi(casesRoute, async (c) => {
      const q = c.req.valid('query');
      return received(c, { feed: 'cases', preset: q.preset ?? 'generic', source: q.source }, q.filename);
    })
    .openapi(runsRoute, async (c) => c.json(await runsPage(deps.db, c.req.valid('query')), 200))
    .openapi(rejectedRoute, async (c) => {
      const text = c.req.valid('param').id;
      const id = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
      if (!(id >= 1 && id <= INT32_MAX)) throw new ApiError('invalid_parameter', `id: expected a run id (a whole number from 1 to ${INT32_MAX}), got ${quote(text)}`, { field: 'id' });
      const page = await rejectedOf(deps.db, id, c.req.valid('query'));
      if (!page) throw new ApiError('not_found', `ingest run ${id} does not exist`, { field: 'id' });
      return c.json(page, 200);
    });
}
