import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import Provider from 'oidc-provider';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { computeSlaJob } from '../../jobs/compute-sla.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { parseAuthEnv } from '../../src/config/auth-env.ts';
import { ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { createApp } from '../../src/http/app.ts';
import { listAudit } from '../../src/store/audit.ts';
import { syncConfiguredSystems } from '../../src/store/availability.ts';
import { backends, inCI } from '../support/services.ts';

const CHROMIUM = '/usr/bin/chromium';
const zone = 'Europe/London';
const config = appConfigSchema.parse({ systems: [{ name: 'Email' }] });
// Wed 2 April 2025 12:00 BST.
const now = new Date('2025-04-02T11:00:00Z');
// Open tickets: Network has INC4 (high, open since Mon 31 Mar) and T5; Server has INC6. Resolved
// T1 met. So the backlog reads Network 2 incidents, Server 1.
const tickets = `id,kind,priority,vip,team,opened_at,resolved_at,status
INC4,incident,high,no,Network,2025-03-31 09:00,,In Progress
INC6,incident,normal,no,Server,2025-04-01 09:00,,Assigned
T1,incident,critical,no,Network,2025-04-01 09:00,2025-04-01 11:00,Resolved
T5,incident,critical,no,Network,2025-04-02 09:00,,In Progress
`;
// The people at the identity provider: their groups map to attain's roles (ATTAIN_OIDC_ROLES below).
const people: Record<string, { name: string; email: string; groups: string[] }> = {
  alice: { name: 'Alice Viewer', email: 'alice@council.example', groups: ['staff', 'attain-viewers'] },
  bob: { name: 'Bob Editor', email: 'bob@council.example', groups: ['attain-viewers', 'attain-editors'] },
  carol: { name: 'Carol Elsewhere', email: 'carol@council.example', groups: ['staff'] },
};
const SECRET = 'test-client-secret-0123456789';

const pg = backends.find((b) => b.name === 'postgres')!;
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && inCI) throw new Error(`${CHROMIUM} is missing (CI=true: .ci/run installs Debian's chromium)`);
if (!haveChromium) console.warn(`SKIPPING sign-in browser tests: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const listen = (server: http.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const close = (server: { close: (cb: () => void) => unknown } | undefined) => new Promise<void>((r) => (server ? server.close(() => r()) : r()));

describe.skipIf(!haveChromium || !pg.available)('signing in through an OpenID Connect provider (chromium, PostgreSQL, public read off)', () => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  let appServer: ServerType;
  let idpServer: http.Server;
  let evilServer: http.Server;
  let base: string;
  let evil: string;
  let browser: Browser;
  let dir: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    handle = await pg.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-signin-'));
    await writeFile(path.join(dir, 'tickets.csv'), tickets);
    expect(await ingestTicketFile(handle.db, path.join(dir, 'tickets.csv'), { source: 'generic', zone, kinds: config.kinds })).toMatchObject({ status: 'succeeded', inserted: 4 });
    await computeSlaJob.run({ db: handle.db, config, env: {} as never, now: () => now, log: () => {}, enqueue: async () => {} }, {});
    await syncConfiguredSystems(handle.db, config.systems);

    // The app's port first (the provider needs its redirect URI), then the provider's (the app needs its issuer).
    appServer = serve({ fetch: (req) => app.fetch(req), port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => appServer.once('listening', r));
    base = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
    idpServer = http.createServer();
    const issuer = `http://127.0.0.1:${await listen(idpServer)}`;
    const provider = new Provider(issuer, {
      clients: [{ client_id: 'attain', client_secret: SECRET, redirect_uris: [`${base}/auth/callback`], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' }],
      claims: { openid: ['sub'], profile: ['name'], email: ['email'], groups: ['groups'] },
      scopes: ['openid', 'profile', 'email', 'groups'],
      // Only the provider's own test login; the claims (and groups) come from `people`.
      findAccount: async (_ctx, id) => (people[id] ? { accountId: id, claims: async () => ({ sub: id, ...people[id]! }) } : undefined),
      pkce: { methods: ['S256'], required: () => true },
      cookies: { keys: ['provider-cookie-key-for-tests'] },
    });
    idpServer.on('request', provider.callback());

    const auth = parseAuthEnv({
      ATTAIN_PUBLIC_URL: base,
      ATTAIN_OIDC_ISSUER: issuer,
      ATTAIN_OIDC_CLIENT_ID: 'attain',
      ATTAIN_OIDC_CLIENT_SECRET: SECRET,
      ATTAIN_OIDC_SCOPES: 'openid profile email groups',
      ATTAIN_OIDC_ROLES: 'attain-viewers=viewer,attain-editors=editor',
      ATTAIN_OIDC_LABEL: 'the council account',
    });
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now, log: () => {}, auth: { mode: 'keys', publicRead: false, ...auth } });

    // Another origin on the same machine (same site, so the browser still sends SameSite=Lax cookies):
    // a page whose form posts an outage to attain.
    evilServer = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>Win a prize</title><form method="post" action="${base}/api/v1/outages"><input name="system" value="Email"><input name="start" value="2025-04-02T08:00:00Z"><button id="go">Claim</button></form>`);
    });
    evil = `http://127.0.0.1:${await listen(evilServer)}`;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await close(evilServer);
    await close(idpServer);
    await close(appServer);
    await handle?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A fresh browser profile; console errors on attain's pages (a CSP violation is one) are collected. */
  async function person(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    // Nothing leaves the machine (the provider's test pages import a web font from the internet).
    await context.route((u) => u.hostname !== '127.0.0.1', (r) => r.abort());
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      // The 403s the tests provoke on purpose are logged by the browser too; anything else is an error.
      if (m.type() === 'error' && page.url().startsWith(base) && !m.text().includes('status of 403')) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    return { page, errors };
  }

  /** At the provider: its login form (any password), then its consent, until back at attain. */
  async function signInAtProvider(page: Page, login: string) {
    await page.click('#sign-in-oidc');
    await page.waitForSelector('input[name="login"]');
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', 'any');
    await page.click('button[type="submit"]');
    await page.waitForURL((u) => u.href.startsWith(base) || /\/interaction\//.test(u.pathname));
    if (!page.url().startsWith(base)) {
      // Consent screen ("Continue").
      await page.waitForSelector('button[type="submit"]');
      await Promise.all([page.waitForURL((u) => u.href.startsWith(base)), page.click('button[type="submit"]')]);
    }
    await page.waitForLoadState('load');
  }

  it("a viewer is sent to sign-in, signs in at the provider, reads the team leader's page, gets 403 on a write, signs out", async () => {
    const { page, errors } = await person();
    const first = await page.goto(`${base}/pages/team-leader`);
    expect(first?.status()).toBe(200);
    expect(page.url()).toBe(`${base}/auth/sign-in?next=%2Fpages%2Fteam-leader`);
    expect(await page.textContent('#sign-in-oidc')).toContain('Sign in with the council account');

    await signInAtProvider(page, 'alice');
    expect(page.url()).toBe(`${base}/pages/team-leader`);
    expect(await page.textContent('h1')).toMatch(/morning/i);
    expect(await page.textContent('header .signed-in')).toMatch(/Signed in as Alice Viewer \(viewer\)/);
    // The figures are there (hand count at the top: open Network 2, Server 1).
    const backlog = await page.$$eval('#backlog tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-team'), tr.querySelector('td[data-field="incident"]')?.textContent]));
    expect(backlog).toEqual(expect.arrayContaining([['Network', '2'], ['Server', '1']]));
    // The page's own script ran under the CSP (script-src 'self'): the trend chart is drawn.
    expect(await page.evaluate(() => Boolean((window as any).Chart?.getChart('trend-chart')))).toBe(true);

    const me = await page.evaluate(async () => (await fetch('/auth/me')).json());
    expect(me).toMatchObject({ signedIn: true, name: 'Alice Viewer', email: 'alice@council.example', role: 'viewer', via: 'oidc', subject: 'alice' });
    // The session cookie is invisible to scripts.
    expect(await page.evaluate(() => document.cookie)).not.toContain('attain_session');

    const write = await page.evaluate(async () => {
      const r = await fetch('/api/v1/outages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ system: 'Email', start: '2025-04-02T09:00:00Z' }) });
      return { status: r.status, body: await r.json() };
    });
    expect(write).toEqual({ status: 403, body: { error: { code: 'forbidden', message: 'this needs the editor role; you are signed in as Alice Viewer, who has viewer', details: { needed: 'editor', role: 'viewer' }, requestId: expect.any(String) } } });

    await Promise.all([page.waitForURL(`${base}/auth/sign-in?signedOut`), page.click('header .signed-in button')]);
    expect(await page.textContent('#signed-out')).toContain('signed out');
    await page.goto(`${base}/pages/team-leader`);
    expect(page.url()).toBe(`${base}/auth/sign-in?next=%2Fpages%2Fteam-leader`);
    expect(errors).toEqual([]);
  });

  it("an editor's write from attain's page is recorded with their name; the same write posted from another site is refused", async () => {
    const { page, errors } = await person();
    await page.goto(`${base}/auth/sign-in`);
    await signInAtProvider(page, 'bob');
    expect(page.url()).toBe(`${base}/`);
    expect(await page.textContent('header .signed-in')).toMatch(/Signed in as Bob Editor \(editor\)/);

    const created = await page.evaluate(async () => {
      const r = await fetch('/api/v1/outages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ system: 'Email', start: '2025-04-02T09:00:00Z', end: '2025-04-02T09:30:00Z', reason: 'Mail relay' }) });
      return { status: r.status, body: await r.json() };
    });
    expect(created.status).toBe(201);
    const trail = await listAudit(handle.db, { actor: 'bob' });
    expect(trail.map((a) => ({ kind: a.actorKind, name: a.actorName, role: a.role, action: a.action, target: a.target, route: a.route }))).toEqual([
      { kind: 'session', name: 'Bob Editor', role: 'editor', action: 'outage.create', target: `outage:${created.body.outage.id}`, route: '/api/v1/outages' },
    ]);

    // The other site's form: the browser sends Bob's cookie (same site), attain refuses the write.
    await page.goto(evil);
    const [refused] = await Promise.all([page.waitForNavigation(), page.click('#go')]);
    expect(refused?.status()).toBe(403);
    expect(JSON.parse(await page.textContent('body') ?? '{}')).toMatchObject({ error: { code: 'forbidden', details: { reason: 'cross_site' } } });
    const outages = await (await app.request('/api/v1/outages?from=2025-04-01T00:00:00Z', { headers: { cookie: (await page.context().cookies(base)).map((c) => `${c.name}=${c.value}`).join('; ') } })).json() as any;
    expect(outages.outages.map((o: any) => o.start)).toEqual(['2025-04-02T09:00:00.000Z']); // only Bob's own
    expect(await listAudit(handle.db, { actor: 'bob' })).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('someone in none of the mapped groups is not let in', async () => {
    const { page } = await person();
    await page.goto(`${base}/auth/sign-in?next=/pages/availability`);
    await signInAtProvider(page, 'carol');
    expect(await page.textContent('#sign-in-error')).toContain('Carol Elsewhere is in none of the groups that may use attain (the "groups" claim lists: staff)');
    expect((await page.context().cookies(base)).map((c) => c.name)).not.toContain('attain_session');
  });
});
