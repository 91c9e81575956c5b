import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { computeCalls } from '../../jobs/compute-calls.ts';
import { computeSlaJob } from '../../jobs/compute-sla.ts';
import { callsRules } from '../../src/calls/rules.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestCallFile } from '../../src/feeds/calls/ingest-file.ts';
import { ingestOutageFile } from '../../src/feeds/outages/ingest-file.ts';
import { ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { createApp } from '../../src/http/app.ts';
import { syncConfiguredSystems } from '../../src/store/availability.ts';
import { haveChromium, launchBrowser, openPage, serveApp } from '../support/browser.ts';
import { backends } from '../support/services.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'test/artifacts');
const zone = 'Europe/London';
const config = appConfigSchema.parse({ systems: [{ name: 'Email' }, { name: 'CRM' }] });
// Wed 2 April 2025 12:00 BST. service-desk calendar: Mon–Thu 08:40–17:00, Fri 08:40–16:30.
const now = new Date('2025-04-02T11:00:00Z');

// Tickets (naive times are Europe/London). March as in sla-attainment.e2e.test.ts: met INC1, INC3,
// REQ1, REQ3; breached INC2, REQ2, INC4 → 4 / 7. April (targets METRICS.md §2):
// T1 critical 240: Tue 1 Apr 09:00→11:00 = 120 → met 1 Apr (Network).
// T2 critical: 09:00→14:00 = 300 > 240 → breached at 13:00 on 1 Apr (Network).
// T3 critical: Wed 2 Apr 08:40→10:00 = 80 → met today (Server).
// T4 high 420 from Tue 09:30: 09:30→16:30 = 420 → breached 1 Apr at 16:30, still open (Server).
// T5 critical from Wed 09:00: 180 of 240 by 12:00, due 13:00 → at risk within 60 min (Network).
// INC6 normal 1260 from Tue 09:00: 480 + 200 = 680 by now → in progress, not at risk (Server).
const tickets = `id,kind,priority,vip,team,opened_at,resolved_at,status
INC1,incident,normal,no,Network,2025-03-03 08:40,2025-03-05 13:00,Resolved
INC2,incident,normal,no,Network,2025-03-03 08:40,2025-03-05 13:01,Resolved
INC3,incident,P1,yes,Server,2025-03-07 15:00,2025-03-10 10:10,Closed
REQ1,service_request,critical,,Service desk,2025-03-28 12:30,2025-03-29 11:00,Resolved
REQ2,service_request,critical,,Service desk,2025-03-28 12:30,2025-03-31 08:50,Resolved
INC4,incident,high,no,Network,2025-03-31 09:00,,In Progress
INC5,incident,long_term,no,Server,2025-03-10 10:00,2025-03-20 10:00,Resolved
INC6,incident,normal,no,Server,2025-04-01 09:00,,Assigned
REQ3,service_request,low,no,Network,2025-02-27 10:00,2025-03-04 10:00,Closed
T1,incident,critical,no,Network,2025-04-01 09:00,2025-04-01 11:00,Resolved
T2,incident,critical,no,Network,2025-04-01 09:00,2025-04-01 14:00,Resolved
T3,incident,critical,no,Server,2025-04-02 08:40,2025-04-02 10:00,Resolved
T4,incident,high,no,Server,2025-04-01 09:30,,Assigned
T5,incident,critical,no,Network,2025-04-02 09:00,,In Progress
`;
// Calls today (generic CSV, BST). Intervals of 30 min: 09:00 C1 answered (30 s), C2 abandoned
// (60 s); 09:30 C3 answered after 150 s (> 120 s); 10:00 C4 answered (10 s); 11:30 C5 still
// waiting (since 11:58 → 120 s at 12:00). Today so far: offered 5, answered 3, abandoned 1,
// waiting 1 → answer rate 3 / (5 − 1 waiting) = 75%, abandon 1/4 = 25%, service level
// (answered within 120 s ÷ offered less short abandons and waiting) 2/4 = 50%.
const calls = `call_id,queue,arrived_at,answered_at,ended_at,outcome,wait_seconds,talk_seconds
C1,sales,2025-04-02 09:05:00,2025-04-02 09:05:30,2025-04-02 09:08:50,answered,30,200
C2,sales,2025-04-02 09:10:00,,,abandoned,60,
C3,sales,2025-04-02 09:40:00,2025-04-02 09:42:30,2025-04-02 09:44:10,answered,150,100
C4,housing,2025-04-02 10:15:00,2025-04-02 10:15:10,2025-04-02 10:20:10,answered,10,300
C5,housing,2025-04-02 11:58:00,,,waiting,,
`;
// The call that arrives while the page is open: 11:59 sales, answered after 20 s.
const lateCall = `call_id,queue,arrived_at,answered_at,ended_at,outcome,wait_seconds,talk_seconds
C6,sales,2025-04-02 11:59:00,2025-04-02 11:59:20,2025-04-02 11:59:50,answered,20,30
`;
// Outages: April so far is Tue 500 + Wed 08:40→12:00 200 = 700 core minutes.
// Email down 60 → 640/700 = 91.43%: amber (≥ 95% × 0.95 = 90.25%). CRM down 09:00→now = 180 →
// 520/700 = 74.29%: red. CRM's planned evening work is outside core hours and costs nothing.
const outages = `system,start,end,kind,reason,ref
Email,2025-04-01 10:00,2025-04-01 11:00,unplanned,Mail store,INC10
CRM,2025-04-02 09:00,,unplanned,Database,INC11
CRM,2025-04-01 18:00,2025-04-01 19:00,planned,Patching,CHG1
`;

const backend = backends.find((b) => b.name === 'pglite')!;

describe.skipIf(!haveChromium)('pages in a real browser (chromium, PGlite)', () => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let base: string;
  let context: BrowserContext;
  let dir: string;
  const json = async (url: string) => (await app.request(url, { headers: { accept: 'application/json' } })).json() as Promise<any>;

  /** Opens a page, failing on any console error or uncaught exception. */
  const open = (url: string): Promise<{ page: Page; errors: string[] }> => openPage(context, base, url, { failedResponses: true });
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
  const num = (s: string | null) => (s === null || s === '' ? null : Number(s));

  /** Accessibility basics every page must meet: landmarks, one h1, captions, header scope, labels. */
  async function accessible(page: Page) {
    const a = await page.evaluate(() => ({
      main: document.querySelectorAll('main').length,
      nav: document.querySelectorAll('nav[aria-label]').length,
      h1: document.querySelectorAll('h1').length,
      lang: document.documentElement.lang,
      tablesWithoutCaption: [...document.querySelectorAll('table')].filter((t) => !t.querySelector('caption')?.textContent?.trim()).length,
      headersWithoutScope: [...document.querySelectorAll('thead th, tbody th')].filter((th) => !th.getAttribute('scope')).length,
      unlabelled: [...document.querySelectorAll('select, input')].filter((el) => !(el.id && document.querySelector(`label[for="${el.id}"]`))).length,
      canvasesWithoutLabel: [...document.querySelectorAll('canvas')].filter((c) => !c.getAttribute('aria-label')).length,
    }));
    expect(a).toEqual({ main: 1, nav: 1, h1: 1, lang: 'en-GB', tablesWithoutCaption: 0, headersWithoutScope: 0, unlabelled: 0, canvasesWithoutLabel: 0 });
    // The first Tab lands on the skip link, which is then visible.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to content');
  }

  beforeAll(async () => {
    handle = await backend.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-pages-'));
    const file = async (name: string, text: string) => {
      await writeFile(path.join(dir, name), text);
      return path.join(dir, name);
    };
    expect(await ingestTicketFile(handle.db, await file('tickets.csv', tickets), { source: 'generic', zone, kinds: config.kinds })).toMatchObject({ status: 'succeeded', inserted: 14, rejected: 0 });
    await computeSlaJob.run({ db: handle.db, config, env: {} as never, now: () => now, log: () => {}, enqueue: async () => {} }, {});
    expect(await ingestCallFile(handle.db, await file('calls.csv', calls), 'csv', { source: 'asterisk', zone })).toMatchObject({ status: 'succeeded', inserted: 5 });
    await computeCalls(handle.db, callsRules(config), now);
    await syncConfiguredSystems(handle.db, config.systems);
    expect(await ingestOutageFile(handle.db, await file('outages.csv', outages), { zoneOf: () => zone })).toMatchObject({ status: 'succeeded', inserted: 3 });

    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now, auth: { mode: 'keys', publicRead: true }, log: () => {} });
    server = await serveApp(app.fetch);
    base = server.base;
    await mkdir(artifacts, { recursive: true });
    context = await launchBrowser(dir);
  });
  afterAll(async () => {
    await context?.close();
    await server?.close();
    await handle?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('/ links the pages, the API docs and last month\'s report; JSON when asked', async () => {
    const { page, errors } = await open('/');
    const hrefs = await page.$$eval('main a', (as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(expect.arrayContaining(['/pages/team-leader', '/pages/supervisor', '/pages/availability', '/docs', '/api/v1/reports/monthly/2025-03.html']));
    await shot(page, 'pages-home');
    await accessible(page);
    expect(errors).toEqual([]);
    const res = await app.request('/', { headers: { accept: 'application/json' } });
    expect(((await res.json()) as any).links).toMatchObject({ teamLeader: '/pages/team-leader', monthlyReport: '/api/v1/reports/monthly/2025-03.html' });
    // The report the pages link to is there and printable.
    const report = await open('/api/v1/reports/monthly/2025-03.html');
    expect(await report.page.evaluate(() => [...document.styleSheets].some((s) => [...s.cssRules].some((r) => r.cssText.startsWith('@media print'))))).toBe(true);
    expect(report.errors).toEqual([]);
    await report.page.close();
    await page.close();
  });

  it("team leader's page: attainment per team and period, backlog, tickets and trend equal the API's", async () => {
    const { page, errors } = await open('/pages/team-leader');
    const cells = await page.$$eval('#attainment td[data-team]', (tds) =>
      tds.map((td) => ({ team: td.getAttribute('data-team')!, period: td.getAttribute('data-period')!, attainment: td.getAttribute('data-attainment'), met: td.getAttribute('data-met'), breached: td.getAttribute('data-breached'), status: td.querySelector('[data-status]')!.getAttribute('data-status'), text: td.textContent })),
    );
    const day = await json('/api/v1/sla/today');
    const yesterday = await json('/api/v1/sla/attainment?grain=day&from=2025-04-01&to=2025-04-01&by=team');
    for (const c of cells) {
      const api = c.period === 'yesterday' ? yesterday.rows.find((r: any) => r.team === c.team) : day.teams.find((t: any) => t.team === c.team)?.[c.period === 'today' ? 'today' : 'monthToDate'];
      expect({ attainment: num(c.attainment), met: num(c.met), breached: num(c.breached), status: c.status }, `${c.team} ${c.period}`).toEqual({
        attainment: api?.attainment ?? null,
        met: api?.met ?? 0,
        breached: api?.breached ?? 0,
        status: api?.status ?? 'no_data',
      });
    }
    const cell = (team: string, period: string) => cells.find((c) => c.team === team && c.period === period)!;
    // Hand figures (comment at the top): Network yesterday 1 met, 1 breached; Server today 1 met.
    expect(cell('Network', 'yesterday')).toMatchObject({ met: '1', breached: '1', attainment: '0.5', status: 'red' });
    expect(cell('Network', 'yesterday').text).toContain('50.0%');
    expect(cell('Server', 'today')).toMatchObject({ met: '1', breached: '0', attainment: '1', status: 'green' });
    expect(cell('Server', 'today').text).toContain('meets target'); // the status in words, not colour alone
    expect(cell('Server', 'month')).toMatchObject({ met: '1', breached: '1', attainment: '0.5' });
    expect(cell('Network', 'today')).toMatchObject({ attainment: '', met: '0', breached: '0', status: 'no_data' });

    const backlog = await page.$$eval('#backlog tbody tr', (trs) =>
      trs.map((tr) => ({ team: tr.getAttribute('data-team'), ...Object.fromEntries([...tr.querySelectorAll('td[data-field]')].map((td) => [td.getAttribute('data-field'), Number(td.textContent)])) })),
    );
    expect(backlog).toEqual(
      day.teams.map((t: any) => ({ team: t.team, incident: t.outstanding.incident, service_request: t.outstanding.service_request, total: t.outstanding.total, openBreached: t.openBreached, atRisk: t.atRisk, assignedNotActioned: t.assignedNotActioned })),
    );
    // Open: Network INC4, T5; Server INC6, T4. Breached and open: INC4, T4. At risk: T5.
    expect(backlog.find((b) => b.team === 'Network')).toMatchObject({ incident: 2, openBreached: 1, atRisk: 1 });
    expect(backlog.find((b) => b.team === 'Server')).toMatchObject({ incident: 2, openBreached: 1, atRisk: 0 });

    const atRisk = await json('/api/v1/sla/tickets?dueWithinMinutes=60');
    expect(await page.$$eval('#at-risk tbody tr[data-ticket]', (trs) => trs.map((tr) => tr.getAttribute('data-ticket')))).toEqual(atRisk.tickets.map((t: any) => t.id));
    expect(atRisk.tickets.map((t: any) => t.id)).toEqual(['T5']);
    const breached = await json('/api/v1/sla/tickets?open=true&outcome=breached');
    expect(await page.$$eval('#breached tbody tr[data-ticket]', (trs) => trs.map((tr) => tr.getAttribute('data-ticket')))).toEqual(breached.tickets.map((t: any) => t.id));
    expect(breached.tickets.map((t: any) => t.id).sort()).toEqual(['INC4', 'T4']);
    // Each ticket links to its timeline, which answers.
    const href = await page.getAttribute('#at-risk tbody tr[data-ticket="T5"] a', 'href');
    expect((await app.request(href!)).status).toBe(200);

    const trend = await json('/api/v1/sla/attainment');
    const rows = await page.$$eval('#trend tbody tr', (trs) => trs.map((tr) => ({ period: tr.getAttribute('data-period'), attainment: tr.getAttribute('data-attainment'), met: tr.querySelector('[data-field="met"]')!.textContent, breached: tr.querySelector('[data-field="breached"]')!.textContent })));
    expect(rows).toEqual(trend.rows.map((r: any) => ({ period: r.period, attainment: r.attainment === null ? '' : String(r.attainment), met: String(r.met), breached: String(r.breached) })));
    expect(rows).toHaveLength(12);
    // March 4 met / 3 breached; April T1, T3 met, T2, T4 breached.
    expect(rows.find((r) => r.period === '2025-03')).toMatchObject({ met: '4', breached: '3' });
    expect(rows.find((r) => r.period === '2025-04')).toMatchObject({ met: '2', breached: '2', attainment: '0.5' });
    expect(await page.evaluate(() => Boolean((window as any).Chart?.getChart('trend-chart')))).toBe(true);
    await shot(page, 'pages-team-leader');
    await accessible(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("supervisor's page: tiles and intervals equal the API's, per queue, and it refreshes after a new call", async () => {
    const { page, errors } = await open('/pages/supervisor?refresh=2');
    const tiles = async () => Object.fromEntries(await page.$$eval('[data-figure]', (els) => els.map((el) => [el.getAttribute('data-figure'), { value: el.getAttribute('data-value'), status: el.getAttribute('data-status'), text: el.querySelector('.value')?.textContent }])));
    const nowApi = await json('/api/v1/calls/now');
    let t = await tiles();
    expect(num(t.waiting.value)).toBe(nowApi.waiting);
    expect(num(t.longestWait.value)).toBe(nowApi.longestWaitSeconds);
    expect(num(t.offered.value)).toBe(nowApi.todaySoFar.offered);
    for (const k of ['answerRate', 'abandonRate', 'serviceLevel', 'avgWait', 'asa', 'maxAnswerWait', 'aht']) {
      const f = nowApi.todaySoFar.figures[k];
      expect({ value: num(t[k].value), status: t[k].status }, k).toEqual({ value: f.value, status: f.status });
    }
    // Hand figures (comment at the top).
    expect(t.waiting).toMatchObject({ value: '1' });
    expect(t.longestWait).toMatchObject({ value: '120', text: '2:00' });
    expect(t.offered).toMatchObject({ value: '5' });
    expect(t.answerRate).toMatchObject({ value: '0.75', text: '75.0%', status: 'red' }); // target 82.5%, amber down to 78.375%
    expect(t.abandonRate).toMatchObject({ value: '0.25', text: '25.0%' });
    expect(t.serviceLevel).toMatchObject({ value: '0.5', text: '50.0%', status: 'data_only' });

    const intervals = async () => page.$$eval('#intervals tbody tr', (trs) => trs.map((tr) => ({ period: tr.getAttribute('data-period')!, offered: Number(tr.querySelector('[data-field="offered"]')!.textContent), answered: Number(tr.querySelector('[data-field="answered"]')!.textContent), abandoned: Number(tr.querySelector('[data-field="abandoned"]')!.textContent), sl: tr.querySelector('[data-field="serviceLevel"]')!.getAttribute('data-value') })));
    const kpis = await json('/api/v1/calls/kpis?grain=interval&interval=30');
    const shown = await intervals();
    const byPeriod = new Map(kpis.rows.map((r: any) => [r.period, r]));
    for (const r of shown) {
      const a = byPeriod.get(r.period) as any;
      expect(r, r.period).toEqual({ period: a.period, offered: a.offered, answered: a.answered, abandoned: a.abandoned, sl: a.figures.serviceLevel.value === null ? '' : String(a.figures.serviceLevel.value) });
    }
    // 09:00 C1 + C2; 09:30 C3 (answered late: SL 0); 10:00 C4 (SL 1); 10:30, 11:00 empty; 11:30 C5 waiting.
    expect(shown.map((r) => [r.period.slice(11, 16), r.offered, r.answered, r.abandoned, r.sl])).toEqual([
      ['09:00', 2, 1, 1, '0.5'],
      ['09:30', 1, 1, 0, '0'],
      ['10:00', 1, 1, 0, '1'],
      ['10:30', 0, 0, 0, ''],
      ['11:00', 0, 0, 0, ''],
      ['11:30', 1, 0, 0, ''],
    ]);
    expect(kpis.rows.filter((r: any) => r.offered > 0).reduce((s: number, r: any) => s + r.offered, 0)).toBe(5);
    expect(await page.evaluate(() => Boolean((window as any).Chart?.getChart('intervals-chart')))).toBe(true);
    await shot(page, 'pages-supervisor');
    await accessible(page);

    // A call arrives; the page shows it at its next poll (every 2 s here) without a reload.
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    await writeFile(path.join(dir, 'late.csv'), lateCall);
    expect(await ingestCallFile(handle.db, path.join(dir, 'late.csv'), 'csv', { source: 'asterisk', zone })).toMatchObject({ inserted: 1 });
    await page.waitForFunction(() => document.querySelector('[data-figure="offered"]')?.getAttribute('data-value') === '6', undefined, { timeout: 10_000 });
    t = await tiles();
    const after = await json('/api/v1/calls/now');
    expect(num(t.answerRate.value)).toBe(after.todaySoFar.figures.answerRate.value);
    expect(t.answerRate.value).toBe('0.8'); // 4 answered of 6 − 1 waiting
    expect((await intervals()).find((r) => r.period.slice(11, 16) === '11:30')).toMatchObject({ offered: 2, answered: 1 });
    expect(await page.evaluate(() => Boolean((window as any).Chart?.getChart('intervals-chart')))).toBe(true);
    expect(await page.textContent('#live-status')).toMatch(/refreshed every 2 s/);
    expect(navigations).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();

    // One queue: the selector's figures are the API's for that queue.
    const housing = await open('/pages/supervisor?queue=housing');
    const hq = await json('/api/v1/calls/now?queue=housing');
    expect(await housing.page.getAttribute('[data-figure="offered"]', 'data-value')).toBe(String(hq.todaySoFar.offered));
    expect(hq.todaySoFar.offered).toBe(2); // C4, C5
    expect(await housing.page.$eval('#queue', (s) => (s as HTMLSelectElement).value)).toBe('housing');
    expect(await housing.page.$$eval('#queue option', (os) => os.map((o) => o.textContent))).toEqual(['All queues', 'housing', 'sales']);
    expect(housing.errors).toEqual([]);
    await housing.page.close();
  });

  it('availability page: each system this month so far and its outages equal the API\'s', async () => {
    const { page, errors } = await open('/pages/availability');
    const api = await json('/api/v1/availability?from=2025-04&to=2025-04');
    const rows = await page.$$eval('#systems tr[data-system]', (trs) => trs.map((tr) => [tr.getAttribute('data-system'), tr.getAttribute('data-availability'), tr.querySelector('[data-status]')!.getAttribute('data-status')]));
    expect(rows).toEqual([...api.rows.map((r: any) => [r.system, String(r.availability), r.status]), ['(all)', String(api.allSystems[0].availability), api.allSystems[0].status]]);
    const by = Object.fromEntries(rows.map((r) => [r[0], r]));
    expect(Number(by.Email![1])).toBeCloseTo(640 / 700, 12);
    expect(by.Email![2]).toBe('amber');
    expect(Number(by.CRM![1])).toBeCloseTo(520 / 700, 12);
    expect(by.CRM![2]).toBe('red');
    const listed = await json('/api/v1/outages?from=2025-04-01T00:00:00&to=2025-05-01T00:00:00');
    expect(await page.$$eval('#outages tbody tr[data-outage]', (trs) => trs.map((tr) => Number(tr.getAttribute('data-outage'))))).toEqual(listed.outages.map((o: any) => o.id));
    expect(listed.outages).toHaveLength(3);
    expect(await page.$$eval('svg rect[data-outage]', (rs) => rs.length)).toBe(3);
    await shot(page, 'pages-availability');
    await accessible(page);
    expect(errors).toEqual([]);
    await page.close();
  });
});
