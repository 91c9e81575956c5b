import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { createApp } from '../../src/http/app.ts';
import { createApiKey } from '../../src/store/api-keys.ts';
import { backends } from '../support/services.ts';

const config = appConfigSchema.parse({});
const backend = backends.find((b) => b.name === 'pglite')!;

describe('OpenAPI document and the auth matrix', () => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  let viewer: string;
  let doc: { openapi: string; paths: Record<string, Record<string, { 'x-required-role': string | null; parameters: unknown[] }>> };

  beforeAll(async () => {
    handle = await backend.open();
    viewer = (await createApiKey(handle.db, 'viewer', 'viewer')).secret;
    const admin = (await createApiKey(handle.db, 'admin', 'admin')).secret;
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => new Date(), auth: { mode: 'keys', publicRead: false } });
    const res = await app.request('/openapi.json', { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    doc = (await res.json()) as typeof doc;
  });
  afterAll(async () => handle?.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, concrete: path.replace(/\{[^}]+\}/g, '1'), role: op['x-required-role'] })),
    );

  it('documents every route the app serves, and nothing it does not', () => {
    expect(doc.openapi).toBe('3.1.0');
    const served = new Set(
      app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const documented = new Set(operations().map((o) => `${o.method} ${o.path}`));
    expect([...documented].sort()).toEqual([...served].sort());
    // The query parameters come from the handlers' own zod schemas.
    const attainment = doc.paths['/api/v1/sla/attainment']!.get!;
    expect(attainment.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'grain', in: 'query' })]));
  });

  it('answers 401 without a key on every route but /health', async () => {
    for (const op of operations()) {
      const res = await app.request(op.concrete, { method: op.method, headers: { 'content-type': 'application/json' }, body: op.method === 'GET' ? undefined : '{}' });
      if (op.role === null) {
        // Sign-in routes are open but answer on their own terms (a cross-site post 403, a callback without a started sign-in 400): never 401 or 5xx.
        if (op.path.startsWith('/auth/')) expect(res.status, `${op.method} ${op.path}`).toBeLessThan(500);
        else expect([200, 204], `${op.method} ${op.path}`).toContain(res.status); // /favicon.ico is an empty 204
        expect(res.status, `${op.method} ${op.path}`).not.toBe(401);
        continue;
      }
      expect(res.status, `${op.method} ${op.path}`).toBe(401);
      expect(((await res.json()) as any).error.code).toBe('unauthorized');
    }
  });

  it('answers 403 to a viewer key on every route that needs more', async () => {
    const writes = operations().filter((o) => o.role === 'ingest' || o.role === 'admin');
    expect(writes.length).toBeGreaterThan(0);
    for (const op of writes) {
      const res = await app.request(op.concrete, { method: op.method, headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json' }, body: '{}' });
      expect(res.status, `${op.method} ${op.path}`).toBe(403);
    }
  });

  it('serves a docs page listing the operations', async () => {
    const res = await app.request('/docs', { headers: { authorization: `Bearer ${viewer}` } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/api/v1/sla/attainment');
    expect(html).toContain('<table>');
  });
});
