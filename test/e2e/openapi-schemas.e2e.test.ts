import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestCallFile } from '../../src/feeds/calls/ingest-file.ts';
import { createApp } from '../../src/http/app.ts';
import { syncConfiguredSystems } from '../../src/store/availability.ts';
import { backends } from '../support/services.ts';

/**
 * Issue 11: the OpenAPI document is valid OpenAPI 3.1 (checked by an independent validator of
 * the OpenAPI schemas), every operation documents its success answer with a schema and its 4xx
 * with the one error schema, and the answers the app really gives match what the document says.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const config = appConfigSchema.parse({ systems: [{ name: 'Library' }, { name: 'Email', group: 'service' }] });
const backend = backends.find((b) => b.name === 'pglite')!;

type Response = { description: string; content?: Record<string, { schema?: unknown }> };
type Operation = { responses: Record<string, Response>; 'x-required-role': string | null; requestBody?: unknown };
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

describe('the generated OpenAPI document', () => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  let doc: Doc;

  beforeAll(async () => {
    handle = await backend.open();
    await syncConfiguredSystems(handle.db, config.systems);
    await ingestCallFile(handle.db, path.join(root, 'test/fixtures/calls/generic-calls.csv'), 'csv', { source: 'calls', zone: 'Europe/London' });
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => new Date('2026-03-10T12:00:00Z') });
    doc = (await (await app.request('/openapi.json')).json()) as Doc;
  });
  afterAll(async () => handle?.close());

  const operations = () => Object.entries(doc.paths).flatMap(([p, methods]) => Object.entries(methods).map(([method, op]) => ({ method, path: p, op })));

  it('validates as OpenAPI 3.1', async () => {
    const result = await new Validator().validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('documents a schema for every success answer and the error schema for every JSON 4xx', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(40);
    for (const { method, path: p, op } of ops) {
      const what = `${method.toUpperCase()} ${p}`;
      // Sign-in's form posts and callbacks succeed with a redirect (3xx, no body).
      const success = Object.keys(op.responses).filter((s) => /^[23]\d\d$/.test(s));
      expect(success.length, what).toBeGreaterThan(0);
      for (const s of success) {
        // 204 and redirects have no body; every other success names its media types, each with a schema.
        if (s === '204' || s.startsWith('3')) continue;
        const content = op.responses[s]!.content ?? {};
        expect(Object.keys(content).length, `${what} ${s}`).toBeGreaterThan(0);
        for (const [type, media] of Object.entries(content)) expect(media.schema, `${what} ${s} ${type}`).toBeDefined();
      }
      const clientErrors = Object.entries(op.responses).filter(([s]) => /^4\d\d$/.test(s));
      expect(clientErrors.map(([s]) => s), what).toContain('400');
      for (const [s, r] of clientErrors) {
        const json = r.content?.['application/json'];
        if (json) expect(json.schema, `${what} ${s}`).toEqual({ $ref: '#/components/schemas/Error' });
        else expect(Object.keys(r.content ?? {}), `${what} ${s}: a page's error is a page`).toEqual(['text/html']);
      }
      // An operation that needs a role documents the auth middleware's 401 and 403, as JSON errors.
      if (op['x-required-role']) {
        for (const s of ['401', '403']) expect(op.responses[s]?.content?.['application/json']?.schema, `${what} ${s}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  });

  it("the app's real answers match their documented schemas (JSON 200s and 4xx errors)", async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
    const check = (schema: unknown, body: unknown, what: string) => {
      // Component references point into the document's components.
      const text = JSON.stringify(schema).replace(/"#\/components\//g, '"doc#/components/');
      const validate = ajv.compile(JSON.parse(text));
      expect(validate(body), `${what}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    };
    const requests = [
      '/health',
      '/api/v1/sla/attainment',
      '/api/v1/sla/attainment?grain=day&by=team',
      '/api/v1/sla/tickets?open=true',
      '/api/v1/sla/today',
      '/api/v1/sla/forecast',
      '/api/v1/calls/kpis?from=2025-01-01&to=2025-12-31&grain=month',
      '/api/v1/calls/kpis?grain=interval&from=2025-03-03',
      '/api/v1/calls/now',
      '/api/v1/calls/staffing?arrivals=120&aht=240',
      '/api/v1/availability?from=2026-01&to=2026-03',
      '/api/v1/outages',
      '/api/v1/cases/attainment',
      '/api/v1/cases?state=open',
      '/api/v1/plans',
      '/api/v1/measures',
      '/api/v1/feeds/runs',
      '/api/v1/feeds/runs/1/rejected',
      '/auth/me',
    ];
    for (const url of requests) {
      const res = await app.request(url, { headers: { accept: 'application/json' } });
      const documented = doc.paths[url.split('?')[0]!.replace(/\/runs\/1\//, '/runs/{id}/')]!.get!;
      const body = await res.json();
      const schema = documented.responses[String(res.status)]?.content?.['application/json']?.schema;
      expect(schema, `${url} answered ${res.status}, which is not documented`).toBeDefined();
      check(schema, body, `${url} → ${res.status}`);
    }
    // A bad parameter: the 400 is the documented error body.
    const bad = await app.request('/api/v1/sla/attainment?from=2025-02-30');
    expect(bad.status).toBe(400);
    check(doc.paths['/api/v1/sla/attainment']!.get!.responses['400']!.content!['application/json']!.schema, await bad.json(), 'a 400');
  });
});
