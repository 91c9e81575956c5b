import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { createApp } from '../../src/http/app.ts';
import { ingestCases } from '../../src/services/cases.ts';
import { backends } from '../support/services.ts';

/*
 * test/fixtures/cases/casework.csv, by hand (times naive Europe/London; clocks as in
 * test/unit/casework-clock.test.ts):
 *   FOI-1 foi   rec Fri 2 May, due Tue 3 Jun (Mon 5 May and 26 May holidays) — answered 3 Jun: met, June
 *   FOI-2 foi   rec Sat 8 Mar, due Mon 7 Apr (St Patrick's Day counted UK-wide) — answered 8 Apr: late, April
 *   FOI-3 foi   rec 1 Sep, fee pause 5–10 Sep, due Fri 3 Oct — answered 2 Oct: met, October
 *   FOI-4 foi   rec Wed 1 Oct: 2–3 Oct days 1–2, 6–10 3–7, 13–17 8–12, 20–24 13–17, 27–29 18–20 → due Wed 29 Oct;
 *               unanswered at now (15 Nov): overdue, late in October
 *   FOI-5 foi   rec 10 Nov, unanswered, not yet due: open
 *   C1-1  stage 1, rec Mon 6 Oct, extended to day 10 (Mon 20 Oct), answered day 9 (17 Oct): met, October
 *   C1-2  stage 1, same, answered day 11 (Tue 21 Oct): late, October (its due day)
 *   C2-1  stage 2 of C1-2, rec Wed 22 Oct: 23–24 days 1–2, 27–31 3–7, 3–7 Nov 8–12, 10–14 13–17, 17–19 18–20
 *               → due Wed 19 Nov; answered 12 Nov: met, November; escalated, October (receipt)
 *   SAR-1 sar   rec Thu 7 Aug, 7 Sep is a Sunday → due Mon 8 Sep; answered 9 Sep: late, September
 *   SAR-2 sar   rec 3 Sep, identity 15 Sep → due Wed 15 Oct; answered 1 Oct: met, October
 *   lines 12–15 refused: received_at "yesterday", kind "parking", responded before received, extended_to "next week".
 */
const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/cases');
const config = appConfigSchema.parse({});
const now = new Date('2025-11-15T12:00:00Z');

describe.each(backends.filter((b) => b.available))('casework figures on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  let runId: number;
  beforeAll(async () => {
    handle = await backend.open();
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now });
    const csv = await readFile(path.join(fixtures, 'casework.csv'), 'utf8');
    const res = await app.request('/api/v1/feeds/cases?filename=casework.csv', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    const body = (await res.json()) as any;
    expect(res.status).toBe(201);
    runId = body.run.id;
  });
  afterAll(async () => handle?.close());

  const get = async (url: string) => {
    const res = await app.request(url);
    return { status: res.status, body: (await res.json()) as any };
  };

  it('uploads the casework CSV: 10 cases in, 4 bad rows quarantined with file, line and field', async () => {
    const run = (await get(`/api/v1/feeds/runs?feed=cases`)).body.runs[0];
    expect(run).toMatchObject({ id: runId, feed: 'cases', file: 'casework.csv', rowsRead: 14, inserted: 10, rejected: 4 });
    const rejected = (await get(`/api/v1/feeds/runs/${runId}/rejected`)).body.rejected;
    expect(rejected.map((r: any) => [r.file, r.line, r.field])).toEqual([
      ['casework.csv', 12, 'received_at'],
      ['casework.csv', 13, 'kind'],
      ['casework.csv', 14, 'responded_at'],
      ['casework.csv', 15, 'extended_to'],
    ]);
    expect(rejected[1].reason).toContain('unknown kind "parking"');
  });

  it('ingesting the same file again changes nothing', async () => {
    const r = await ingestCases(handle.db, path.join(fixtures, 'casework.csv'), config, {});
    expect(r).toMatchObject({ inserted: 0, updated: 0, unchanged: 10, rejected: 4 });
  });

  it('counts by kind and month as computed by hand', async () => {
    const { body } = await get('/api/v1/cases/attainment?from=2025-03&to=2025-11&by=kind');
    const pick = (period: string, kind: string) => body.rows.find((r: any) => r.period === period && r.kind === kind);
    // FOI October: met FOI-3, late FOI-4 → 1 ÷ 2 = 0.5 against 0.9: red; received FOI-4.
    expect(pick('2025-10', 'foi')).toMatchObject({ received: 1, responded: 1, met: 1, late: 1, attainment: 0.5, goal: 0.9, status: 'red', extended: 0 });
    expect(pick('2025-04', 'foi')).toMatchObject({ met: 0, late: 1, attainment: 0, responded: 1 });
    expect(pick('2025-06', 'foi')).toMatchObject({ met: 1, late: 0, attainment: 1, status: 'green' });
    // Stage 1 October: received 2, met C1-1, late C1-2, both extended; mean working days (9 + 11) ÷ 2 = 10.
    expect(pick('2025-10', 'complaint-stage-1')).toMatchObject({ received: 2, responded: 2, met: 1, late: 1, attainment: 0.5, goal: 0.8, extended: 2, meanWorkingDaysToRespond: 10 });
    expect(pick('2025-10', 'complaint-stage-2')).toMatchObject({ received: 1, escalated: 1, met: 0 });
    expect(pick('2025-11', 'complaint-stage-2')).toMatchObject({ met: 1, attainment: 1 });
    // SAR September: late SAR-1 (due 8 Sep), received SAR-2; October: met SAR-2.
    expect(pick('2025-09', 'sar')).toMatchObject({ received: 1, responded: 1, met: 0, late: 1, goal: 0.85 });
    expect(pick('2025-10', 'sar')).toMatchObject({ met: 1, late: 0 });
    // The year: received 10; responded 8 (all but FOI-4, FOI-5); met FOI-1, FOI-3, C1-1, C2-1, SAR-2 = 5;
    // late FOI-2, FOI-4, C1-2, SAR-1 = 4; now: FOI-5 open, FOI-4 overdue.
    const year = await get('/api/v1/cases/attainment?grain=year&from=2025&to=2025');
    expect(year.body.rows).toEqual([expect.objectContaining({ period: '2025', received: 10, responded: 8, met: 5, late: 4, extended: 2, attainment: 5 / 9 })]);
    expect(year.body.now).toEqual({ open: 1, overdue: 1, stopped: 0 });
  });

  it('every figure equals the count of its drill-down', async () => {
    for (const by of ['kind', 'department']) {
      const { body } = await get(`/api/v1/cases/attainment?from=2025-01&to=2025-12&by=${by}`);
      expect(body.rows.length).toBeGreaterThan(5);
      for (const row of body.rows) {
        for (const measure of ['received', 'responded', 'met', 'late', 'extended', 'escalated']) {
          const list = await get(`/api/v1/cases?measure=${measure}&from=${row.period}&to=${row.period}&${by}=${encodeURIComponent(row[by])}&pageSize=500`);
          expect(list.body.total, `${measure} ${row.period} ${by}=${row[by]}`).toBe(row[measure]);
          expect(list.body.cases.length).toBe(row[measure]);
        }
      }
    }
    // Due by the end of Wed 29 Oct, GMT again since the 26 Oct clock change → 2025-10-30T00:00Z.
    const late = await get('/api/v1/cases?measure=late&kind=foi&from=2025-10&to=2025-10');
    expect(late.body.cases.map((c: any) => [c.id, c.dueAt, c.respondedAt, c.outcome])).toEqual([['FOI-4', '2025-10-30T00:00:00.000Z', null, 'overdue']]);
    const overdue = await get('/api/v1/cases?state=overdue');
    expect(overdue.body.cases.map((c: any) => c.id)).toEqual(['FOI-4']);
  });

  it('explains a late case on its timeline', async () => {
    const { status, body } = await get('/api/v1/cases/C1-2/timeline');
    expect(status).toBe(200);
    expect(body).toMatchObject({ outcome: 'late', startDay: '2025-10-06', originalDueDay: '2025-10-13', dueDay: '2025-10-20', extended: true, workingDaysToRespond: 11 });
    expect(body.events.map((e: any) => e.kind)).toEqual(['received', 'clock_start', 'due', 'extension', 'deadline_passed', 'responded']);
    expect(body.events[3].note).toContain('site visit needed');
  });

  it('feeds the casework measures and the casework section of the monthly report', async () => {
    const { status, body } = await get('/api/v1/reports/monthly/2025-10.json');
    expect(status).toBe(200);
    const m = Object.fromEntries(body.measures.map((x: any) => [x.code, x]));
    // October: FOI met 1, late 1 → 50% (target 90%, red); stage 1 met 1, late 1 → 50%;
    // SAR met 1 (SAR-2), late 0 → 100% (target 85%, green); no member enquiries → no data.
    expect(m['CW-FOI']).toMatchObject({ value: 0.5, numerator: 1, denominator: 2, target: 0.9, status: 'red' });
    expect(m['CW-STAGE1']).toMatchObject({ value: 0.5, numerator: 1, denominator: 2, target: 0.8 });
    expect(m['CW-SAR']).toMatchObject({ value: 1, numerator: 1, denominator: 1, status: 'green' });
    expect(m['CW-MEMBER']).toMatchObject({ value: null, status: 'no_data' });
    // September for the trend column: SAR-1 late, nothing met → 0%.
    expect(m['CW-SAR'].previous).toMatchObject({ month: '2025-09', value: 0 });
    const kinds = Object.fromEntries(body.casework.kinds.map((k: any) => [k.kind, k]));
    expect(kinds['complaint-stage-1']).toMatchObject({ received: 2, met: 1, late: 1, extended: 2, meanWorkingDaysToRespond: 10 });
    const html = await (await app.request('/api/v1/reports/monthly/2025-10.html')).text();
    expect(html).toContain('<section id="casework">');
    expect(html).toContain('Casework within timescale, October 2025');
  });

  it("shows the cases due this week on the team leader's page", async () => {
    // On Wed 29 Oct 2025 the week is Mon 27 Oct – Sun 2 Nov: FOI-4 (due 29 Oct, unanswered) is
    // the only unanswered case due in it; at noon it is still open (due by the end of the day).
    const wednesday = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => new Date('2025-10-29T12:00:00Z') });
    const res = await wednesday.request('/pages/team-leader');
    expect(res.status).toBe(200);
    const html = await res.text();
    const table = html.slice(html.indexOf('<table id="cases-due"'), html.indexOf('</table>', html.indexOf('<table id="cases-due"')));
    expect(table).toContain('data-total="1"');
    expect(table).toContain('Cases due 2025-10-27 to 2025-11-02, not yet answered: 1');
    expect(table).toContain('data-case="FOI-4"');
    expect(table).toContain('<td>open</td>');
  });

  it('answers bad questions with a 4xx naming the field', async () => {
    expect((await get('/api/v1/cases/attainment?kind=parking')).body.error.details.field).toBe('kind');
    expect((await get('/api/v1/cases/attainment?grain=fortnight')).status).toBe(400);
    expect((await get('/api/v1/cases?measure=met&state=open')).body.error.details.field).toBe('state');
    const missing = await get('/api/v1/cases/NOPE/timeline');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
    const upload = await app.request('/api/v1/feeds/cases?preset=nosuch', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'id\n' });
    expect(upload.status).toBe(400);
  });
});
