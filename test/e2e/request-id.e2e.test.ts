import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { contextStorage } from 'hono/context-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { createApp } from '../../src/http/app.ts';
import { ApiError, renderError } from '../../src/http/errors.ts';
import { requestLog } from '../../src/http/request-log.ts';
import { createLogger } from '../../src/log.ts';
import { backends } from '../support/services.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(backends.filter((b) => b.available))('request ids through the app on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    handle = await backend.open();
    app = createApp({ db: handle.db, dbKind: handle.kind, config: appConfigSchema.parse({}), now: () => new Date('2026-03-10T12:00:00Z'), log: () => {} });
  });
  afterAll(async () => handle?.close());

  it('gives every answer an id in X-Request-Id, and every JSON error body the same id', async () => {
    const ok = await app.request('/health');
    expect(ok.headers.get('x-request-id')).toMatch(uuid);
    for (const url of ['/api/v1/kpi-feed/0000-01', '/no/such/route']) {
      const res = await app.request(url);
      const body = (await res.json()) as { error: { code: string; requestId: string } };
      expect([url, res.status >= 400 && res.status < 500, body.error.requestId]).toEqual([url, true, res.headers.get('x-request-id')]);
      expect(body.error.requestId).toMatch(uuid);
    }
  });

  it("keeps a caller's X-Request-Id of sane length and characters, replaces any other", async () => {
    const kept = await app.request('/api/v1/kpi-feed/0000-01', { headers: { 'x-request-id': 'proxy-7f3a_01=' } });
    expect(kept.headers.get('x-request-id')).toBe('proxy-7f3a_01=');
    expect(((await kept.json()) as { error: { requestId: string } }).error.requestId).toBe('proxy-7f3a_01=');
    // A space or a newline could forge a log line; 129 characters is over the 128 kept.
    for (const bad of ['two words', 'a\tb', 'x'.repeat(129), '"quoted"']) {
      const res = await app.request('/health', { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id'), bad).toMatch(uuid);
    }
    expect((await app.request('/health', { headers: { 'x-request-id': 'x'.repeat(128) } })).headers.get('x-request-id')).toBe('x'.repeat(128));
  });
});

describe('the request log (src/http/request-log.ts)', () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  // The app's own middleware order: the request log first, then context storage, one onError.
  const app = new Hono()
    .use('*', requestLog({ logger: createLogger({ level: 'info', format: 'json' }, stream) }))
    .use('*', contextStorage())
    .get('/boom', () => {
      throw new Error('disk on fire');
    })
    .get('/bad', () => {
      throw new ApiError('invalid_parameter', 'month: expected YYYY-MM', { field: 'month' });
    })
    .get('/fine', (c) => c.text('ok'))
    .onError((err, c) => renderError(err, c, () => {}));

  it('logs a 5xx as an error with request id, method, path and the error; a 4xx or a 200 not at info', async () => {
    const boom = await app.request('/boom', { headers: { 'x-request-id': 'req-500' } });
    expect(boom.status).toBe(500);
    // The caller sees the id and nothing of the error.
    expect(await boom.json()).toEqual({ error: { code: 'internal', message: 'internal error; the server log has the details', requestId: 'req-500' } });
    expect((await app.request('/bad')).status).toBe(400);
    expect((await app.request('/fine')).status).toBe(200);
    expect(lines).toHaveLength(1);
    // pino's level 50 is "error".
    expect(lines[0]).toMatchObject({ level: 50, requestId: 'req-500', method: 'GET', path: '/boom', status: 500, err: { message: 'disk on fire' } });
    expect((lines[0]!.err as { stack: string }).stack).toContain('disk on fire');
  });
});
