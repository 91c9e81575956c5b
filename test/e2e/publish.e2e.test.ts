import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { computeSlaJob } from '../../jobs/compute-sla.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { createApp } from '../../src/http/app.ts';
import { buildKpiFeed } from '../../src/reports/kpi-feed.ts';
import { createApiKey } from '../../src/store/api-keys.ts';
import { listAudit } from '../../src/store/audit.ts';
import { backends } from '../support/services.ts';

const config = appConfigSchema.parse({});
const zone = 'Europe/London';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

// The tickets of test/e2e/reports.e2e.test.ts (its comments give each ticket's SLA arithmetic):
// service-desk calendar Mon–Thu 08:40–17:00, Fri 08:40–16:30; high 420, critical 240, normal
// 1260, low 2100 business minutes. November 2025 as issued:
//   incidents received N1 N2 N3 N7 = 4, resolved in Nov N1 N2 N9 = 3, met N1 = 1, breached N2 N3 = 2 → 1/3
//   all kinds received 7 (+ N4 N5 N6), resolved N1 N2 N4 N9 = 4, met N1 N4 = 2, breached 2 → 2/4 = 0.5
//   SD-ONTIME resolved on time N1 N4 of the 4 resolved with a target → 0.5
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
// The late ticket, ingested after publishing: N10 high incident, Wed 12 Nov 09:00–10:00 = 60 ≤ 420
// business minutes, met. November recomputed:
//   incidents received 4 + 1 = 5, resolved 3 + 1 = 4, met 1 + 1 = 2, breached 2 → 2 / (2 + 2) = 0.5
//   all kinds received 7 + 1 = 8, resolved 4 + 1 = 5, met 2 + 1 = 3, breached 2 → 3 / 5 = 0.6
//   SD-ONTIME on time N1 N4 N10 of 5 resolved → 0.6; satisfaction unchanged (N10 has none: 16 / 4)
//   backlog at 30 Nov unchanged (N10 resolved the same day).
const late = 'id,kind,priority,team,status,opened_at,resolved_at\nN10,incident,high,Network,Resolved,2025-11-12 09:00,2025-11-12 10:00\n';

const artefactUrls = {
  'report.json': '/api/v1/reports/monthly/2025-11.json',
  'report.csv': '/api/v1/reports/monthly/2025-11.csv',
  'report.html': '/api/v1/reports/monthly/2025-11.html',
  'kpi-feed.json': '/api/v1/kpi-feed/2025-11.json',
  'kpi-feed.csv': '/api/v1/kpi-feed/2025-11.csv',
} as const;

describe.each(backends.filter((b) => b.available))('publishing a month and restating it on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  let dir: string;
  let clock = new Date('2025-12-10T12:00:00Z');
  const keys: Record<string, { id: number; secret: string }> = {};
  const call = async (method: string, url: string, key?: string) => {
    const res = await app.request(url, { method, headers: key ? { authorization: `Bearer ${key}` } : {} });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as any) : null };
  };
  const compute = () => computeSlaJob.run({ db: handle.db, config, env: {} as never, now: () => clock, log: () => {}, enqueue: async () => {} }, {});
  const ingest = async (name: string, csv: string) => {
    await writeFile(path.join(dir, name), csv);
    const r = await ingestTicketFile(handle.db, path.join(dir, name), { source: 'generic', zone, kinds: config.kinds });
    expect(r).toMatchObject({ status: 'succeeded', rejected: 0 });
    await compute();
  };

  beforeAll(async () => {
    handle = await backend.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-publish-'));
    await ingest('tickets.csv', tickets);
    for (const role of ['viewer', 'ingest', 'admin'] as const) keys[role] = await createApiKey(handle.db, `${role} key`, role);
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => clock, log: (m) => console.error(m), auth: { mode: 'keys', publicRead: true } });
  });
  afterAll(async () => handle?.close());

  it('publishes only for admins, only ended months, once; the frozen copies are served byte for byte after a late ticket', async () => {
    expect((await call('GET', '/api/v1/published')).body).toEqual({ months: [] });
    expect((await call('POST', '/api/v1/admin/months/2025-11/publish')).status).toBe(401);
    for (const role of ['viewer', 'ingest']) {
      const refused = await call('POST', '/api/v1/admin/months/2025-11/publish', keys[role]!.secret);
      expect(refused.status, role).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'forbidden', details: { needed: 'admin', role } });
    }
    const unfinished = await call('POST', '/api/v1/admin/months/2025-12/publish', keys.admin!.secret);
    expect(unfinished.status).toBe(400);
    expect(unfinished.body.error.details.field).toBe('month');
    expect((await call('POST', '/api/v1/admin/months/2025-13/publish', keys.admin!.secret)).body.error.details.field).toBe('month');

    const issuedAt = clock.toISOString();
    const published = await call('POST', '/api/v1/admin/months/2025-11/publish', keys.admin!.secret);
    expect(published.status).toBe(201);
    const p = published.body;
    expect(p).toMatchObject({ month: '2025-11', version: 1, issuedAt, issuedBy: `key:${keys.admin!.id}`, republished: false, kpiFeedRevision: 1 });
    expect(p.figures['measure.SD-INC-SLA']).toBeCloseTo(1 / 3, 12);
    expect(p.figures).toMatchObject({ 'tickets.incident.received': 4, 'tickets.incident.met': 1, 'tickets.all.attainment': 0.5, 'measure.SD-ONTIME': 0.5 });

    // What was issued is what is served: same sha256 as publish returned, and the header says when.
    const issued: Record<string, string> = {};
    for (const [name, url] of Object.entries(artefactUrls)) {
      const r = await call('GET', url);
      expect(r.status, url).toBe(200);
      expect(sha256(r.text), url).toBe(p.hashes[name]);
      expect(r.headers.get('x-attain-issued-at'), url).toBe(issuedAt);
      issued[name] = r.text;
    }
    expect(JSON.parse(issued['report.json']!).issued).toEqual({ at: issuedAt, version: 1 });
    expect(issued['report.html']).toContain(`this copy was issued ${issuedAt} (version 1)`);

    const again = await call('POST', '/api/v1/admin/months/2025-11/publish', keys.admin!.secret);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', details: { month: '2025-11', version: 1, issuedAt } });
    const trail = await listAudit(handle.db, { action: 'month.publish' });
    expect(trail.map((a) => [a.actor, a.target, a.route])).toEqual([[`key:${keys.admin!.id}`, 'month:2025-11', '/api/v1/admin/months/2025-11/publish']]);

    // A day later the late ticket arrives, and the KPI feed job builds revision 2 from it.
    clock = new Date('2025-12-11T12:00:00Z');
    await ingest('late.csv', late);
    expect(await buildKpiFeed(handle.db, config, '2025-11', clock)).toMatchObject({ created: true, document: { revision: 2 } });

    for (const [name, url] of Object.entries(artefactUrls)) {
      const r = await call('GET', url);
      expect(r.text === issued[name], `${url} unchanged`).toBe(true);
      expect(sha256(r.text)).toBe(p.hashes[name]);
    }
    const liveReport = await call('GET', '/api/v1/reports/monthly/2025-11.json?live=true');
    expect(liveReport.headers.get('x-attain-live')).toContain(`published at ${issuedAt}`);
    const m = (r: any, code: string) => r.measures.find((x: any) => x.code === code);
    expect(m(liveReport.body, 'SD-INC-SLA')).toMatchObject({ value: 0.5, numerator: 2, denominator: 4 });
    expect(m(JSON.parse(issued['report.json']!), 'SD-INC-SLA')).toMatchObject({ numerator: 1, denominator: 3 });
    const liveFeed = await call('GET', '/api/v1/kpi-feed/2025-11.json?live=true');
    expect(liveFeed.body.revision).toBe(2);
    expect(liveFeed.body.rows.find((x: any) => x.code === 'SD-INC-SLA').value).toBe(0.5);
    expect((await call('GET', '/api/v1/kpi-feed/2025-11.json?revision=1')).body.rows.find((x: any) => x.code === 'SD-INC-SLA').value).toBeCloseTo(1 / 3, 12);
  });

  it("restates the changed figures in the next month's report, naming the late ticket; republishing needs force", async () => {
    const dec = await call('GET', '/api/v1/reports/monthly/2025-12.json');
    expect(dec.status).toBe(200);
    expect(dec.headers.get('x-attain-issued-at')).toBeNull();
    expect(dec.body.restatement.compared).toEqual([{ month: '2025-11', version: 1, issuedAt: '2025-12-10T12:00:00.000Z' }]);
    const rows = Object.fromEntries(dec.body.restatement.rows.map((r: any) => [r.figure, r]));
    // Exactly the figures the late ticket moves (arithmetic beside the fixture above).
    expect(Object.keys(rows).sort()).toEqual([
      'measure.SD-INC-SLA', 'measure.SD-ONTIME',
      'tickets.all.attainment', 'tickets.all.met', 'tickets.all.received', 'tickets.all.resolved',
      'tickets.incident.attainment', 'tickets.incident.met', 'tickets.incident.received', 'tickets.incident.resolved',
    ]);
    const lateReason = [{ reason: 'late tickets', detail: '1 ticket dated in 2025-11 arrived after publishing' }];
    expect(rows['measure.SD-INC-SLA'].from).toBeCloseTo(1 / 3, 12);
    expect(rows['measure.SD-INC-SLA']).toMatchObject({ month: '2025-11', to: 0.5, reasons: lateReason });
    expect(rows['measure.SD-ONTIME']).toMatchObject({ from: 0.5, to: 0.6, reasons: lateReason });
    expect(rows['tickets.incident.received']).toMatchObject({ from: 4, to: 5, reasons: lateReason });
    expect(rows['tickets.all.attainment']).toMatchObject({ from: 0.5, to: 0.6 });

    const html = await call('GET', '/api/v1/reports/monthly/2025-12.html');
    expect(html.text).toContain('<h2>Published figures and restatements</h2>');
    expect(html.text).toMatch(/<tr><th scope="row">2025-11<\/th><td>SD-INC-SLA [^<]*<code>measure\.SD-INC-SLA<\/code><\/td><td class="n">0\.3333<\/td><td class="n">0\.5<\/td><td>late tickets: 1 ticket dated in 2025-11 arrived after publishing<\/td><\/tr>/);
    const csv = await call('GET', '/api/v1/reports/monthly/2025-12.csv');
    expect(csv.text).toContain('restatement,2025-11,tickets.incident.received,incident received,5,as_figure,,,published 4; late tickets: 1 ticket dated in 2025-11 arrived after publishing');

    const forced = await call('POST', '/api/v1/admin/months/2025-11/publish?force=true', keys.admin!.secret);
    expect(forced.status).toBe(201);
    expect(forced.body).toMatchObject({ version: 2, republished: true, kpiFeedRevision: 2, figures: { 'measure.SD-INC-SLA': 0.5 } });
    expect((await listAudit(handle.db, { action: 'month.republish' })).map((a) => a.target)).toEqual(['month:2025-11']);
    expect((await call('GET', '/api/v1/reports/monthly/2025-11.json')).headers.get('x-attain-published-version')).toBe('2');
    const list = await call('GET', '/api/v1/published');
    expect(list.body.months.map((x: any) => [x.month, x.version])).toEqual([['2025-11', 2], ['2025-11', 1]]);
    expect((await call('GET', '/api/v1/published/2025-11')).body).toMatchObject({ month: '2025-11', version: 2, kpiFeedRevision: 2 });
    expect((await call('GET', '/api/v1/published/2025-10')).status).toBe(404);
    // Against version 2 nothing has changed any more.
    const after = await call('GET', '/api/v1/reports/monthly/2025-12.json');
    expect(after.body.restatement).toMatchObject({ compared: [{ month: '2025-11', version: 2 }], rows: [] });
  });
});
