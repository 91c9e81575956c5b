import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { createApp } from '../../src/http/app.ts';
import { backends } from '../support/services.ts';

// Default calendar service-desk (Europe/London, GMT in March until the 30th; Mon–Thu 08:40–17:00
// = 500 min, Fri 08:40–16:30 = 470 min); standard users' targets critical 240, normal 1260.
const csv = `id,kind,priority,vip,team,opened_at,resolved_at,status
A,incident,critical,no,Network,2025-03-03T09:00:00Z,2025-03-03T10:00:00Z,Resolved
B,incident,critical,no,Network,2025-03-04T09:00:00Z,,In Progress
C,incident,normal,no,Server,2025-03-07T16:00:00Z,,In Progress
D,incident,normal,no,Network,2025-03-06T10:00:00Z,2025-03-11T10:00:00Z,Resolved
E,incident,critical,no,Network,2025-03-12T10:00:00Z,,In Progress
`;
// As the month stood at Mon 10 March 00:00 GMT ("now"):
// A met (60 minutes); B breached at Tue 4th 13:00 (240 minutes run out); C open, 30 of 1,260
// counted (Fri 16:00–16:30); D open (its resolution on the 11th not yet seen), 420 + 470 = 890
// counted; E not yet opened. Business minutes left in March: 3 × (4 × 500 + 470) + Mon 31st 500 = 7,910.
// Times to resolve known then: A's 60 only (group `normal` has none: the pool [60] is used).
//   C meets with (1 resolved in (30, 1260] + 0.5) / (1 still open after 30 + 1) = 0.75, else breaches this month.
//   D meets with (0 + 0.5) / (0 + 1) = 0.5, else breaches this month.
// Arrivals: one each on Mon 3, Tue 4, Thu 6, Fri 7 seen over Mon 3–Sun 9; left in March 4 Mondays,
//   3 Tuesdays, 3 Thursdays, 3 Fridays = 13 expected; met share of the week's judged tickets 1/2
//   (A met, B breached); no ticket old enough to measure the share reaching an outcome: 1/2.
//   → 13 × 1/2 × 1/2 = 3.25 met and 3.25 breached.
// Expected met 1 + 0.75 + 0.5 + 3.25 = 5.5, breached 1 + 0.25 + 0.5 + 3.25 = 5; forecast 5.5 / 10.5.
// Outcomes still to come: 5.5 + 5 − 2 = 8.5. Budget at goal 95%: (1 + 8.5) − 0.95 × (1 + 1 + 8.5)
// = 9.5 − 9.975 = −0.475 → −1: out of reach even if every one is met.
const now = new Date('2025-03-10T00:00:00Z');
const config = appConfigSchema.parse({});

describe.each(backends.filter((b) => b.available))('GET /api/v1/sla/forecast on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  let dir: string;

  beforeAll(async () => {
    handle = await backend.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-forecast-'));
    const file = path.join(dir, 'tickets.csv');
    await writeFile(file, csv);
    const run = await ingestTicketFile(handle.db, file, { source: 'generic', zone: 'Europe/London', kinds: config.kinds });
    expect(run).toMatchObject({ status: 'succeeded', inserted: 5, rejected: 0 });
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now });
  });
  afterAll(async () => {
    await handle?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('forecasts the month and gives its breach budget, by hand', async () => {
    const res = await app.request('/api/v1/sla/forecast?month=2025-03');
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ month: '2025-03', asOf: now.toISOString(), met: 1, breached: 1, open: 2, goal: 0.95, breachBudget: -1 });
    expect(body.expectedOutcomes).toBeCloseTo(8.5, 9);
    expect(body.expectedArrivals).toBeCloseTo(13, 9);
    expect(body.attainmentSoFar).toBeCloseTo(0.5, 12);
    expect(body.forecast.central).toBeCloseTo(5.5 / 10.5, 12);
    expect(body.forecast.low).toBeLessThanOrEqual(body.forecast.central);
    expect(body.forecast.high).toBeGreaterThanOrEqual(body.forecast.central);
  });

  it('narrows to a team', async () => {
    // Server: only C. Nothing judged in the slice, so no forecast yet; C is open.
    const body = (await (await app.request('/api/v1/sla/forecast?month=2025-03&team=Server')).json()) as any;
    expect(body).toMatchObject({ met: 0, breached: 0, open: 1, slice: { team: 'Server' } });
  });

  it('answers a bad month with a 400 naming the field', async () => {
    const res = await app.request('/api/v1/sla/forecast?month=2025-13');
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.details.field).toBe('month');
  });
});
