import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { createApp, operationsOf } from '../../src/http/app.ts';
import { allowedRoles, requiredRole } from '../../src/http/auth.ts';
import { createApiKey, revokeApiKey, roles } from '../../src/store/api-keys.ts';
import { listAudit } from '../../src/store/audit.ts';
import { syncConfiguredSystems } from '../../src/store/availability.ts';
import { backends } from '../support/services.ts';

const config = appConfigSchema.parse({ systems: [{ name: 'Email' }] });

describe('the role matrix (docs/roles.md)', () => {
  it('leaves /health and sign-in open, reading to everyone, people\'s writes to editor and ingest, feeds to ingest, admin to admins', () => {
    expect(requiredRole('GET', '/health')).toBeNull();
    expect(allowedRoles('POST', '/auth/sign-in')).toBeNull();
    expect(allowedRoles('GET', '/api/v1/sla/attainment')).toEqual(['viewer', 'editor', 'ingest', 'admin']);
    expect(allowedRoles('POST', '/api/v1/outages')).toEqual(['editor', 'ingest', 'admin']);
    expect(allowedRoles('POST', '/api/v1/outages/7/close')).toEqual(['editor', 'ingest', 'admin']);
    expect(allowedRoles('PUT', '/api/v1/measures/SD01/commentary/2025-03')).toEqual(['editor', 'ingest', 'admin']);
    expect(allowedRoles('POST', '/api/v1/feeds/tickets')).toEqual(['ingest', 'admin']);
    expect(allowedRoles('POST', '/api/v1/measures/SD01/values')).toEqual(['ingest', 'admin']);
    expect(allowedRoles('GET', '/api/v1/admin/keys')).toEqual(['admin']);
    expect(requiredRole('POST', '/api/v1/outagesx')).toBe('ingest'); // a prefix is not a match
  });
});

describe.each(backends.filter((b) => b.available))('keys and sessions on $name', (backend) => {
  let handle: DbHandle;
  const keys: Record<string, { id: number; secret: string }> = {};
  const sessions: Record<string, string> = {};
  // A clock the tests move: sessions' idle and absolute expiry are read against it.
  let clock = new Date('2025-03-06T12:00:00Z');
  const limits = { idleMs: 30 * 60_000, absoluteMs: 8 * 3_600_000 };
  let app: ReturnType<typeof createApp>;
  const appWith = (publicRead: boolean, publicUrl?: string) =>
    createApp({ db: handle.db, dbKind: handle.kind, config, now: () => clock, log: () => {}, auth: { mode: 'keys', publicRead, publicUrl, session: limits } });

  const sameOrigin = { 'sec-fetch-site': 'same-origin', origin: 'http://localhost' };
  /** Exchanges a key for a session through the sign-in form, as a browser would; returns the cookie. */
  async function signIn(a: ReturnType<typeof createApp>, secret: string, headers: Record<string, string> = sameOrigin) {
    const res = await a.request('/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams({ key: secret, next: '/pages/team-leader' }).toString() });
    const set = res.headers.get('set-cookie') ?? '';
    return { res, cookie: /attain_session=([^;]+)/.exec(set)?.[1], set };
  }
  async function call(method: string, path: string, cred: { key?: string; session?: string } = {}, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...headers };
    if (cred.key) h.authorization = `Bearer ${cred.key}`;
    if (cred.session) h.cookie = `attain_session=${cred.session}`;
    const res = await app.request(path, { method, headers: h, body: method === 'GET' || method === 'HEAD' ? undefined : '{}' });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: res.status, body, headers: res.headers };
  }

  beforeAll(async () => {
    handle = await backend.open();
    await syncConfiguredSystems(handle.db, config.systems);
    app = appWith(false);
    for (const role of roles) keys[role] = await createApiKey(handle.db, `${role} key`, role);
    for (const role of roles) sessions[role] = (await signIn(app, keys[role]!.secret)).cookie!;
    const revoked = await createApiKey(handle.db, 'old', 'admin');
    await revokeApiKey(handle.db, String(revoked.id));
    keys.revoked = revoked;
  });
  afterAll(async () => handle?.close());

  it('answers 401 without a key and with a revoked one, as JSON; a browser asking for a page is sent to sign-in', async () => {
    const none = await call('GET', '/api/v1/sla/attainment');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect((await call('GET', '/api/v1/sla/attainment', { key: keys.revoked!.secret })).status).toBe(401);
    expect((await call('GET', '/api/v1/sla/attainment', { key: 'attain_nonsense' })).status).toBe(401);
    expect((await call('GET', '/api/v1/sla/attainment', { session: 'not-a-session' })).status).toBe(401);
    expect((await call('GET', '/health')).status).toBe(200);
    const page = await app.request('/pages/supervisor?queue=sales', { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/auth/sign-in?next=%2Fpages%2Fsupervisor%3Fqueue%3Dsales');
  });

  it('every route, every role, by key and by session: allowed roles pass, others get 403', async () => {
    const ops = operationsOf(app).map((o) => ({ method: o.method.toUpperCase(), path: o.path.replace(/:(\w+)/g, '1') }));
    let checked = 0;
    for (const op of ops) {
      const allowed = allowedRoles(op.method, op.path);
      if (allowed === null) continue;
      for (const role of roles) {
        for (const via of ['key', 'session'] as const) {
          const cred = via === 'key' ? { key: keys[role]!.secret } : { session: sessions[role] };
          const r = await call(op.method, op.path, cred, via === 'session' ? sameOrigin : {});
          const what = `${op.method} ${op.path} as ${role} by ${via}`;
          if (allowed.includes(role)) {
            expect([401, 403], what).not.toContain(r.status);
            expect(r.status, what).toBeLessThan(500);
          } else {
            expect(r.status, what).toBe(403);
            expect(r.body.error, what).toMatchObject({ code: 'forbidden', details: { needed: allowed[0], role } });
          }
          checked++;
        }
      }
      // Without credentials: 401 on every protected route.
      expect((await call(op.method, op.path)).status, `${op.method} ${op.path} anonymous`).toBe(401);
    }
    // 4 roles × 2 ways for each protected operation.
    expect(checked).toBe(ops.filter((o) => allowedRoles(o.method, o.path) !== null).length * 8);
  });

  it('every 401 says how to authenticate and suggests the role the route needs', async () => {
    // allowedRoles: a GET's first role is viewer, an outage write's editor, a feed upload's ingest, /api/v1/admin's admin.
    const cases = [
      ['GET', '/api/v1/sla/attainment', 'viewer'],
      ['POST', '/api/v1/outages', 'editor'],
      ['POST', '/api/v1/feeds/tickets', 'ingest'],
      ['GET', '/api/v1/admin/keys', 'admin'],
    ] as const;
    for (const [method, path, role] of cases) {
      for (const key of [undefined, keys.revoked!.secret, 'attain_nonsense']) {
        const res = await app.request(path, { method, headers: key ? { authorization: `Bearer ${key}` } : {}, body: method === 'GET' ? undefined : '{}' });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.headers.get('www-authenticate'), `${method} ${path}`).toMatch(/^Bearer realm="attain"/);
        const body = (await res.json()) as any;
        expect(body.error).toMatchObject({ code: 'unauthorized', details: { needed: role } });
        expect(body.error.message).toContain(`attain keys create NAME --role ${role}`);
      }
    }
  });

  it('refuses a write through a session from another site, with no origin at all, but not a bearer key', async () => {
    const body = JSON.stringify({ system: 'Email', start: '2025-03-06T09:00:00Z' });
    const post = (headers: Record<string, string>) => app.request('/api/v1/outages', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const cookie = `attain_session=${sessions.admin}`;
    const attempts: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:9999' }, { origin: 'https://evil.example' }, {}];
    for (const headers of attempts) {
      const res = await post({ cookie, ...headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(((await res.json()) as any).error.details).toEqual({ reason: 'cross_site' });
    }
    // A form post (the only kind another site can send with cookies) is refused the same way.
    const form = await app.request('/api/v1/outages', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, body: 'system=Email' });
    expect(form.status).toBe(403);
    expect((await call('GET', '/api/v1/outages', {}, {})).status).toBe(401);
    // Nothing was written.
    expect(((await call('GET', '/api/v1/outages?from=2025-03-01T00:00:00Z', { key: keys.viewer!.secret })).body as any).outages).toEqual([]);
    // Origin equal to the request's own (browsers without Sec-Fetch-Site) is accepted.
    expect((await post({ cookie, origin: 'http://localhost' })).status).toBe(201);
    // A bearer key decides on its own: no origin check (a cookie beside it changes nothing).
    expect((await post({ cookie, authorization: `Bearer ${keys.ingest!.secret}`, 'sec-fetch-site': 'cross-site' })).status).toBe(200);
  });

  it('records who wrote what: a person through a session, a tool through a key', async () => {
    const body = JSON.stringify({ system: 'Email', start: '2025-03-05T09:00:00Z', end: '2025-03-05T10:00:00Z', reason: 'Mail store' });
    const bySession = await app.request('/api/v1/outages', { method: 'POST', headers: { 'content-type': 'application/json', cookie: `attain_session=${sessions.editor}`, ...sameOrigin }, body });
    expect(bySession.status).toBe(201);
    const id = ((await bySession.json()) as any).outage.id;
    const byKey = await app.request(`/api/v1/outages/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.ingest!.secret}` }, body: JSON.stringify({ ref: 'INC9' }) });
    expect(byKey.status).toBe(200);
    const trail = await listAudit(handle.db, { from: clock });
    const mine = trail.filter((a) => a.target === `outage:${id}`).reverse();
    expect(mine.map((a) => ({ kind: a.actorKind, actor: a.actor, name: a.actorName, role: a.role, action: a.action, method: a.method, route: a.route, at: a.at.toISOString() }))).toEqual([
      { kind: 'session', actor: `key:${keys.editor!.id}`, name: 'editor key', role: 'editor', action: 'outage.create', method: 'POST', route: '/api/v1/outages', at: clock.toISOString() },
      { kind: 'key', actor: `key:${keys.ingest!.id}`, name: 'ingest key', role: 'ingest', action: 'outage.update', method: 'PATCH', route: `/api/v1/outages/${id}`, at: clock.toISOString() },
    ]);
    expect(mine[0]!.details).toMatchObject({ system: 'Email', reason: 'Mail store' });
  });

  it('sets the cookie HttpOnly, SameSite=Lax, Secure only over HTTPS; refuses bad keys and cross-site sign-in; never redirects off-site', async () => {
    const plain = await signIn(app, keys.viewer!.secret);
    expect(plain.res.status).toBe(303);
    expect(plain.res.headers.get('location')).toBe('/pages/team-leader');
    expect(plain.set).toMatch(/HttpOnly/);
    expect(plain.set).toMatch(/SameSite=Lax/);
    expect(plain.set).not.toMatch(/Secure/);
    const https = await signIn(appWith(false, 'https://attain.example.gov.uk'), keys.viewer!.secret, { 'sec-fetch-site': 'same-origin' });
    expect(https.set).toMatch(/Secure/);
    const bad = await signIn(app, 'attain_wrong');
    expect(bad.res.status).toBe(401);
    expect(bad.cookie).toBeUndefined();
    expect(await bad.res.text()).toContain('not valid or has been revoked');
    const crossSite = await signIn(app, keys.admin!.secret, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.res.status).toBe(403);
    expect(crossSite.cookie).toBeUndefined();
    const offSite = await app.request('/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin }, body: new URLSearchParams({ key: keys.viewer!.secret, next: '//evil.example/x' }).toString() });
    expect(offSite.headers.get('location')).toBe('/');
  });

  it('ends a session at sign-out, after the idle time, at the absolute limit, and when its key is revoked', async () => {
    const start = clock;
    try {
      const me = async (cookie: string) => ((await call('GET', '/auth/me', { session: cookie })).body as any).signedIn as boolean;
      const a = (await signIn(app, keys.viewer!.secret)).cookie!;
      expect(await me(a)).toBe(true);
      const out = await app.request('/auth/sign-out', { method: 'POST', headers: { cookie: `attain_session=${a}`, ...sameOrigin } });
      expect(out.status).toBe(303);
      expect(out.headers.get('set-cookie')).toMatch(/attain_session=;.*Max-Age=0/);
      expect(await me(a)).toBe(false);
      expect((await call('GET', '/api/v1/sla/attainment', { session: a })).status).toBe(401);

      // Idle 30 min: used at +29 min (moves the idle clock), so alive at +58; then idle 31 min: gone.
      const b = (await signIn(app, keys.viewer!.secret)).cookie!;
      clock = new Date(start.getTime() + 29 * 60_000);
      expect(await me(b)).toBe(true);
      clock = new Date(start.getTime() + 58 * 60_000);
      expect(await me(b)).toBe(true);
      clock = new Date(start.getTime() + (58 + 31) * 60_000);
      expect(await me(b)).toBe(false);

      // Absolute 8 h: used every 25 min it is alive at 7 h 55 and gone at 8 h 00 (expiry = start + 8 h).
      clock = start;
      const c = (await signIn(app, keys.viewer!.secret)).cookie!;
      for (let m = 25; m <= 475; m += 25) {
        clock = new Date(start.getTime() + m * 60_000);
        expect(await me(c), `at +${m} min`).toBe(true);
      }
      clock = new Date(start.getTime() + 480 * 60_000);
      expect(await me(c)).toBe(false);

      // A session opened with a key ends when the key is revoked.
      clock = start;
      const k = await createApiKey(handle.db, 'short-lived', 'viewer');
      const d = (await signIn(app, k.secret)).cookie!;
      expect(await me(d)).toBe(true);
      await revokeApiKey(handle.db, String(k.id));
      expect(await me(d)).toBe(false);
    } finally {
      clock = start;
    }
  });

  it('with public read on, reads need nothing and writes still need a role', async () => {
    app = appWith(true);
    try {
      expect((await call('GET', '/api/v1/sla/attainment')).status).toBe(200);
      expect((await call('POST', '/api/v1/outages')).status).toBe(401);
      expect((await call('POST', '/api/v1/outages', { session: sessions.viewer }, sameOrigin)).status).toBe(403);
    } finally {
      app = appWith(false);
    }
  });

  it('serves pages with a CSP that allows no inline script, no framing, same-origin referrers and nosniff', async () => {
    for (const path of ['/', '/pages/team-leader', '/pages/supervisor', '/pages/availability', '/auth/sign-in']) {
      const res = await app.request(path, { headers: { accept: 'text/html', cookie: `attain_session=${sessions.viewer}` } });
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('referrer-policy'), path).toBe('same-origin');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      // Every script on the page is a file from this site or a JSON data block (not executed).
      const scripts = [...(await res.text()).matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
      expect(scripts.filter((attrs) => !/\bsrc="\/assets\//.test(attrs) && !/type="application\/json"/.test(attrs)), path).toEqual([]);
    }
    // Who is signed in is on the page.
    expect(await (await app.request('/pages/availability', { headers: { cookie: `attain_session=${sessions.editor}` } })).text()).toMatch(/Signed in as <strong>editor key<\/strong> \(editor\)/);
  });
});
