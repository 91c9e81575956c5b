import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { computeCalls } from '../../jobs/compute-calls.ts';
import { callsRules } from '../../src/calls/rules.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestCallFile } from '../../src/feeds/calls/ingest-file.ts';
import { createApp } from '../../src/http/app.ts';
import { backends } from '../support/services.ts';
import { sharedData } from '../support/shared-data.ts';

// The real "Anonymous Bank" call-centre data (docs/data-sources.md): every call of 1–15
// August 1999, ingested through the product's own feed path (the whole gzip file, read as a
// stream), its daily figures checked against an independent count of the raw CSV below.
// Absent beside a fresh clone: skipped with a notice, a failure under CI=true (test/support/shared-data.ts).
const data = sharedData('Anonymous Bank real call data', 'anonymous-bank-call-centre-1999/calls_1999-08-01_to_15.csv.gz');
const [file] = data.paths;

// A calendar in the call centre's zone, so the periods are its local days. Its hours (Sunday to
// Thursday from 07:00, Friday to 14:00, Saturday evening) only decide open days.
const config = appConfigSchema.parse({
  calendars: [
    { id: 'service-desk', zone: 'Europe/London', weekly: { mon: ['08:40-17:00'] } },
    { id: 'bank', zone: 'Asia/Jerusalem', weekly: { sun: ['07:00-24:00'], mon: ['07:00-24:00'], tue: ['07:00-24:00'], wed: ['07:00-24:00'], thu: ['07:00-24:00'], fri: ['07:00-14:00'], sat: ['20:00-24:00'] } },
  ],
  calls: { calendarId: 'bank' },
});

/**
 * Independent computation, straight from the raw rows: a call is a visit when it is not a
 * PHANTOM and either queued (q_time > 0 or q_start ≠ 0:00:00) or was served (AGENT) straight
 * from the VRU; its day is the row's date, the next day when its queue entry (or VRU exit)
 * comes before its VRU entry on the clock. AGENT → answered; HANG → abandoned, short under 5 s.
 * The wait is q_time (0 for a call served without queueing).
 */
function expectedByDay() {
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  const [header, ...lines] = text.trim().split('\n');
  const names = header!.split(',');
  const col = (name: string) => names.indexOf(name);
  const secs = (t: string) => t.split(':').reduce((a, x) => a * 60 + Number(x), 0);
  const days = new Map<string, { offered: number; answered: number; abandoned: number; short: number; waitSum: number; waitCount: number }>();
  for (const line of lines) {
    const f = line.split(',');
    const outcome = f[col('outcome')]!;
    const qTime = Number(f[col('q_time')]);
    const queued = qTime > 0 || f[col('q_start')] !== '0:00:00';
    if (outcome === 'PHANTOM' || (!queued && outcome !== 'AGENT')) continue;
    const arrival = secs(queued ? f[col('q_start')]! : f[col('vru_exit')]!);
    const date = new Date(`${f[col('date')]}T00:00:00Z`);
    if (arrival < secs(f[col('vru_entry')]!)) date.setUTCDate(date.getUTCDate() + 1);
    const day = date.toISOString().slice(0, 10);
    let d = days.get(day);
    if (!d) days.set(day, (d = { offered: 0, answered: 0, abandoned: 0, short: 0, waitSum: 0, waitCount: 0 }));
    d.offered += 1;
    const wait = queued ? qTime : 0;
    if (outcome === 'HANG' && wait < 5) {
      d.short += 1;
      continue;
    }
    if (outcome === 'AGENT') d.answered += 1;
    else d.abandoned += 1;
    d.waitSum += wait;
    d.waitCount += 1;
  }
  return days;
}

describe.skipIf(!data.available).each(backends.filter((b) => b.available))('Anonymous Bank, August 1999, on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  // A skipped suite's body still runs to collect its tests: read the file only when it is there.
  const expected = data.available ? expectedByDay() : new Map<string, never>();

  beforeAll(async () => {
    handle = await backend.open();
    const run = await ingestCallFile(handle.db, file, 'anonymous-bank', { source: 'bank', zone: 'Asia/Jerusalem' });
    // 23,668 rows: 199 PHANTOM and 1,835 VRU-only hang-ups are not visits (said in the warnings).
    expect(run).toMatchObject({ status: 'succeeded', rowsRead: 23_668, inserted: 21_634, rejected: 0 });
    expect(run.warnings).toEqual([
      '199 PHANTOM calls are not customer calls: not visits',
      '1835 calls hung up in the voice-response unit before reaching a queue: not visits',
    ]);
    await computeCalls(handle.db, callsRules(config), new Date('1999-09-01T00:00:00Z'));
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => new Date('1999-09-01T00:00:00Z') });
  }, 60_000);
  afterAll(async () => handle?.close());

  it('offered, answered, abandoned and average wait per day equal the independent count', async () => {
    const res = await app.request('/api/v1/calls/kpis?from=1999-08-01&to=1999-08-16');
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ zone: 'Asia/Jerusalem', basis: 'stored' });
    const got = body.rows.filter((r: any) => r.offered > 0).map((r: any) => [r.period, r.offered, r.answered, r.abandoned, r.shortAbandoned, r.figures.avgWait.value]);
    const want = [...expected.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, d]) => [day, d.offered, d.answered, d.abandoned, d.short, d.waitSum / d.waitCount]);
    expect(want.length).toBeGreaterThanOrEqual(15);
    expect(got.map((r: any[]) => r.slice(0, 5))).toEqual(want.map((r) => r.slice(0, 5)));
    got.forEach((r: any[], i: number) => expect(r[5]).toBeCloseTo(want[i]![5] as number, 9));
    // A spot check of the first day, as numbers a reader can see: Sunday 1 August 1999.
    expect(got[0]).toEqual(want[0]);
  });

  it('the month is the sum of its days', async () => {
    const res = await app.request('/api/v1/calls/kpis?grain=month&from=1999-08&to=1999-08');
    const m = ((await res.json()) as any).rows[0];
    const all = [...expected.values()].reduce((a, d) => ({ offered: a.offered + d.offered, answered: a.answered + d.answered, abandoned: a.abandoned + d.abandoned }), { offered: 0, answered: 0, abandoned: 0 });
    expect([m.offered, m.answered, m.abandoned]).toEqual([all.offered, all.answered, all.abandoned]);
    expect(m.figures.answerRate.value).toBeCloseTo(all.answered / (all.offered - [...expected.values()].reduce((a, d) => a + d.short, 0)), 12);
  });
});
