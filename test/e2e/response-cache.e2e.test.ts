/**
 * The response cache through the product's app (docs/response-cache.md) on PostgreSQL and PGlite:
 * answers equal the uncached ones, a write (through this app, or another app on the same
 * database: another process) shows at once, answers for different people, roles and Accept
 * headers are kept apart, errors are not kept, concurrent identical requests compute once, and a
 * GET of every cached route writes nothing.
 *
 * Other test files write to other databases of the same PostgreSQL cluster while this one runs,
 * and any commit in the cluster changes the snapshot the cache keys on: on PostgreSQL the tests
 * assert correctness (fresh, equal, apart) only; hits, and computing once, are asserted on PGlite,
 * a cluster of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { createApp, type AppDeps } from '../../src/http/app.ts';
import { SESSION_COOKIE } from '../../src/http/session.ts';
import { createApiKey } from '../../src/store/api-keys.ts';
import { createSession } from '../../src/store/sessions.ts';
import { currentSnapshot } from '../../src/store/snapshot.ts';
import { backends } from '../support/services.ts';

const config = appConfigSchema.parse({});
const uncached = { ...config, responseCache: { ...config.responseCache, nowBucketSeconds: 0 } };

// Critical incidents of team Network, standard users: target 240 business minutes of the
// service-desk calendar (Mon–Thu 08:40–17:00 Europe/London, BST in June).
// A1: opened Mon 2 June 2025 09:00, resolved 10:00: 60 min ≤ 240 → met in June.
// B1: opened Mon 2 June 09:00, resolved Tue 3 June 17:00: 240 min reached Mon 13:00 → breached in June.
// C1: as A1 (met). D1: as B1 (breached), loaded later to turn a 404 into a 200.
const header = 'id,kind,priority,team,status,opened_at,resolved_at\n';
const rows = {
  A1: 'A1,incident,critical,Network,resolved,2025-06-02 09:00,2025-06-02 10:00\n',
  B1: 'B1,incident,critical,Network,resolved,2025-06-02 09:00,2025-06-03 17:00\n',
  C1: 'C1,incident,critical,Network,resolved,2025-06-02 09:00,2025-06-02 10:00\n',
  D1: 'D1,incident,critical,Network,resolved,2025-06-02 09:00,2025-06-03 17:00\n',
};
const june = '/api/v1/sla/attainment?from=2025-06&to=2025-06&grain=month&team=Network';

describe.each(backends.filter((b) => b.available))('response cache on $name', (backend) => {
  let handle: DbHandle;
  let now = new Date('2025-07-01T11:00:00Z'); // Tue 1 July 2025, 12:00 BST
  let app: ReturnType<typeof createApp>;
  let cold: ReturnType<typeof createApp>;
  const hits = backend.name === 'pglite';
  const deps = (over: Partial<AppDeps> = {}): AppDeps => ({ db: handle.db, dbKind: handle.kind, config, now: () => now, ...over });

  const get = async (a: ReturnType<typeof createApp>, url: string, headers: Record<string, string> = {}) => {
    const res = await a.request(url, { headers });
    return { status: res.status, how: res.headers.get('x-attain-cache'), etag: res.headers.get('etag'), text: await res.text() };
  };
  const upload = async (a: ReturnType<typeof createApp>, ...ids: (keyof typeof rows)[]) => {
    const res = await a.request('/api/v1/feeds/tickets?filename=t.csv', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: header + ids.map((i) => rows[i]).join('') });
    expect(res.status).toBe(201);
  };
  const figure = async (a: ReturnType<typeof createApp>) => {
    const r = await get(a, june);
    expect(r.status).toBe(200);
    const row = JSON.parse(r.text).rows[0];
    return { met: row.met, breached: row.breached, attainment: row.attainment, how: r.how };
  };

  beforeAll(async () => {
    handle = await backend.open();
    app = createApp(deps());
    cold = createApp(deps({ config: uncached }));
    await upload(app, 'A1');
    // The first figure read on a new database counts the tickets without history for the
    // reporting zone, once for the database's life (a write: src/store/quality.ts); done here.
    expect((await get(cold, june)).status).toBe(200);
  });
  afterAll(async () => handle?.close());

  it('answers what the uncached app answers, from the stored entry the second time', async () => {
    const first = await get(app, june);
    const second = await get(app, june);
    const fresh = await get(cold, june);
    expect(first.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(fresh.text).toBe(first.text);
    expect(fresh.how).toBeNull(); // the cache is off there
    expect(JSON.parse(first.text).rows[0]).toMatchObject({ period: '2025-06', met: 1, breached: 0, attainment: 1 });
    if (hits) expect([first.how, second.how]).toEqual(['miss', 'hit']);
  });

  it('shows a write at once: through this app, and through another app on the same database', async () => {
    expect(await figure(app)).toMatchObject({ met: 1, breached: 0 });
    if (hits) expect((await figure(app)).how).toBe('hit');
    await upload(app, 'B1');
    // A1 met, B1 breached: 1 / (1 + 1).
    expect(await figure(app)).toMatchObject({ met: 1, breached: 1, attainment: 0.5, how: 'miss' });
    const other = createApp(deps()); // another server process over the same database
    await upload(other, 'C1');
    // A1 and C1 met, B1 breached: 2 / 3.
    expect(await figure(app)).toMatchObject({ met: 2, breached: 1, attainment: 2 / 3, how: 'miss' });
  });

  it('keeps no error: a 404 turns into the answer once the ticket is loaded, a 400 is made each time', async () => {
    const timeline = '/api/v1/sla/tickets/D1/timeline?source=generic';
    expect(await get(app, timeline)).toMatchObject({ status: 404, how: null });
    expect(await get(app, timeline)).toMatchObject({ status: 404, how: null });
    await upload(app, 'D1');
    const found = await get(app, timeline);
    expect(found).toMatchObject({ status: 200, how: 'miss' });
    expect(JSON.parse(found.text)).toMatchObject({ outcome: 'breached', breachedAt: '2025-06-02T12:00:00.000Z' });
    expect(await get(app, '/api/v1/sla/attainment?grain=fortnight')).toMatchObject({ status: 400, how: null });
    expect(await get(app, '/api/v1/sla/attainment?grain=fortnight')).toMatchObject({ status: 400, how: null });
  });

  it('follows the clock past its bucket', async () => {
    const before = JSON.parse((await get(app, '/api/v1/sla/today')).text);
    now = new Date(now.getTime() + 60_000);
    const after = JSON.parse((await get(app, '/api/v1/sla/today')).text);
    expect([before.now, after.now]).toEqual(['2025-07-01T11:00:00.000Z', '2025-07-01T11:01:00.000Z']);
  });

  it('answers 304 to the ETag it gave', async () => {
    const first = await get(app, june);
    expect(first.etag).toMatch(/^"[\w-]+"$/);
    // On PostgreSQL the snapshot may have moved: the answer is then made again, the same bytes, the same tag.
    expect(await get(app, june, { 'if-none-match': first.etag! })).toMatchObject({ status: 304, text: '', etag: first.etag });
  });

  it('computes once for concurrent identical requests', async () => {
    await upload(app, 'A1'); // a commit: nothing stored matches any more (A1 again: unchanged, but a run is recorded)
    const answers = await Promise.all(Array.from({ length: 8 }, () => get(app, '/api/v1/sla/today?riskMinutes=30')));
    expect(new Set(answers.map((a) => `${a.status} ${a.text}`)).size).toBe(1);
    expect(answers[0]!.status).toBe(200);
    // On PGlite nothing else commits: one computed the answer, seven shared it or found it stored.
    if (hits) expect(answers.filter((a) => a.how === 'miss').length).toBe(1);
  });

  it('keeps apart roles, Accept headers and signed-in people', async () => {
    const keyed = createApp(deps({ auth: { mode: 'keys', publicRead: false } }));
    const viewer = await createApiKey(handle.db, 'v', 'viewer');
    const admin = await createApiKey(handle.db, 'a', 'admin');
    const as = (k: { secret: string }, accept = 'application/json') => ({ authorization: `Bearer ${k.secret}`, accept });
    // First use of each key writes its last-use time (once a minute per key): a commit; done on another route.
    await get(keyed, '/api/v1/sla/today', as(viewer));
    await get(keyed, '/api/v1/sla/today', as(admin));
    const v = await get(keyed, june, as(viewer));
    const a = await get(keyed, june, as(admin));
    const star = await get(keyed, june, as(viewer, '*/*'));
    expect([v.status, a.status, star.status]).toEqual([200, 200, 200]);
    expect(a.text).toBe(v.text); // the JSON is the same for every role that may read it
    if (hits) expect([v.how, a.how, star.how, (await get(keyed, june, as(admin))).how]).toEqual(['miss', 'miss', 'miss', 'hit']);

    // A page names who is signed in: Alice's page is never served to Bob.
    const limits = { idleMs: 3_600_000, absoluteMs: 12 * 3_600_000 };
    const alice = await createSession(handle.db, { via: 'key', subject: 'alice', name: 'Alice Example', role: 'viewer' }, now, limits);
    const bob = await createSession(handle.db, { via: 'key', subject: 'bob', name: 'Bob Example', role: 'viewer' }, now, limits);
    const page = (token: string) => get(keyed, '/pages/team-leader', { cookie: `${SESSION_COOKIE}=${token}`, accept: 'text/html' });
    const pa = await page(alice.token);
    const pb = await page(bob.token);
    expect([pa.status, pb.status]).toEqual([200, 200]);
    expect(pa.text).toContain('Alice Example');
    expect(pb.text).toContain('Bob Example');
    expect(pb.text).not.toContain('Alice Example');
    if (hits) expect([pb.how, (await page(alice.token)).how]).toEqual(['miss', 'hit']);
  });

  // Defined on PGlite only (a cluster of its own): on a shared PostgreSQL other databases' commits move the snapshot.
  if (hits) it('writes nothing on a GET of any cached route (the snapshot stays as it was)', async () => {
    const routes = [
      june,
      '/api/v1/sla/today',
      '/api/v1/sla/tickets?measure=breached&from=2025-06&to=2025-06',
      '/api/v1/sla/tickets/A1/timeline?source=generic',
      '/api/v1/calls/kpis?grain=interval&from=2025-06-02',
      '/api/v1/calls/now',
      '/api/v1/availability?grain=month&from=2025-06&to=2025-06',
      '/api/v1/reports/monthly/2025-06',
      '/api/v1/reports/monthly/2025-06.csv',
      '/api/v1/reports/monthly/2025-06.html',
      '/api/v1/kpi-feed/2025-06',
      '/pages/team-leader',
      '/pages/supervisor',
      '/pages/supervisor/live',
      '/pages/availability',
      '/pages/tickets?measure=breached&from=2025-06&to=2025-06',
      '/pages/tickets/A1?source=generic',
      '/pages/calls',
    ];
    for (const url of routes) {
      const before = await currentSnapshot(handle.db);
      const r = await get(cold, url); // uncached: the route itself runs
      expect([url, r.status < 500]).toEqual([url, true]);
      expect([url, await currentSnapshot(handle.db)]).toEqual([url, before]);
    }
  });
});
