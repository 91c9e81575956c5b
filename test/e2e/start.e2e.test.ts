import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastKpiFeedSlot } from '../../jobs/schedule.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { calendarOf } from '../../src/reports/availability.ts';
import { startApp, waitFor, type StartedApp } from '../support/start-app.ts';

// The README's first command on a fresh data folder: `npm start` migrates the embedded
// database, writes the demo feed, lets the scheduled ingest job read it, computes and serves.

describe('npm start on a fresh data folder', () => {
  let app: StartedApp;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    app = await startApp('attain-start-');
    ({ dataDir, base } = app);
  });
  afterAll(async () => app?.stop());

  it('serves /health and the demo figures, and prints the URLs', async () => {
    // The ingest job moves the demo file to processed/ once every row is in.
    const processed = path.join(dataDir, 'drop', 'tickets', 'processed');
    const file = await waitFor('the demo feed to be ingested', async () => (await readdir(processed)).find((f) => f.endsWith('.csv')), 90_000);
    expect(app.output()).toContain(`${base.replace('127.0.0.1', 'localhost')}/api/v1/sla/attainment`);
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: { kind: 'pglite' } });

    // Independent count: the demo file's rows per opening month, read straight from the CSV
    // (naive local timestamps, so the month is the text's own YYYY-MM).
    const perMonth = new Map<string, number>();
    const lines = createInterface({ input: createReadStream(path.join(processed, file)) });
    let header: string[] | undefined;
    for await (const line of lines) {
      if (!header) {
        header = line.split(',');
        continue;
      }
      // Quoted fields (a category with a comma) are blanked before splitting on commas.
      const fields = line.replace(/"[^"]*"/g, 'x').split(',');
      const opened = fields[header.indexOf('opened_at')]!;
      perMonth.set(opened.slice(0, 7), (perMonth.get(opened.slice(0, 7)) ?? 0) + 1);
    }
    const rowCount = [...perMonth.values()].reduce((a, b) => a + b, 0);

    // The compute queued after the ingest evaluates every ticket; wait until it has.
    const months = await waitFor(
      'every demo ticket to be evaluated',
      async () => {
        const res = await fetch(`${base}/api/v1/sla/attainment?grain=month`);
        if (res.status !== 200) return undefined;
        const body = (await res.json()) as { rows: { period: string; received: number; met: number; breached: number }[] };
        return body.rows.reduce((s, r) => s + r.received, 0) === rowCount ? body.rows : undefined;
      },
      90_000,
    );
    const received = new Map(months.filter((r) => r.received > 0).map((r) => [r.period, r.received]));
    expect(received).toEqual(perMonth);
    const total = months.reduce((s, r) => s + r.met + r.breached, 0);
    expect(total).toBeGreaterThan(1000);
    const attainment = months.reduce((s, r) => s + r.met, 0) / total;
    // The demo is drawn to land near the 95% goal, below it in some teams.
    expect(attainment).toBeGreaterThan(0.8);
    expect(attainment).toBeLessThan(1);
  }, 120_000);

  it('ingests the demo council\'s casework from drop/cases and serves its figures', async () => {
    const processed = path.join(dataDir, 'drop', 'cases', 'processed');
    const file = await waitFor('the demo casework to be ingested', async () => (await readdir(processed).catch(() => [] as string[])).find((f) => f.endsWith('.csv')), 90_000);
    // Independent count: the demo file's data rows (no quoted fields, one case a line).
    let rows = -1;
    for await (const _ of createInterface({ input: createReadStream(path.join(processed, file)) })) rows++;
    const res = await fetch(`${base}/api/v1/cases/attainment?grain=year&from=2000&by=kind`);
    const body = (await res.json()) as { rows: { kind: string; received: number; met: number; late: number }[] };
    expect(body.rows.reduce((s, r) => s + r.received, 0)).toBe(rows);
    for (const kind of ['complaint-stage-1', 'foi', 'sar', 'member-enquiry']) {
      expect(body.rows.filter((r) => r.kind === kind).reduce((s, r) => s + r.met + r.late, 0)).toBeGreaterThan(0);
    }
  }, 120_000);

  it('serves the demo systems\' availability in core hours', async () => {
    const res = await fetch(`${base}/api/v1/availability?grain=month`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: { system: string; downSeconds: number; status: string }[]; allSystems: { status: string }[] };
    expect([...new Set(body.rows.map((r) => r.system))].sort()).toEqual(['CRM', 'Email', 'Finance', 'Internet', 'Library']);
    // Every demo system has unplanned outages in the 90 days (demoOutageCsvLines draws 2–5 each).
    for (const name of ['CRM', 'Email', 'Finance', 'Internet', 'Library']) {
      expect(body.rows.filter((r) => r.system === name).reduce((s, r) => s + r.downSeconds, 0)).toBeGreaterThan(0);
    }
    expect(body.allSystems.some((r) => r.status !== 'no_data')).toBe(true);
  });

  it('links the three pages and the report from / (read without a key on the embedded default)', async () => {
    const home = await (await fetch(`${base}/`)).text();
    for (const page of ['/pages/team-leader', '/pages/supervisor', '/pages/availability']) {
      expect(home).toContain(`href="${page}`);
      const res = await fetch(`${base}${page}`);
      expect(res.status, page).toBe(200);
      expect(await res.text()).toContain('<h1');
    }
    expect(home).toContain('/api/v1/reports/monthly/');
    // Writes still need a key, even with public read on.
    const write = await fetch(`${base}/api/v1/outages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(write.status).toBe(401);
  });

  it("builds the KPI feed that came due before this first start, after the demo's figures are in", async () => {
    // Which month is due is unit-tested with hand dates (test/unit/kpi-feed-catch-up.test.ts);
    // here: that `start` builds it at all, without waiting for the next 06:00 slot.
    const due = lastKpiFeedSlot(new Date(), calendarOf(appConfigSchema.parse({}), 'service-desk')!)!;
    const feed = await waitFor(
      `the ${due.month} KPI feed`,
      async () => {
        const res = await fetch(`${base}/api/v1/kpi-feed/${due.month}.json`);
        return res.status === 200 ? ((await res.json()) as { revision: number; rows: { code: string; value: number | null }[] }) : undefined;
      },
      150_000,
    );
    expect(feed.revision).toBe(1);
    // Built after the start-up ingest and compute: the demo's 90 days cover the whole due
    // month, so its incident SLA has a value (a feed built before them would say no data).
    expect(feed.rows.find((r) => r.code === 'SD-INC-SLA')?.value).not.toBeNull();
    expect(app.output()).toContain(`kpi-feed: ${due.month}'s feed was due and missing; building it`);
  }, 180_000);
});
