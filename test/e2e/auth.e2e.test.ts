import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { createApp } from '../../src/http/app.ts';
import { requiredRole } from '../../src/http/auth.ts';
import { createApiKey, revokeApiKey } from '../../src/store/api-keys.ts';
import { backends } from '../support/services.ts';

const config = appConfigSchema.parse({});

describe('requiredRole', () => {
  it('leaves /health open, reading to viewers, writing to ingest, /api/v1/admin to admins', () => {
    expect(requiredRole('GET', '/health')).toBeNull();
    expect(requiredRole('GET', '/api/v1/sla/attainment')).toBe('viewer');
    expect(requiredRole('POST', '/api/v1/outages')).toBe('ingest');
    expect(requiredRole('GET', '/api/v1/admin/keys')).toBe('admin');
  });
});

describe.each(backends.filter((b) => b.available))('API keys on $name', (backend) => {
  let handle: DbHandle;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    handle = await backend.open();
    for (const role of ['viewer', 'ingest', 'admin'] as const) keys[role] = (await createApiKey(handle.db, `${role} key`, role)).secret;
    const revoked = await createApiKey(handle.db, 'old', 'admin');
    await revokeApiKey(handle.db, String(revoked.id));
    keys.revoked = revoked.secret;
  });
  afterAll(async () => handle?.close());

  const appWith = (publicRead: boolean) => createApp({ db: handle.db, dbKind: handle.kind, config, now: () => new Date('2025-03-06T12:00:00Z'), auth: { mode: 'keys', publicRead } });
  const call = async (app: ReturnType<typeof createApp>, method: string, path: string, key?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key) headers.authorization = `Bearer ${key}`;
    const res = await app.request(path, { method, headers, body: method === 'GET' ? undefined : '{}' });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('answers 401 without a key and with a revoked one, as JSON', async () => {
    const app = appWith(false);
    const none = await call(app, 'GET', '/api/v1/sla/attainment');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect((await call(app, 'GET', '/api/v1/sla/attainment', keys.revoked)).status).toBe(401);
    expect((await call(app, 'GET', '/api/v1/sla/attainment', 'attain_nonsense')).status).toBe(401);
    expect((await call(app, 'GET', '/health')).status).toBe(200);
  });

  it('lets a viewer read but not write, and ingest write', async () => {
    const app = appWith(false);
    expect((await call(app, 'GET', '/api/v1/sla/attainment', keys.viewer)).status).toBe(200);
    const denied = await call(app, 'POST', '/api/v1/outages', keys.viewer);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'forbidden', details: { needed: 'ingest', role: 'viewer' } });
    const allowed = await call(app, 'POST', '/api/v1/outages', keys.ingest);
    expect([401, 403]).not.toContain(allowed.status);
    expect((await call(app, 'POST', '/api/v1/outages', keys.admin)).status).not.toBe(403);
  });

  it('every 401 says how to authenticate and suggests the role the route needs', async () => {
    const app = appWith(false);
    // requiredRole: GET → viewer, POST → ingest, /api/v1/admin → admin (tested above).
    const cases = [
      ['GET', '/api/v1/sla/attainment', 'viewer'],
      ['POST', '/api/v1/outages', 'ingest'],
      ['POST', '/api/v1/feeds/tickets', 'ingest'],
      ['GET', '/api/v1/admin/keys', 'admin'],
    ] as const;
    for (const [method, path, role] of cases) {
      for (const key of [undefined, keys.revoked, 'attain_nonsense']) {
        const res = await app.request(path, { method, headers: key ? { authorization: `Bearer ${key}` } : {}, body: method === 'GET' ? undefined : '{}' });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.headers.get('www-authenticate'), `${method} ${path}`).toMatch(/^Bearer realm="attain"/);
        const body = (await res.json()) as any;
        expect(body.error).toMatchObject({ code: 'unauthorized', details: { needed: role } });
        expect(body.error.message).toContain(`attain keys create NAME --role ${role}`);
      }
    }
  });

  it('with public read on, reads need no key and writes still do', async () => {
    const app = appWith(true);
    expect((await call(app, 'GET', '/api/v1/sla/attainment')).status).toBe(200);
    expect((await call(app, 'POST', '/api/v1/outages')).status).toBe(401);
  });
});
