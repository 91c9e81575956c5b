import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { ingestRuns, jobRuns, ticketHistory, tickets } from '../../db/schema.ts';
import { createInlineRunner } from '../../jobs/runners/inline.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { createApp, type AppDeps } from '../../src/http/app.ts';
import { backends } from '../support/services.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(root, 'test/fixtures/tickets/generic-mixed.csv');
const config = appConfigSchema.parse({});
const now = new Date('2025-08-01T12:00:00Z');

/**
 * test/fixtures/tickets/generic-mixed.csv, counted by hand in ingest-tickets.int.test.ts:
 * 18 rows read, 11 good, 7 rejected at lines 6 (id), 8 (priority), 10 (opened_at), 11 (vip),
 * 13 (kind), 14 (resolved_at) and 15 (field count: no field).
 */
const rejectedLines = [
  [6, 'id'],
  [8, 'priority'],
  [10, 'opened_at'],
  [11, 'vip'],
  [13, 'kind'],
  [14, 'resolved_at'],
  [15, null],
];

describe.each(backends.filter((b) => b.available))('feed upload and ingest run history API on $name', (backend) => {
  let handle: DbHandle;
  let dataDir: string;
  let csv: Uint8Array;
  const appWith = (more: Partial<AppDeps> = {}) => createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now, dataDir, ...more });
  const post = async (app: ReturnType<typeof createApp>, url: string, body: string | Uint8Array, type = 'text/csv') => {
    const res = await app.request(url, { method: 'POST', body: body as BodyInit, headers: { 'content-type': type } });
    return { status: res.status, body: (await res.json()) as any };
  };
  const get = async (url: string) => {
    const res = await appWith().request(url);
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    handle = await backend.open();
    dataDir = await mkdtemp(path.join(tmpdir(), 'attain-feeds-e2e-'));
    csv = new Uint8Array(await readFile(fixture));
  });
  afterAll(async () => handle?.close());

  it('ingests an uploaded CSV like the command line, computes inline without a runner, and lists the run and its rejected rows', async () => {
    const up = await post(appWith(), '/api/v1/feeds/tickets?filename=mixed.csv', csv);
    expect(up.status).toBe(201);
    expect(up.body.run).toMatchObject({ feed: 'tickets', source: 'generic', file: 'mixed.csv', status: 'succeeded', rowsRead: 18, inserted: 11, updated: 0, unchanged: 0, rejected: 7 });
    expect(up.body.preset).toBe('generic');
    // No runner in the deps: the 11 new tickets are evaluated in the request.
    expect(up.body.compute).toMatchObject({ queued: false, evaluated: 11 });
    // The temporary upload is gone.
    expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);

    const runs = await get('/api/v1/feeds/runs');
    expect(runs.status).toBe(200);
    expect(runs.body.runs).toHaveLength(1);
    expect(runs.body.runs[0]).toMatchObject({ id: up.body.run.id, file: 'mixed.csv', rejected: 7 });

    const rej = await get(`/api/v1/feeds/runs/${up.body.run.id}/rejected`);
    expect(rej.status).toBe(200);
    expect(rej.body.total).toBe(7);
    expect(rej.body.rejected.map((r: any) => [r.line, r.field])).toEqual(rejectedLines);
    expect(rej.body.rejected[1]).toEqual({
      file: 'mixed.csv',
      line: 8,
      field: 'priority',
      reason: 'priority: unknown priority "urgent" (expected critical, high, normal, low, long_term or P1-P5)',
      raw: 'T005,incident,urgent,no,Desktop,phone,Printer,open,2025-07-02 12:00,,,,,York,',
    });
    // Page 2 of 3 at 2 a page: the 3rd and 4th rejected rows (lines 10 and 11).
    const page = await get(`/api/v1/feeds/runs/${up.body.run.id}/rejected?limit=2&offset=2`);
    expect(page.body.rejected.map((r: any) => r.line)).toEqual([10, 11]);
  });

  it('reads a gzip upload; the same file again changes nothing; the runner queues the compute', async () => {
    // A source of this test's own: the other tests' uploads of the same fixture do not count.
    const url = '/api/v1/feeds/tickets?preset=generic&source=gzip-test';
    const first = await post(appWith(), url, gzipSync(csv), 'application/gzip');
    expect(first.status).toBe(201);
    // 11 good rows of 18, all new to this source (hand count above).
    expect(first.body.run).toMatchObject({ source: 'gzip-test', rowsRead: 18, inserted: 11, updated: 0, unchanged: 0, rejected: 7 });
    const runner = createInlineRunner((enqueue) => ({ db: handle.db, config, env: { port: 0, dataDir, publicRead: false }, now: () => now, log: () => {}, enqueue }));
    const up = await post(appWith({ enqueue: runner.enqueue }), url, gzipSync(csv), 'application/gzip');
    await runner.drain();
    await runner.close();
    expect(up.status).toBe(201);
    expect(up.body.run).toMatchObject({ file: 'upload-20250801T120000Z.csv.gz', rowsRead: 18, inserted: 0, updated: 0, unchanged: 11, rejected: 7 });
    expect(up.body.compute).toEqual({ queued: true });
    const compute = await handle.db.select().from(jobRuns).where(eq(jobRuns.slot, `compute-sla-after-upload-${up.body.run.id}`));
    expect(compute.map((r) => [r.job, r.status])).toEqual([['compute-sla', 'succeeded']]);
  });

  it('reads an upload with a preset and a source; uploads ticket history', async () => {
    const jira = 'Issue key,Issue Type,Priority,Status,Created,Resolved\nITSD-1,Incident,High,Resolved,03/Mar/25 9:00 AM,03/Mar/25 10:00 AM\n';
    const up = await post(appWith({ enqueue: async () => {} }), '/api/v1/feeds/tickets?preset=jira-sm&source=jsm-test', jira);
    expect(up.status).toBe(201);
    expect(up.body.run).toMatchObject({ source: 'jsm-test', rowsRead: 1, inserted: 1, rejected: 0 });
    expect(await handle.db.select({ id: tickets.externalId, priority: tickets.priority }).from(tickets).where(eq(tickets.source, 'jsm-test'))).toEqual([{ id: 'ITSD-1', priority: 'high' }]);

    // 3 rows: 2 good (status, priority), 1 with an unknown field.
    const history = 'id,at,field,value\nT001,2025-07-01 09:30,status,Awaiting user\nT001,2025-07-01 10:00,priority,P2\nT001,2025-07-01 10:30,colour,blue\n';
    const h = await post(appWith({ enqueue: async () => {} }), '/api/v1/feeds/ticket-history', history);
    expect(h.status).toBe(201);
    expect(h.body.run).toMatchObject({ feed: 'ticket-history', source: 'generic', rowsRead: 3, inserted: 2, rejected: 1 });
    const rows = await handle.db.select({ field: ticketHistory.field, value: ticketHistory.value }).from(ticketHistory).where(eq(ticketHistory.externalId, 'T001'));
    expect(rows.map((r) => `${r.field}=${r.value}`).sort()).toEqual(['priority=high', 'status=Awaiting user']);
    const rej = await get(`/api/v1/feeds/runs/${h.body.run.id}/rejected`);
    expect(rej.body.rejected).toEqual([expect.objectContaining({ line: 4, field: 'field' })]);

    const historyRuns = await get('/api/v1/feeds/runs?feed=ticket-history&limit=5');
    expect(historyRuns.body.runs.map((r: any) => r.id)).toEqual([h.body.run.id]);
  });

  it('answers 413 over the size limit without reading the rest of a streamed body, and creates no run', async () => {
    const small = createApp({ db: handle.db, dbKind: handle.kind, config: appConfigSchema.parse({ ticketFeeds: { uploadMaxBytes: 1000 } }), now: () => now, dataDir });
    const runsBefore = (await handle.db.select().from(ingestRuns)).length;

    // With Content-Length: refused before reading (the fixture is 1,745 bytes).
    const known = await post(small, '/api/v1/feeds/tickets', csv);
    expect(known.status).toBe(413);
    expect(known.body.error).toMatchObject({ code: 'payload_too_large', details: { field: 'body', limitBytes: 1000 } });

    // Streamed without a length: 1,000 chunks of 100 bytes offered; the limit is passed in the
    // 11th, so the server should stop pulling after a few chunks, not read all 100,000 bytes.
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 1000) controller.close();
        else controller.enqueue(new Uint8Array(100).fill(0x61));
      },
      highWaterMark: 0,
    } as UnderlyingDefaultSource<Uint8Array>);
    const res = await small.request('/api/v1/feeds/tickets', { method: 'POST', body, headers: { 'content-type': 'text/csv' }, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.code).toBe('payload_too_large');
    expect(pulled).toBeLessThan(100);
    expect(await handle.db.select().from(ingestRuns)).toHaveLength(runsBefore);
    expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);
  });

  it('answers 4xx JSON naming the field for bad input', async () => {
    const app = appWith({ enqueue: async () => {} });
    const preset = await post(app, '/api/v1/feeds/tickets?preset=nosuch', csv);
    expect(preset.status).toBe(400);
    expect(preset.body.error).toMatchObject({ code: 'invalid_parameter', details: { field: 'preset' } });
    expect(preset.body.error.message).toContain('servicenow-incident');

    const type = await post(app, '/api/v1/feeds/tickets', '{}', 'application/json');
    expect(type.status).toBe(415);
    expect(type.body.error).toMatchObject({ code: 'unsupported_media_type', details: { field: 'content-type' } });

    const name = await post(app, '/api/v1/feeds/tickets?filename=../etc/passwd', csv);
    expect(name.status).toBe(400);
    expect(name.body.error.details.field).toBe('filename');

    // A file that cannot be read (a zip, NUL at offset 4) fails its run: 400 naming the run.
    const binary = await post(app, '/api/v1/feeds/tickets?filename=export.csv', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]));
    expect(binary.status).toBe(400);
    expect(binary.body.error.message).toMatch(/export\.csv: looks binary/);
    expect(binary.body.error.details.run).toMatchObject({ status: 'failed', file: 'export.csv' });

    const badId = await get('/api/v1/feeds/runs/abc/rejected');
    expect(badId.status).toBe(400);
    expect(badId.body.error).toMatchObject({ code: 'invalid_parameter', details: { field: 'id' } });
    const unknown = await get('/api/v1/feeds/runs/999999/rejected');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'not_found', message: 'ingest run 999999 does not exist' });
    const limit = await get('/api/v1/feeds/runs?limit=0');
    expect(limit.status).toBe(400);
    expect(limit.body.error.details.field).toBe('limit');
  });
});
