import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
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
import { writeDemoPlanIfEmpty } from '../../src/demo/plans.ts';
import { ingestCallFile } from '../../src/feeds/calls/ingest-file.ts';
import { ingestOutageFile } from '../../src/feeds/outages/ingest-file.ts';
import { ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { createApp } from '../../src/http/app.ts';
import { createApiKey } from '../../src/store/api-keys.ts';
import { syncConfiguredSystems } from '../../src/store/availability.ts';
import { haveChromium, launchBrowser, openPage, serveApp } from '../support/browser.ts';
import { backends } from '../support/services.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'test/artifacts');
const zone = 'Europe/London';
const config = appConfigSchema.parse({ systems: [{ name: 'Email' }, { name: 'CRM' }] });
// 2 April 2025: the report is March's; the demo plan's financial year is 2025/26 → as of 31 March
// it belongs to 2024/25 (start 1 April 2024).
const now = new Date('2025-04-02T11:00:00Z');
const tickets = `id,kind,priority,vip,team,opened_at,resolved_at,status
INC1,incident,normal,no,Network,2025-03-03 08:40,2025-03-05 13:00,Resolved
INC2,incident,normal,no,Network,2025-03-03 08:40,2025-03-05 13:01,Resolved
REQ1,service_request,critical,,Service desk,2025-03-28 12:30,2025-03-29 11:00,Resolved
INC4,incident,high,no,Network,2025-03-31 09:00,,In Progress
`;
const calls = `call_id,queue,arrived_at,answered_at,ended_at,outcome,wait_seconds,talk_seconds
C1,sales,2025-03-12 09:05:00,2025-03-12 09:05:30,2025-03-12 09:08:50,answered,30,200
C2,sales,2025-03-12 09:10:00,,,abandoned,60,
`;
const outages = `system,start,end,kind,reason,ref
Email,2025-03-11 10:00,2025-03-11 11:00,unplanned,Mail store,INC10
`;

const backend = backends.find((b) => b.name === 'pglite')!;

describe.skipIf(!haveChromium)('the committee report in a real browser (chromium, PGlite)', () => {
  let handle: DbHandle;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let base: string;
  let context: BrowserContext;
  let ingestKey: string;

  const open = (url: string): Promise<{ page: Page; errors: string[] }> => openPage(context, base, url);

  beforeAll(async () => {
    handle = await backend.open();
    const dir = await mkdtemp(path.join(tmpdir(), 'attain-committee-'));
    const file = async (name: string, text: string) => {
      await writeFile(path.join(dir, name), text);
      return path.join(dir, name);
    };
    await ingestTicketFile(handle.db, await file('tickets.csv', tickets), { source: 'generic', zone, kinds: config.kinds });
    await computeSlaJob.run({ db: handle.db, config, env: {} as never, now: () => now, log: () => {}, enqueue: async () => {} }, {});
    await ingestCallFile(handle.db, await file('calls.csv', calls), 'csv', { source: 'asterisk', zone });
    await computeCalls(handle.db, callsRules(config), now);
    await syncConfiguredSystems(handle.db, config.systems);
    await ingestOutageFile(handle.db, await file('outages.csv', outages), { zoneOf: () => zone });
    // The demo's plan and supplied measure values, as `npm start` writes them.
    expect(await writeDemoPlanIfEmpty(handle.db, config, dir, now)).toHaveLength(2);
    ingestKey = (await createApiKey(handle.db, 'performance officer', 'ingest')).secret;
    const app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now, auth: { mode: 'keys', publicRead: true }, log: () => {} });
    server = await serveApp(app.fetch);
    base = server.base;
    await mkdir(artifacts, { recursive: true });
    context = await launchBrowser(dir);
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await server?.close();
    await handle?.close();
  });

  it('shows every section filled, with status as icon and text, and no console errors', async () => {
    const { page, errors } = await open('/api/v1/reports/monthly/2025-03.html');
    const s = await page.evaluate(() => ({
      sections: [...document.querySelectorAll('main > section')].map((x) => x.id),
      planActions: document.querySelectorAll('#service-plans table.plan tbody tr').length,
      statuses: [...new Set([...document.querySelectorAll('#service-plans .action-status')].map((x) => x.textContent!.trim()))].sort(),
      categories: [...document.querySelectorAll('#measures tr.category th')].map((x) => x.textContent),
      travel: document.querySelectorAll('#measures .travel').length,
      commentary: document.querySelector('#measures tr.commentary:not(.missing)')?.textContent ?? '',
      ccRows: document.querySelectorAll('#contact-centre table tbody tr').length,
      availRows: document.querySelectorAll('#availability table tbody tr').length,
      ticketMonths: [...document.querySelectorAll('#received table tbody tr th')].map((x) => x.textContent),
      channelMonths: [...document.querySelectorAll('#channel-shift table tbody tr th')].map((x) => x.textContent),
    }));
    expect(s.sections).toEqual(['service-plans', 'measures', 'commentary-form', 'received', 'met-failed', 'attainment', 'backlog', 'not-actioned', 'contact-centre', 'casework', 'availability', 'channel-shift']);
    // 12 demo actions (the 4 milestones count under their action).
    expect(s.planActions).toBe(12);
    // Every status carries its word beside its icon.
    for (const st of s.statuses) expect(st).toMatch(/^\S+ (Completed|Cancelled|Overdue|Neglected|Unassigned|Check Progress|Not Started|In Progress|Assigned)$/);
    expect(s.categories).toEqual(['Service desk', 'ICT availability', 'Contact centre', 'People', 'Casework', 'Channel shift']);
    expect(s.travel).toBeGreaterThan(10);
    expect(s.commentary).toContain('Corrective action');
    expect(s.ccRows).toBeGreaterThan(0);
    expect(s.availRows).toBeGreaterThan(0);
    // Tickets begin in March 2025: no empty months before it.
    expect(s.ticketMonths).toEqual(['2025-03']);
    // Channel counts: the demo supplies 14 months of web and face-to-face contacts (to 2025-03); the 12-month window starts 2024-04.
    expect(s.channelMonths[0]).toBe('2024-04');
    expect(s.channelMonths.at(-1)).toBe('2025-03');
    await page.screenshot({ path: path.join(artifacts, 'committee-report.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('prints on A4 without clipping: nothing wider than the printable width', async () => {
    const { page, errors } = await open('/api/v1/reports/monthly/2025-03.html');
    // A4 210 mm less 2 × 12 mm margins = 186 mm ≈ 703 CSS px at 96 px per inch.
    await page.setViewportSize({ width: 703, height: 1000 });
    await page.emulateMedia({ media: 'print' });
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      return {
        page: document.documentElement.scrollWidth - width,
        wide: [...document.querySelectorAll('table, figure, canvas')].filter((el) => el.getBoundingClientRect().right > width + 0.5).map((el) => el.closest('section')?.id + ' ' + el.tagName),
        formShown: getComputedStyle(document.getElementById('commentary-form')!).display,
      };
    });
    expect(overflow).toEqual({ page: 0, wide: [], formShown: 'none' });
    await page.pdf({ path: path.join(artifacts, 'committee-report-a4.pdf'), format: 'A4', margin: { top: '12mm', bottom: '12mm', left: '12mm', right: '12mm' } });
    await page.screenshot({ path: path.join(artifacts, 'committee-report-print.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('takes commentary through the form on the report page and shows it after saving', async () => {
    const { page, errors } = await open('/api/v1/reports/monthly/2025-03.html');
    await page.selectOption('#commentary select[name=measure]', { label: await page.evaluate(() => [...document.querySelectorAll('#commentary option')].find((o) => o.textContent!.startsWith('CW-FOI'))!.textContent!) });
    await page.fill('#commentary textarea[name=commentary]', 'Two complex requests ran over.');
    await page.fill('#commentary textarea[name=correctiveAction]', 'Weekly review of open requests.');
    await page.fill('#commentary input[name=key]', ingestKey);
    await Promise.all([page.waitForEvent('load'), page.click('#commentary button[type=submit]')]);
    const text = await page.evaluate(() => [...document.querySelectorAll('#measures tr.commentary')].map((x) => x.textContent).join('\n'));
    expect(text).toContain('Two complex requests ran over. Corrective action: Weekly review of open requests. (performance officer, 2025-04-02)');
    expect(errors).toEqual([]);
    await page.close();
  });
});
