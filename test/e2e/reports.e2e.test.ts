import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
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
import { buildKpiFeed } from '../../src/reports/kpi-feed.ts';
import { syncConfiguredSystems } from '../../src/store/availability.ts';
import { backends } from '../support/services.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const config = appConfigSchema.parse({ systems: [{ name: 'Email' }, { name: 'CRM' }] });
const zone = 'Europe/London';
const now = new Date('2025-12-10T12:00:00Z');

// Service-desk calendar (Mon–Thu 08:40–17:00 = 500 min, Fri 08:40–16:30 = 470 min); standard
// targets: critical 240, high 420, normal 1260, low 2100 business minutes; VIP normal 420.
// November 2025 is all GMT; 1 Nov is a Saturday.
const tickets = `id,kind,priority,vip,team,status,opened_at,first_response_at,resolved_at,satisfaction
N1,incident,high,no,Network,Resolved,2025-11-03 09:00,2025-11-03 09:10,2025-11-03 12:00,5
N2,incident,high,no,Network,Resolved,2025-11-03 09:00,,2025-11-04 12:00,3
N3,incident,critical,no,Desktop,Assigned,2025-11-05 10:00,2025-11-05 10:05,,
N4,service_request,normal,no,Desktop,Resolved,2025-11-06 09:00,,2025-11-07 10:00,4
N5,service_request,low,no,Desktop,New,2025-11-28 15:00,,,
N6,service_request,normal,no,Network,Resolved,2025-11-27 09:00,2025-11-27 09:30,2025-12-01 09:00,2
N7,incident,long_term,no,Network,New,2025-11-10 09:00,,,
N8,incident,normal,yes,Network,Resolved,2025-10-30 09:00,,2025-10-30 11:00,6
N9,incident,high,no,Desktop,Resolved,2025-10-31 09:00,,2025-11-03 16:00,4
`;
// N1 180 min ≤ 420: met 3 Nov. N2 Mon 09:00–17:00 = 480 > 420: breached Mon 3 Nov 16:00.
// N3 open, breached Wed 5 Nov 14:00 (240 min). N4 Thu 480 + Fri 80 = 560 ≤ 1260: met 7 Nov.
// N5 open; 90 min on Fri 28 Nov, breaches in December (2100 min). N6 Thu 480 + Fri 470 + Mon 20
// = 970 ≤ 1260: met, resolved Mon 1 Dec. N7 long term: no target. N8 VIP 120 ≤ 420: met 30 Oct.
// N9 Fri 31 Oct 09:00 + 420 = 16:00: breached in October, resolved 3 Nov.
//
// November: incidents received N1 N2 N3 N7 = 4, met N1 = 1, breached N2 N3 = 2 → 1/3.
//           service requests received N4 N5 N6 = 3, met N4 = 1, breached 0 → 1.
//           resolved in November N1 N2 N4 N9, all with a target, met N1 N4 → SD-ONTIME 2/4.
//           satisfaction of resolved N1 5 + N2 3 + N4 4 + N9 4 = 16 / 4 = 4.
// October:  incidents received N8 N9 = 2, met N8, breached N9 → 1/2; no service requests.
//           resolved N8 (met) → 1/1; satisfaction 6 / 1.
// Backlog at the end of 30 Nov: N3 (Desktop incident), N5 (Desktop SR), N6 (Network SR), N7
// (Network incident); not actioned (no first response by 1 Dec 00:00): N5 (Desktop), N7 (Network).

// November core minutes: 16 Mon–Thu × 500 + 4 Fri × 470 = 9880; October: 18 × 500 + 5 × 470 = 11350.
const outages = `system,start,end,kind,reason,ref
Email,2025-11-04 09:00,2025-11-04 11:00,unplanned,Mail store,INC1
CRM,2025-11-11 08:00,2025-11-11 18:00,unplanned,Crash,INC2
`;
// Email down 120 → 9760 / 9880 = 0.987854 green; CRM down a whole Tuesday 500 → 9380 / 9880 =
// 0.949393 amber (≥ 0.9025). All: (9760 + 9380) / (2 × 9880) = 19140 / 19760 = 0.968623 green.
// October: nothing down → 1.

const calls = `call_id,queue,channel,arrived_at,answered_at,ended_at,outcome,wait_seconds,talk_seconds,hold_seconds,wrap_seconds,agent
C1,benefits,voice,2025-11-03 09:00:00,2025-11-03 09:00:30,2025-11-03 09:05:30,answered,30,300,0,60,Sam
C2,benefits,voice,2025-11-03 09:10:00,,,abandoned,40,,,,
C3,benefits,voice,2025-11-03 09:20:00,,,abandoned,2,,,,
C4,council tax,voice,2025-11-04 10:00:00,2025-11-04 10:03:00,2025-11-04 10:08:00,answered,180,300,20,40,Jo
C5,council tax,voice,2025-11-04 10:10:00,2025-11-04 10:11:00,2025-11-04 10:14:20,answered,60,200,0,0,Jo
`;
// All queues: offered 5, C3 a short abandon (2 s < 5 s) → base 4; answered 3 → 0.75; abandoned
// C2 → 0.25. Avg wait (30 + 40 + 180 + 60) / 4 = 77.5 s = 1.291667 min. AHT (360 + 360 + 200) / 3
// = 306.667 s. Max answer wait 180 s = 3 min. 20 open days in November → 5 / 20 = 0.25 calls a
// day. Worst day 3 Nov: 1 abandoned of 3 − 1 short = 0.5. No emails → 0 a day.
// benefits: offered 3, answered 1 of base 2 → 0.5; council tax: 2 of 2 → 1.

const schema = JSON.parse(readFileSync(path.join(root, 'docs/kpi-feed.schema.json'), 'utf8'));

describe.each(backends.filter((b) => b.available))('monthly report and KPI feed on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  let dir: string;
  const get = async (url: string) => {
    const res = await app.request(url);
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, body: res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as any) : null };
  };
  const compute = () => computeSlaJob.run({ db: handle.db, config, env: {} as never, now: () => now, log: () => {}, enqueue: async () => {} }, {});

  beforeAll(async () => {
    handle = await backend.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-report-'));
    await writeFile(path.join(dir, 'tickets.csv'), tickets);
    await writeFile(path.join(dir, 'outages.csv'), outages);
    await writeFile(path.join(dir, 'calls.csv'), calls);
    expect(await ingestTicketFile(handle.db, path.join(dir, 'tickets.csv'), { source: 'generic', zone, kinds: config.kinds })).toMatchObject({ status: 'succeeded', inserted: 9, rejected: 0 });
    await compute();
    await syncConfiguredSystems(handle.db, config.systems);
    expect(await ingestOutageFile(handle.db, path.join(dir, 'outages.csv'), { zoneOf: () => zone })).toMatchObject({ status: 'succeeded', inserted: 2, rejected: 0 });
    expect(await ingestCallFile(handle.db, path.join(dir, 'calls.csv'), 'csv', { source: 'csv', zone })).toMatchObject({ status: 'succeeded', inserted: 5, rejected: 0 });
    await computeCalls(handle.db, callsRules(config), now);
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now });
  });
  afterAll(async () => handle?.close());

  it('builds the report of November 2025 equal to the hand figures', async () => {
    const { status, body: r } = await get('/api/v1/reports/monthly/2025-11.json');
    expect(status).toBe(200);
    expect(r).toMatchObject({ month: '2025-11', previousMonth: '2025-10', basis: 'outcome', goal: 0.95 });
    // The data begins in October 2025: the months before it are left out, not shown as zeros.
    expect(r.tickets.months.map((m: any) => m.month)).toEqual(['2025-10', '2025-11']);
    const nov = r.tickets.months[1];
    const oct = r.tickets.months[0];
    expect(nov.kinds.incident).toMatchObject({ received: 4, met: 1, breached: 2, status: 'red' });
    expect(nov.kinds.incident.attainment).toBeCloseTo(1 / 3, 12);
    expect(nov.kinds.service_request).toMatchObject({ received: 3, met: 1, breached: 0, attainment: 1, status: 'green' });
    expect(nov.all).toMatchObject({ received: 7, met: 2, breached: 2, attainment: 0.5 });
    expect(oct.kinds.incident).toMatchObject({ received: 2, met: 1, breached: 1, attainment: 0.5 });
    expect(oct.kinds.service_request).toMatchObject({ received: 0, attainment: null, status: 'no_data' });

    expect(r.backlog.asOf).toBe('2025-11-30');
    expect(r.backlog.teams).toEqual([
      { team: 'Desktop', byKind: { incident: 1, service_request: 1 }, total: 2, notActioned: 1 },
      { team: 'Network', byKind: { incident: 1, service_request: 1 }, total: 2, notActioned: 1 },
    ]);
    expect(r.backlog.total).toEqual({ byKind: { incident: 2, service_request: 2 }, total: 4, notActioned: 2 });

    const all = r.contactCentre.all;
    expect(all).toMatchObject({ queue: 'All queues', offered: 5, answered: 3, abandoned: 1, shortAbandoned: 1, openDays: 20 });
    expect(all.answerRate.value).toBe(0.75);
    expect(all.abandonRate.value).toBe(0.25);
    expect(all.avgWaitSeconds.value).toBe(77.5);
    expect(all.ahtSeconds.value).toBeCloseTo(920 / 3, 9);
    expect(all.maxAnswerWaitSeconds.value).toBe(180);
    expect(all.callsPerDay.value).toBe(0.25);
    expect(all.maxDailyAbandonRate).toMatchObject({ value: 0.5, day: '2025-11-03' });
    expect(r.contactCentre.queues.map((q: any) => [q.queue, q.offered, q.answerRate.value])).toEqual([
      ['benefits', 3, 0.5],
      ['council tax', 2, 1],
    ]);

    const sys = Object.fromEntries(r.availability.systems.map((s: any) => [s.system, s]));
    expect(sys.Email.availability).toBeCloseTo(9760 / 9880, 12);
    expect(sys.Email.status).toBe('green');
    expect(sys.CRM.availability).toBeCloseTo(9380 / 9880, 12);
    expect(sys.CRM.status).toBe('amber');
    expect(r.availability.all).toMatchObject({ systems: 2, systemsAtTarget: 1, status: 'green' });
    expect(r.availability.all.availability).toBeCloseTo(19140 / 19760, 12);

    const m = Object.fromEntries(r.measures.map((x: any) => [x.code, x]));
    expect(r.measures.map((x: any) => x.code)).toEqual(config.measures.map((x) => x.code));
    expect(m['SD-INC-SLA']).toMatchObject({ numerator: 1, denominator: 3, target: 0.95, status: 'red', trend: 'down', change: 'worse', previous: { month: '2025-10', value: 0.5 } });
    expect(m['SD-SR-SLA']).toMatchObject({ value: 1, numerator: 1, denominator: 1, status: 'green', trend: null, previous: { value: null, status: 'no_data' } });
    expect(m['SD-ONTIME']).toMatchObject({ value: 0.5, numerator: 2, denominator: 4, target: 0.8, status: 'red', trend: 'down', change: 'worse' });
    expect(m['SD-CSAT']).toMatchObject({ value: 4, numerator: 16, denominator: 4, target: 6, status: 'red', previous: { value: 6 }, trend: 'down', change: 'worse' });
    expect(m['SYS-AVAIL']).toMatchObject({ status: 'green', trend: 'down', change: 'worse', previous: { value: 1 } });
    expect(m['SYS-AVAIL'].numerator).toBe(19140 * 60); // seconds
    expect(m['SYS-AVAIL'].denominator).toBe(19760 * 60);
    expect(m['CC-ANSWERED']).toMatchObject({ value: 0.75, numerator: 3, denominator: 4, status: 'red', trend: null }); // 0.75 < 0.825 − 0.04125
    expect(m['CC-WAIT'].value).toBeCloseTo(77.5 / 60, 12);
    expect(m['CC-WAIT']).toMatchObject({ unit: 'minutes', denominator: 4, status: 'green' });
    expect(m['CC-AHT'].value).toBeCloseTo(920 / 3, 9);
    expect(m['CC-AHT']).toMatchObject({ numerator: 920, denominator: 3, status: 'green' }); // ≤ 398 s
    expect(m['CC-DAILY-CALLS']).toMatchObject({ value: 0.25, numerator: 5, denominator: 20, status: 'red' });
    expect(m['CC-ABANDON']).toMatchObject({ value: 0.25, status: 'red' }); // > 0.175 + 0.00875
    expect(m['CC-MAX-ABANDON']).toMatchObject({ value: 0.5, numerator: 1, denominator: 2, status: 'red', note: 'worst day 2025-11-03' });
    expect(m['CC-MAX-ANSWER']).toMatchObject({ value: 3, status: 'red' }); // 3 min > 2 + 0.1
    expect(m['CC-EMAILS']).toMatchObject({ value: 0, numerator: 0, denominator: 20, status: 'red' });
  });

  it('serves the same model as CSV and as a printable HTML page with every section and the chart script', async () => {
    const csv = await get('/api/v1/reports/monthly/2025-11.csv');
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('section,period,subject,item,value,unit,target,status,note');
    expect(lines).toContain('tickets,2025-11,incident,received,4,count,,,');
    expect(lines).toContain('backlog,2025-11-30,Desktop,assigned_not_actioned,1,count,,,"of those, no first response before the end of the month"');
    expect(lines.some((l) => l.startsWith('measures,2025-11,SD-ONTIME,% service-desk calls resolved on time,0.5,percent,0.8,red,'))).toBe(true);

    const html = await get('/api/v1/reports/monthly/2025-11.html');
    expect(html.status).toBe(200);
    expect(html.type).toContain('text/html');
    for (const heading of [
      'Measures against target',
      'Incidents and service requests received (12 months)',
      'Met and failed within SLA per month',
      'Monthly attainment against the goal',
      'Outstanding incidents and service requests per team',
      'Calls assigned but not actioned per team',
      'Contact-centre measures',
      'Availability per system',
    ]) {
      expect(html.text).toContain(`<h2>${heading}</h2>`);
    }
    expect(html.text).toContain('Chart.js v4'); // the library, inlined: no CDN
    expect(html.text).not.toMatch(/<script[^>]+src=/);
    expect(html.text).toContain('@page { size: A4');
    expect(html.text).toContain('<caption>');
    expect(html.text).toContain('role="img"');
  });

  it('refuses malformed months and formats with a 400 naming the field', async () => {
    for (const [url, field] of [
      ['/api/v1/reports/monthly/2025-13', 'month'],
      ['/api/v1/reports/monthly/2025-1.json', 'month'],
      ['/api/v1/reports/monthly/2025-11.pdf', 'format'],
      ['/api/v1/kpi-feed/nov.json', 'month'],
      ['/api/v1/kpi-feed/2025-11.html', 'format'],
      ['/api/v1/kpi-feed/2025-11.json?revision=0', 'revision'],
      ['/api/v1/kpi-feed/2025-11.json?revision=x', 'revision'],
    ] as const) {
      const res = await get(url);
      expect(res.status, url).toBe(400);
      expect(res.body.error.details.field, url).toBe(field);
    }
  });

  it('keeps KPI feed revisions: same content adds none, a late ticket makes revision 2, revision 1 stays readable', async () => {
    expect((await get('/api/v1/kpi-feed/2025-11.json')).status).toBe(404);
    const first = await buildKpiFeed(handle.db, config, '2025-11', now);
    expect(first).toMatchObject({ created: true, document: { period: '2025-11', revision: 1 } });
    const again = await buildKpiFeed(handle.db, config, '2025-11', new Date(now.getTime() + 3_600_000));
    expect(again).toMatchObject({ created: false, document: { revision: 1, generated_at: now.toISOString() } });

    const r1 = await get('/api/v1/kpi-feed/2025-11.json');
    expect(r1.status).toBe(200);
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const validate = ajv.compile(schema);
    expect(validate(r1.body), JSON.stringify(validate.errors)).toBe(true);
    // 13 computed measures (§5), 4 computed casework measures (§6), 4 supplied success measures and
    // 3 data-only channel counts (no values supplied here): 24.
    expect(r1.body.rows).toHaveLength(24);
    const row = (doc: any, code: string) => doc.rows.find((x: any) => x.code === code);
    expect(row(r1.body, 'SD-INC-SLA')).toEqual({
      code: 'SD-INC-SLA', period: '2025-11', value: 1 / 3, unit: 'percent', numerator: 1, denominator: 3, target: 0.95, status: 'red', direction: 'up', note: null, revision: 1, generated_at: now.toISOString(),
      // October 0.5 → November 1/3: worsening; no November 2024 to compare with.
      source: 'computed', measure_period: '2025-11', benchmark: null, travel_short: 'worsening', travel_long: null,
    });
    expect(row(r1.body, 'HR-EXIT')).toMatchObject({ source: 'supplied', measure_period: '2025-Q3', value: null, status: 'no_data' });
    const csv1 = await get('/api/v1/kpi-feed/2025-11.csv');
    expect(csv1.text.split('\n')[0]).toBe('code,period,value,unit,numerator,denominator,target,status,direction,note,revision,generated_at,source,measure_period,benchmark,travel_short,travel_long');
    expect(csv1.text).toContain(`SD-ONTIME,2025-11,0.5,percent,2,4,0.8,red,up,,1,${now.toISOString()}`);

    // A late incident for the closed month: N10 high, 12 Nov 09:00–10:00 (60 ≤ 420, met).
    await writeFile(path.join(dir, 'late.csv'), 'id,kind,priority,team,status,opened_at,resolved_at\nN10,incident,high,Network,Resolved,2025-11-12 09:00,2025-11-12 10:00\n');
    expect(await ingestTicketFile(handle.db, path.join(dir, 'late.csv'), { source: 'generic', zone, kinds: config.kinds })).toMatchObject({ inserted: 1 });
    await compute();
    const later = new Date(now.getTime() + 86_400_000);
    const second = await buildKpiFeed(handle.db, config, '2025-11', later);
    expect(second).toMatchObject({ created: true, document: { revision: 2 } });
    expect(validate(second.document)).toBe(true);
    // Incidents met N1 N10 = 2 of 2 + 2 breached → 0.5; on time N1 N4 N10 of 5 resolved → 0.6.
    expect(row(second.document, 'SD-INC-SLA')).toMatchObject({ value: 0.5, numerator: 2, denominator: 4, revision: 2, generated_at: later.toISOString() });
    expect(row(second.document, 'SD-ONTIME')).toMatchObject({ value: 0.6, numerator: 3, denominator: 5 });

    expect((await get('/api/v1/kpi-feed/2025-11.json')).body.revision).toBe(2);
    const old = await get('/api/v1/kpi-feed/2025-11.json?revision=1');
    expect(old.body).toEqual(r1.body);
    expect((await get('/api/v1/kpi-feed/2025-11.csv?revision=1')).text).toBe(csv1.text);
    const missing = await get('/api/v1/kpi-feed/2025-11.json?revision=3');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    expect((await get('/api/v1/kpi-feed/2025-10.csv')).status).toBe(404);
  });
});
