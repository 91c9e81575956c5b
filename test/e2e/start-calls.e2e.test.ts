import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDayKey } from '../../src/calendar/zone.ts';
import { startApp, waitFor, type StartedApp } from '../support/start-app.ts';

// `npm start` on a fresh data folder writes the demo contact-centre feed (a queue_log and an
// email-contacts CSV) into the calls drop folders; the drop job ingests them through the real
// feed path and the compute job stores the figures, so a fresh start shows call KPIs.

describe('npm start shows call KPIs from the demo feed', () => {
  let app: StartedApp;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    app = await startApp('attain-start-calls-');
    ({ dataDir, base } = app);
  });
  afterAll(async () => app?.stop());

  it('the monthly call figures equal a count of the demo queue_log', async () => {
    type Row = { period: string; offered: number; answered: number; figures: { answerRate: { status: string } } };
    const rows = await waitFor(
      'the demo calls to be ingested and computed',
      async () => {
        const res = await fetch(`${base}/api/v1/calls/kpis?grain=month`);
        if (res.status !== 200) return undefined;
        const body = (await res.json()) as { rows: Row[] };
        return body.rows.some((r) => r.offered > 0) ? body.rows : undefined;
      },
      150_000,
    );
    expect(app.output()).toContain('/api/v1/calls/kpis');

    // Independent count from the processed file: each ENTERQUEUE opens a visit (offered in the
    // local month of its time stamp), each CONNECT answers one.
    const processed = path.join(dataDir, 'drop', 'calls', 'processed');
    const file = (await readdir(processed)).find((f) => f.endsWith('.log'))!;
    const offered = new Map<string, number>();
    const answered = new Map<string, number>();
    const arrivals = new Map<string, number>();
    for await (const line of createInterface({ input: createReadStream(path.join(processed, file)) })) {
      const [time, callId, queue, , event] = line.split('|');
      const t = Number(time) * 1000;
      if (event === 'ENTERQUEUE') {
        arrivals.set(`${callId}|${queue}`, t);
        const m = localDayKey('Europe/London', t).slice(0, 7);
        offered.set(m, (offered.get(m) ?? 0) + 1);
      } else if (event === 'CONNECT') {
        const m = localDayKey('Europe/London', arrivals.get(`${callId}|${queue}`)!).slice(0, 7);
        answered.set(m, (answered.get(m) ?? 0) + 1);
      }
    }
    const got = rows.filter((r) => r.offered > 0);
    expect(new Map(got.map((r) => [r.period, r.offered]))).toEqual(offered);
    expect(new Map(got.map((r) => [r.period, r.answered]))).toEqual(answered);
    expect(got.every((r) => ['green', 'amber', 'red'].includes(r.figures.answerRate.status))).toBe(true);

    const now = await fetch(`${base}/api/v1/calls/now`);
    expect(now.status).toBe(200);
    const staffing = await fetch(`${base}/api/v1/calls/staffing?arrivals=100&aht=180`);
    expect(((await staffing.json()) as { agents: number }).agents).toBe(14);
  }, 180_000);
});
