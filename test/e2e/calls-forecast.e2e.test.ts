import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { computeCalls } from '../../jobs/compute-calls.ts';
import type { CallVisit } from '../../src/calls/visit.ts';
import { callsRules } from '../../src/calls/rules.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { createApp } from '../../src/http/app.ts';
import { upsertVisits } from '../../src/store/calls.ts';
import { backends } from '../support/services.ts';

const config = appConfigSchema.parse({});
// Wed 4 June 2025 12:00 BST.
const NOW = new Date('2025-06-04T11:00:00Z');

/** `n` visits to `sales` from 09:00 BST on a day, one a minute: answered after 30 s, or abandoned after 60 s. */
function visits(dayUtc9: string, answered: number, abandoned: number, tag: string): CallVisit[] {
  const start = Date.parse(`${dayUtc9}T08:00:00Z`);
  return Array.from({ length: answered + abandoned }, (_, i) => {
    const at = start + i * 60_000;
    const ans = i < answered;
    return {
      source: 'pbx', callId: `${tag}-${i}`, queue: 'sales', channel: 'voice', arrivedAt: at,
      answeredAt: ans ? at + 30_000 : null, endedAt: at + (ans ? 330_000 : 60_000), outcome: ans ? 'answered' : 'abandoned',
      waitSeconds: ans ? 30 : 60, talkSeconds: ans ? 300 : null, holdSeconds: null, wrapSeconds: null, agent: ans ? 'a1' : null, transferred: false,
    } satisfies CallVisit;
  });
}

describe.each(backends.filter((b) => b.available))('GET /api/v1/calls/forecast on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  const get = async (url: string) => {
    const res = await app.request(url);
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    handle = await backend.open();
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => NOW });
    // Mon 2 June: 8 answered, 2 abandoned; Tue 3 June: 9 and 1 (stored by the compute job);
    // Wed 4 June, today, by 12:00: 3 and 1 (counted from the visits).
    await upsertVisits(handle.db, null, [...visits('2025-06-02', 8, 2, 'mon'), ...visits('2025-06-03', 9, 1, 'tue')]);
    await computeCalls(handle.db, callsRules(config), NOW);
    await upsertVisits(handle.db, null, visits('2025-06-04', 3, 1, 'wed'));
  });
  afterAll(async () => handle?.close());

  it('forecasts the month from what is counted and the calls of the same weekdays still to come', async () => {
    const { status, body } = await get('/api/v1/calls/forecast');
    expect(status).toBe(200);
    // So far: 10 + 10 + 4 = 24 offered, 2 + 1 + 1 = 4 abandoned, 8 + 9 + 3 = 20 answered.
    expect(body).toMatchObject({ month: '2025-06', queue: null, offeredSoFar: 24, zone: 'Europe/London' });
    expect(body.abandonRate.soFar).toEqual({ value: 4 / 24, numerator: 4, denominator: 24 });
    // Arrival rates: the data begins Mon 2 June, so Mondays and Tuesdays are 10 a day and every
    // other weekday 0 (seen once, no calls). Still to come: today (a Wednesday) 0; Mon 9, Tue 10,
    // Mon 16, Tue 17, Mon 23, Tue 24, Mon 30 June: 7 open days × 10 = 70.
    expect(body.expectedCalls).toBeCloseTo(70, 9);
    // Open days left on the service-desk calendar (Mon–Fri): 4–6, 9–13, 16–20, 23–27, 30 June = 19.
    expect(body.openDaysLeft).toBe(19);
    // Abandon budget at the default 17.5% target: floor(0.175 × (24 + 70)) − 4 = floor(16.45) − 4 = 12.
    expect(body.abandonBudget).toBe(12);
    // Central values are the month to date: answered 20 ÷ 24, abandoned 4 ÷ 24 = 16.7% (green: within 17.5%).
    expect(body.answerRate).toMatchObject({ central: 20 / 24, target: 0.825, status: 'green' });
    expect(body.abandonRate).toMatchObject({ central: 4 / 24, target: 0.175, status: 'green' });
    expect(body.abandonRate.low).toBeLessThan(4 / 24);
    expect(body.abandonRate.high).toBeGreaterThan(4 / 24);
    expect(body.coverage).toBe(0.8);
  });

  it('forecasts one queue, and a queue without calls has no figure', async () => {
    expect((await get('/api/v1/calls/forecast?queue=sales')).body).toMatchObject({ queue: 'sales', offeredSoFar: 24, abandonBudget: 12 });
    const other = await get('/api/v1/calls/forecast?queue=nobody&month=2025-06');
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({ offeredSoFar: 0, expectedCalls: 0, abandonBudget: 0, answerRate: { central: null, status: 'no_data' } });
  });

  it('gives a past month as its final figure', async () => {
    const { body } = await get('/api/v1/calls/forecast?month=2025-05');
    expect(body).toMatchObject({ month: '2025-05', offeredSoFar: 0, expectedCalls: 0, openDaysLeft: 0 });
  });

  it('rejects bad parameters with a 4xx naming the field', async () => {
    for (const [url, field] of [
      ['/api/v1/calls/forecast?month=2025-13', 'month'],
      ['/api/v1/calls/forecast?month=June', 'month'],
      ['/api/v1/calls/forecast?queue=a%00b', 'queue'],
    ] as const) {
      const { status, body } = await get(url);
      expect(status).toBe(400);
      expect(body.error.details.field).toBe(field);
    }
  });
});
