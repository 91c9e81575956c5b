import { mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { computeCalls } from '../../jobs/compute-calls.ts';
import { computeSlaJob } from '../../jobs/compute-sla.ts';
import { callsRules } from '../../src/calls/rules.ts';
import { ingestCallFile } from '../../src/feeds/calls/ingest-file.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { createApp } from '../../src/http/app.ts';
import { buildKpiFeed } from '../../src/reports/kpi-feed.ts';
import { backends } from '../support/services.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const schema = JSON.parse(readFileSync(path.join(root, 'docs/kpi-feed.schema.json'), 'utf8'));
const config = appConfigSchema.parse({});
const zone = 'Europe/London';
const now = new Date('2025-12-10T12:00:00Z');
const header = 'id,kind,priority,team,status,opened_at,resolved_at\n';
// N1 high, 3 Nov 09:00–12:00 = 180 ≤ 420 min: met. N2's priority "urgentish" is none: rejected;
// its date (5 Nov) puts it in November. Corrected, N2 high 5 Nov 09:00–10:00 = 60: met.
const bad = `${header}N1,incident,high,Network,Resolved,2025-11-03 09:00,2025-11-03 12:00\nN2,incident,urgentish,Network,Resolved,2025-11-05 09:00,2025-11-05 10:00\n`;
const corrected = bad.replace('urgentish', 'high');
const sentence = '1 row of the tickets feed for this period was rejected and is not counted.';

describe.each(backends.filter((b) => b.available))('data-quality flags in the monthly report and KPI feed on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  let dir: string;
  const get = async (url: string) => {
    const res = await app.request(url);
    const text = await res.text();
    return { status: res.status, text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
  };
  const ingest = async (text: string) => {
    await writeFile(path.join(dir, 'tickets.csv'), text);
    const run = await ingestTicketFile(handle.db, path.join(dir, 'tickets.csv'), { source: 'generic', zone, kinds: config.kinds });
    await computeSlaJob.run({ db: handle.db, config, env: {} as never, now: () => now, log: () => {}, enqueue: async () => {} }, {});
    return run;
  };

  beforeAll(async () => {
    handle = await backend.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-quality-report-'));
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now });
  });
  afterAll(async () => handle?.close());

  it("marks the ticket measures, lists the month's flags, and carries them into the KPI feed until the row is corrected", async () => {
    expect(await ingest(bad)).toMatchObject({ inserted: 1, rejected: 1 });
    const json = await get('/api/v1/reports/monthly/2025-11.json');
    expect(json.status).toBe(200);
    const measure = (code: string) => json.body.measures.find((m: any) => m.code === code);
    expect(measure('SD-INC-SLA')).toMatchObject({ value: 1, flags: [{ code: 'rejected_rows', feed: 'tickets', count: 1, message: sentence }] });
    // A contact-centre measure's feed had no rejected row: no flag.
    expect(measure('CC-ANSWERED').flags).toEqual([]);
    expect(json.body.qualityFlags).toEqual([{ code: 'rejected_rows', feed: 'tickets', count: 1, message: sentence, scope: 'sla', subject: null }]);

    const html = await get('/api/v1/reports/monthly/2025-11.html');
    expect(html.text).toContain('<div id="quality-flags"><h3>Data-quality flags</h3>');
    expect(html.text).toContain(`<strong>Tickets (SLA):</strong> ${sentence}`);
    expect(html.text).toMatch(/100\.0% <span class="quality-flag" data-flags="rejected_rows"/);
    // The report's own tables: November's row of tickets received (1 counted) is marked too.
    expect(html.text).toMatch(/<th scope="row">2025-11<\/th>(<td class="n">\d+<\/td>)+<td class="n">1 <span class="quality-flag" data-flags="rejected_rows"/);
    const flaggedCsv = await get('/api/v1/reports/monthly/2025-11.csv');
    const csvLines = flaggedCsv.text.trim().split('\n');
    expect(csvLines[0]).toBe('section,period,subject,item,value,unit,target,status,note');
    expect(csvLines).toContain(`quality_flag,2025-11,measures / SD-INC-SLA,rejected_rows,1,rows,,,${sentence}`);
    expect(csvLines).toContain(`quality_flag,2025-11,tickets / all,rejected_rows,1,rows,,,${sentence}`);
    // October had no rejected row: no flag row for it.
    expect(csvLines.filter((l) => l.startsWith('quality_flag,2025-10,'))).toEqual([]);

    const first = await buildKpiFeed(handle.db, config, '2025-11', now);
    const row = (doc: any, code: string) => doc.rows.find((r: any) => r.code === code);
    expect(row(first.document, 'SD-INC-SLA').flags).toBe('rejected_rows=1');
    expect(row(first.document, 'CC-ANSWERED')).not.toHaveProperty('flags');
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    expect(validate(first.document), JSON.stringify(validate.errors)).toBe(true);
    const csv = await get('/api/v1/kpi-feed/2025-11.csv');
    expect(csv.text.split('\n')[0]!.endsWith(',travel_short,travel_long,flags')).toBe(true);
    expect(csv.text.split('\n').find((l) => l.startsWith('SD-INC-SLA,'))!.endsWith(',rejected_rows=1')).toBe(true);

    // The corrected file: N2 counted (2 of 2 met), no flag; the feed's content changed: revision 2.
    expect(await ingest(corrected)).toMatchObject({ inserted: 1, rejected: 0 });
    const after = await get('/api/v1/reports/monthly/2025-11.json');
    expect(after.body.measures.find((m: any) => m.code === 'SD-INC-SLA')).toMatchObject({ value: 1, numerator: 2, flags: [] });
    expect(after.body.qualityFlags).toEqual([]);
    expect((await get('/api/v1/reports/monthly/2025-11.html')).text).toContain('No data-quality flags for the month');
    const second = await buildKpiFeed(handle.db, config, '2025-11', new Date(now.getTime() + 3_600_000));
    expect(second.document.revision).toBe(2);
    expect(row(second.document, 'SD-INC-SLA')).not.toHaveProperty('flags');
    expect((await get('/api/v1/kpi-feed/2025-11.csv')).text.split('\n')[0]!.endsWith(',travel_long')).toBe(true);
    expect((await get('/api/v1/reports/monthly/2025-11.csv')).text).not.toContain('quality_flag');
  });

  it("marks the contact-centre table's queues and carries the flag in the report CSV while a calls row of the month is rejected", async () => {
    // Tue 4 Nov 2025 (GMT). K1 answered with hold and wrap (not talk-only); K2's outcome
    // "sideways" is no outcome: rejected, dated 4 November.
    await writeFile(
      path.join(dir, 'calls.csv'),
      'call_id,queue,channel,arrived_at,answered_at,ended_at,outcome,wait_seconds,talk_seconds,hold_seconds,wrap_seconds\n' +
        'K1,sales,voice,2025-11-04 09:00:00,2025-11-04 09:00:20,2025-11-04 09:05:20,answered,20,240,30,30\n' +
        'K2,sales,voice,2025-11-04 09:10:00,,,sideways,5,,,\n',
    );
    expect(await ingestCallFile(handle.db, path.join(dir, 'calls.csv'), 'csv', { source: 'generic', zone })).toMatchObject({ status: 'succeeded', inserted: 1, rejected: 1 });
    await computeCalls(handle.db, callsRules(config), now);
    const callsSentence = '1 row of the calls feed for this period was rejected and is not counted.';
    const flag = { code: 'rejected_rows', feed: 'calls', count: 1, message: callsSentence };
    const json = await get('/api/v1/reports/monthly/2025-11.json');
    expect(json.body.contactCentre.all).toMatchObject({ queue: 'All queues', offered: 1, answered: 1, flags: [flag] });
    expect(json.body.contactCentre.queues).toEqual([expect.objectContaining({ queue: 'sales', flags: [flag] })]);
    // The tickets were corrected: no SLA flag on the months of tickets.
    expect(json.body.tickets.months.flatMap((m: any) => m.flags)).toEqual([]);
    expect(json.body.qualityFlags).toEqual([{ ...flag, scope: 'calls', subject: null }]);
    // The answer, flags and all, matches the report's documented schema (OpenAPI, QualityFlag).
    const doc = (await get('/openapi.json')).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
    const documented = doc.paths['/api/v1/reports/monthly/{month}'].get.responses['200'].content['application/json'].schema;
    const validate = ajv.compile(JSON.parse(JSON.stringify(documented).replace(/"#\/components\//g, '"doc#/components/')));
    expect(validate(json.body), ajv.errorsText(validate.errors)).toBe(true);
    expect(validate({ ...json.body, contactCentre: { ...json.body.contactCentre, queues: [{ queue: 'sales', flags: [{ code: 'late', message: 'x', count: 1 }] }] } })).toBe(false);

    const html = (await get('/api/v1/reports/monthly/2025-11.html')).text;
    expect(html).toMatch(/>All queues<\/a> <span class="quality-flag" data-flags="rejected_rows"/);
    expect(html).toMatch(/>sales<\/a> <span class="quality-flag" data-flags="rejected_rows" title="1 row of the calls feed/);

    const lines = (await get('/api/v1/reports/monthly/2025-11.csv')).text.trim().split('\n');
    expect(lines[0]).toBe('section,period,subject,item,value,unit,target,status,note');
    // The figures' own rows are as they were (no flag in them); the flags follow as rows of their own.
    expect(lines).toContain('contact_centre,2025-11,All queues,offered,1,count,,,');
    expect(lines).toContain(`quality_flag,2025-11,contact_centre / All queues,rejected_rows,1,rows,,,${callsSentence}`);
    expect(lines).toContain(`quality_flag,2025-11,contact_centre / sales,rejected_rows,1,rows,,,${callsSentence}`);
    expect(lines).toContain(`quality_flag,2025-11,measures / CC-ANSWERED,rejected_rows,1,rows,,,${callsSentence}`);
    expect(lines.findIndex((l) => l.startsWith('quality_flag,'))).toBeGreaterThan(lines.findIndex((l) => l.startsWith('contact_centre,')));
  });
});
