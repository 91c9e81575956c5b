import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { computeCalls } from '../../jobs/compute-calls.ts';
import { callsRules } from '../../src/calls/rules.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestCallFile, ingestEmailFile } from '../../src/feeds/calls/ingest-file.ts';
import { createApp } from '../../src/http/app.ts';
import { backends } from '../support/services.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string) => path.join(root, 'test/fixtures/calls', name);
const config = appConfigSchema.parse({});
const zone = 'Europe/London';
const T = 1748854800_000; // Mon 2 June 2025 10:00:00 BST

// The queue_log fixture (test/fixtures/calls, hand-computed in ingest-calls.int.test.ts), all
// arriving 10:00:00–10:08:20 BST on Mon 2 June 2025:
// c1 sales answered (wait 20, talk 300) · c2 sales abandoned after 3 s (short) · c3 sales timed
// out (60) and overflowed to `overflow`, answered there (40, talk 270, transferred) · c4 sales
// abandoned (45) · c8 sales waiting at the end of part 1; part 2 answers it (30, talk 70).
// Emails: E1, E3 processed on 2 June, E2 on 3 June, E4 never.

describe.each(backends.filter((b) => b.available))('calls API on $name', (backend) => {
  let handle: DbHandle;
  let now = new Date(T + 510_000);
  let app: ReturnType<typeof createApp>;
  const get = async (url: string) => {
    const res = await app.request(url);
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    handle = await backend.open();
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now });
    expect(await ingestCallFile(handle.db, fixture('queue_log-part1'), 'queue_log', { source: 'pbx', zone })).toMatchObject({ status: 'succeeded', inserted: 6 });
  });
  afterAll(async () => handle?.close());

  it('GET /calls/now: waiting now, longest current wait, today so far', async () => {
    // 10:08:30 BST: c8 has waited 10 s.
    const { status, body } = await get('/api/v1/calls/now');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      at: '2025-06-02T09:08:30.000Z',
      today: '2025-06-02',
      waiting: 1,
      longestWaitSeconds: 10,
      oldestArrivedAt: '2025-06-02T09:08:20.000Z',
      queues: [{ queue: 'sales', waiting: 1, longestWaitSeconds: 10 }],
    });
    expect(body.todaySoFar).toMatchObject({ offered: 6, answered: 2, abandoned: 1, shortAbandoned: 1, timeout: 1, waiting: 1 });
    // Rates leave the waiting call out: 2 answered of 6 − 1 short − 1 waiting.
    expect(body.todaySoFar.figures.answerRate).toMatchObject({ value: 0.5, numerator: 2, denominator: 4 });
    expect((await get('/api/v1/calls/now?queue=overflow')).body).toMatchObject({ waiting: 0, longestWaitSeconds: null, todaySoFar: { offered: 1, answered: 1 } });
  });

  describe('after the rest of the log and the emails', () => {
    beforeAll(async () => {
      now = new Date('2025-06-03T11:00:00Z'); // Tue 3 June 12:00 BST
      await ingestCallFile(handle.db, fixture('queue_log-part2'), 'queue_log', { source: 'pbx', zone });
      await ingestEmailFile(handle.db, fixture('emails.csv'), { source: 'email', zone });
      await computeCalls(handle.db, callsRules(config), now);
    });

    it('GET /calls/kpis by day: counts, figures, targets and status', async () => {
      const { status, body } = await get('/api/v1/calls/kpis?from=2025-06-01&to=2025-06-03');
      expect(status).toBe(200);
      expect(body).toMatchObject({ grain: 'day', from: '2025-06-01', to: '2025-06-03', zone, calendar: 'service-desk', queue: null, basis: 'stored', thresholds: { shortAbandonSeconds: 5, serviceLevelSeconds: 120 } });
      expect(body.rows.map((r: any) => [r.period, r.offered, r.openDays])).toEqual([
        ['2025-06-01', 0, 0], // Sunday: closed, no calls
        ['2025-06-02', 6, 1],
        ['2025-06-03', 0, 1],
      ]);
      const d = body.rows[1];
      expect(d).toMatchObject({ start: '2025-06-01T23:00:00.000Z', end: '2025-06-02T23:00:00.000Z', answered: 3, abandoned: 1, shortAbandoned: 1, timeout: 1, waiting: 0 });
      const f = d.figures;
      // 3 answered of 6 − 1 short = 60% (target 82.5%: red, under 78.375%).
      expect(f.answerRate).toEqual({ value: 0.6, numerator: 3, denominator: 5, unit: 'fraction', target: 0.825, direction: 'up', status: 'red' });
      // 1 abandoned of 5 = 20%: over 17.5% by more than 5% of it (18.375%): red; the worst (only) day against 10%: red.
      expect(f.abandonRate).toMatchObject({ value: 0.2, target: 0.175, status: 'red' });
      expect(f.maxDailyAbandonRate).toMatchObject({ value: 0.2, day: '2025-06-02', target: 0.1, status: 'red' });
      // Waits 20, 60, 40, 45, 30 → 39 s on average (target 6 min: green); ASA (20 + 40 + 30) / 3 = 30.
      expect(f.avgWait).toMatchObject({ value: 39, numerator: 195, denominator: 5, target: 360, status: 'green' });
      expect(f.asa).toMatchObject({ value: 30, status: 'data_only' });
      expect(f.maxAnswerWait).toMatchObject({ value: 40, target: 120, status: 'green' });
      // AHT (300 + 270 + 70) / 3, talk only (queue_log has no hold or wrap-up).
      expect(f.aht).toMatchObject({ value: 640 / 3, label: 'talk-only', target: 398, status: 'green' });
      // Service level: all three answered within 120 s, of 5.
      expect(f.serviceLevel).toMatchObject({ value: 0.6, thresholdSeconds: 120, variant: 'offered', status: 'data_only' });
      expect(f.serviceLevel.variants.cisco_ignore).toMatchObject({ value: 3 / 4 }); // c4 abandoned within T is left out
      expect(f.callsPerDay).toMatchObject({ value: 6, target: 590, status: 'red' });
      // Emails processed on 2 June: E1 (contact) and E3 (benefits); each mailbox has its own figure.
      expect(f.emailsPerDay).toMatchObject({ value: 2, numerator: 2, denominator: 1, target: 59 });
      expect(f.emailsPerDayByMailbox).toEqual({
        benefits: expect.objectContaining({ value: 1, target: 59, status: 'red' }),
        contact: expect.objectContaining({ value: 1, target: 59, status: 'red' }),
      });
    });

    it('by month: the day rows summed; open days so far; the worst day', async () => {
      const { body } = await get('/api/v1/calls/kpis?grain=month&from=2025-05&to=2025-06');
      expect(body.rows.map((r: any) => [r.period, r.offered, r.openDays])).toEqual([
        ['2025-05', 0, 20], // 22 weekdays less the bank holidays of 5 and 26 May
        ['2025-06', 6, 2], // 1–3 June so far: Sunday closed, Monday and Tuesday open
      ]);
      const june = body.rows[1];
      expect(june.figures.callsPerDay).toMatchObject({ value: 3, numerator: 6, denominator: 2 });
      expect(june.figures.emailsPerDay).toMatchObject({ value: 1.5, numerator: 3, denominator: 2 });
      expect(june.figures.maxDailyAbandonRate).toMatchObject({ value: 0.2, day: '2025-06-02' });
      expect(june.figures.answerRate).toMatchObject({ numerator: 3, denominator: 5 });
    });

    it('per queue, and with another service-level threshold (computed from the visits)', async () => {
      const sales = (await get('/api/v1/calls/kpis?from=2025-06-02&to=2025-06-02&queue=sales')).body;
      expect(sales).toMatchObject({ queue: 'sales', basis: 'stored' });
      // sales: c1, c2 (short), c3 (timeout), c4 (abandoned), c8 → 2 answered of 4.
      expect(sales.rows[0]).toMatchObject({ offered: 5, answered: 2, abandoned: 1, shortAbandoned: 1, timeout: 1 });
      expect(sales.rows[0].figures.answerRate.value).toBe(0.5);
      expect(sales.rows[0].figures.emailsPerDay).toBeNull();
      const t30 = (await get('/api/v1/calls/kpis?from=2025-06-02&to=2025-06-02&slSeconds=30')).body;
      expect(t30).toMatchObject({ basis: 'visits', thresholds: { serviceLevelSeconds: 30 } });
      // Answered within 30 s: c1 (20) and c8 (30), not c3 (40): 2 of 5.
      expect(t30.rows[0].figures.serviceLevel).toMatchObject({ value: 0.4, numerator: 2, denominator: 5 });
      const noShort = (await get('/api/v1/calls/kpis?from=2025-06-02&to=2025-06-02&shortAbandonSeconds=0')).body;
      expect(noShort.rows[0]).toMatchObject({ abandoned: 2, shortAbandoned: 0 });
    });

    it('by interval: local 15/30/60-minute rows over the day', async () => {
      const { status, body } = await get('/api/v1/calls/kpis?grain=interval&interval=30&from=2025-06-02');
      expect(status).toBe(200);
      expect(body).toMatchObject({ grain: 'interval', interval: 30, basis: 'visits', from: '2025-06-02', to: '2025-06-02' });
      expect(body.rows).toHaveLength(48);
      const busy = body.rows.filter((r: any) => r.offered > 0);
      expect(busy.map((r: any) => [r.period, r.start, r.offered, r.answered])).toEqual([['2025-06-02T10:00+01:00', '2025-06-02T09:00:00.000Z', 6, 3]]);
      expect(busy[0].figures.callsPerDay).toBeNull();
      const q15 = (await get('/api/v1/calls/kpis?grain=interval&interval=15&from=2025-06-02&queue=overflow')).body;
      expect(q15.rows).toHaveLength(96);
      expect(q15.rows.filter((r: any) => r.offered > 0).map((r: any) => [r.period, r.offered])).toEqual([['2025-06-02T10:00+01:00', 1]]);
    });

    it('GET /calls/staffing: Erlang C for an interval', async () => {
      const { status, body } = await get('/api/v1/calls/staffing?arrivals=100&aht=180&intervalMinutes=30&slTarget=0.8&slSeconds=20');
      expect(status).toBe(200);
      // Call Centre Helper's worked example (see test/unit/erlang-c.test.ts): 10 erlangs → 14 agents.
      expect(body).toMatchObject({ trafficErlangs: 10, agents: 14, agentsForServiceLevel: 14, input: { arrivals: 100, ahtSeconds: 180 } });
      expect(body.serviceLevel).toBeCloseTo(0.888, 3);
      expect(body.occupancy).toBeCloseTo(10 / 14, 12);
    });

    it('bad parameters answer 400 naming the field', async () => {
      const cases: [string, string][] = [
        ['/api/v1/calls/staffing?arrivals=100&aht=180&slTarget=80', 'slTarget'],
        ['/api/v1/calls/staffing?aht=180', 'arrivals'],
        ['/api/v1/calls/kpis?grain=week', 'grain'],
        ['/api/v1/calls/kpis?grain=interval&interval=20', 'interval'],
        ['/api/v1/calls/kpis?grain=interval&from=2025-01-01&to=2025-03-01', 'to'],
        ['/api/v1/calls/kpis?from=2025-06-05&to=2025-06-01', 'from'],
        ['/api/v1/calls/kpis?variant=best', 'variant'],
      ];
      for (const [url, field] of cases) {
        const { status, body } = await get(url);
        expect([url, status, body.error.code, body.error.details.field]).toEqual([url, 400, 'invalid_parameter', field]);
      }
    });
  });
});
