import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { computeCalls } from '../../jobs/compute-calls.ts';
import { callsRules } from '../../src/calls/rules.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestCallFile } from '../../src/feeds/calls/ingest-file.ts';
import { listRejectedRows } from '../../src/store/ingest-runs.ts';
import { createApp } from '../../src/http/app.ts';
import { backends } from '../support/services.ts';

// The real "Anonymous Bank" calls (../shared/data/SOURCES.md), written as the generic calls CSV
// the way an export tool would (arrival = queue entry, or VRU exit for a call served straight
// from the VRU; answered = ser_start), must give the same month as the bank preset. The VRU
// records a call's exit a second after the agent picked up (whole-second clocks of two
// systems), so thousands of rows are answered before they "arrive": within the 5 s tolerance
// they go in, counted in one warning (issue 17: 85.1% instead of 91.5% when they were refused).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bankFile = path.resolve(root, '../shared/data/anonymous-bank-call-centre-1999/calls_1999-08-01_to_15.csv.gz');

const config = appConfigSchema.parse({
  calendars: [
    { id: 'service-desk', zone: 'Europe/London', weekly: { mon: ['08:40-17:00'] } },
    { id: 'bank', zone: 'Asia/Jerusalem', weekly: { sun: ['07:00-24:00'], mon: ['07:00-24:00'], tue: ['07:00-24:00'], wed: ['07:00-24:00'], thu: ['07:00-24:00'], fri: ['07:00-14:00'], sat: ['20:00-24:00'] } },
  ],
  calls: { calendarId: 'bank' },
});

/**
 * The bank's rows as a generic calls CSV, with an independent count of the rows answered before
 * they arrive: up to 5 s (`skewed`) and more (`beyond`, by a VRU clock further off).
 */
function writeGeneric(dir: string) {
  const [header, ...lines] = gunzipSync(readFileSync(bankFile)).toString('utf8').trim().split('\n');
  const names = header!.split(',');
  const secs = (t: string) => t.split(':').reduce((a, x) => a * 60 + Number(x), 0);
  const out = ['call_id,queue,arrived_at,answered_at,ended_at,outcome,wait_seconds,talk_seconds,agent'];
  let skewed = 0;
  let beyond = 0;
  for (const line of lines) {
    const f = Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v]));
    const queued = Number(f.q_time) > 0 || f.q_start !== '0:00:00';
    if (f.outcome === 'PHANTOM' || (!queued && f.outcome !== 'AGENT')) continue;
    const arrival = queued ? f.q_start! : f.vru_exit!;
    // The arrival is on the next day when its clock time is before the VRU entry (as the
    // preset reads it); the other times on whichever day puts them nearest the arrival.
    const arrivalSec = secs(arrival) + (secs(arrival) < secs(f.vru_entry!) ? 86_400 : 0);
    const near = (t: string) => [secs(t), secs(t) + 86_400].reduce((a, b) => (Math.abs(b - arrivalSec) < Math.abs(a - arrivalSec) ? b : a));
    const local = (sec: number) => {
      const d = new Date(`${f.date}T00:00:00Z`);
      d.setUTCSeconds(sec);
      return d.toISOString().slice(0, 19).replace('T', ' ');
    };
    const answered = f.outcome === 'AGENT';
    // 5 answered rows have no service times (ser_start 0:00:00, ser_time 0): answered_at left
    // empty, the answer read from the wait.
    const timed = answered && (f.ser_start !== '0:00:00' || Number(f.ser_time) > 0);
    if (timed) {
      const early = arrivalSec - near(f.ser_start!);
      if (early > 5) beyond += 1;
      else if (early > 0) skewed += 1;
    }
    out.push(
      [
        `${f['vru+line']}-${f.call_id}`,
        f.type,
        local(arrivalSec),
        timed ? local(near(f.ser_start!)) : '',
        answered ? '' : local(Math.max(arrivalSec, near(f.q_exit!))),
        answered ? 'answered' : 'abandoned',
        // The bank's own wait: q_time, 0 for a call served straight from the VRU.
        queued ? f.q_time : '0',
        answered ? f.ser_time : '',
        answered && f.server !== 'NO_SERVER' ? f.server : '',
      ].join(','),
    );
  }
  const file = path.join(dir, 'bank-generic.csv');
  writeFileSync(file, `${out.join('\n')}\n`);
  return { file, rows: out.length - 1, skewed, beyond };
}

async function monthOf(handle: DbHandle) {
  await computeCalls(handle.db, callsRules(config), new Date('1999-09-01T00:00:00Z'));
  const app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => new Date('1999-09-01T00:00:00Z') });
  const res = await app.request('/api/v1/calls/kpis?grain=month&from=1999-08&to=1999-08');
  const m = ((await res.json()) as any).rows[0];
  return { offered: m.offered, answered: m.answered, abandoned: m.abandoned, short: m.shortAbandoned, answerRate: m.figures.answerRate.value, avgWait: m.figures.avgWait.value };
}

describe.each(backends.filter((b) => b.available))('the bank as a generic calls CSV, on $name', (backend) => {
  let viaPreset: DbHandle;
  let viaGeneric: DbHandle;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'attain-bank-generic-'));
    viaPreset = await backend.open();
    viaGeneric = await backend.open();
  }, 180_000);
  afterAll(async () => {
    await Promise.all([viaPreset?.close(), viaGeneric?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('goes in with one counted warning for the skewed rows and gives the preset figures', async () => {
    const g = writeGeneric(dir);
    // 23,668 rows less 199 PHANTOM and 1,835 VRU-only hang-ups = 21,634 visits (calls-real-data).
    expect(g.rows).toBe(21_634);
    // Counted above from the raw rows: 2,833 answered 1–5 s before arriving, 4 by 6–9 s.
    expect([g.skewed, g.beyond]).toEqual([2_833, 4]);
    const skewWarning = (skewed: number, seconds: number) =>
      expect.stringMatching(new RegExp(`^${skewed} calls answered up to ${seconds} s before they arrived \\(the clocks of two systems; first on line \\d+\\): read as answered on arrival, the wait from wait_seconds or 0$`));

    // The default tolerance (5 s): the 4 rows further off are refused, naming answered_at.
    const strict = await ingestCallFile(viaGeneric.db, g.file, 'csv', { source: 'bank', zone: 'Asia/Jerusalem' });
    expect(strict).toMatchObject({ status: 'succeeded', rowsRead: 21_634, inserted: 21_630, rejected: 4 });
    expect(strict.warnings.filter((w) => /answered up to/.test(w))).toEqual([skewWarning(2_833, 5)]);
    const refused = await listRejectedRows(viaGeneric.db, strict.runId);
    expect(refused.map((r) => [r.field, r.reason.replace(/\d s before/, 'N s before')])).toEqual(
      Array(4).fill(['answered_at', 'answered_at: answered_at is N s before arrived_at (more than the 5 s allowed for clock skew)']),
    );

    // With the tolerance the bank's VRU needs (configuration: calls.clockSkewSeconds = 10), the
    // same file again: the 4 go in, the 21,630 already there are unchanged.
    const preset = await ingestCallFile(viaPreset.db, bankFile, 'anonymous-bank', { source: 'bank', zone: 'Asia/Jerusalem' });
    expect(preset).toMatchObject({ status: 'succeeded', inserted: 21_634, rejected: 0 });
    const generic = await ingestCallFile(viaGeneric.db, g.file, 'csv', { source: 'bank', zone: 'Asia/Jerusalem', clockSkewSeconds: 10 });
    // Read = inserted + unchanged + rejected: every row in, none refused.
    expect(generic).toMatchObject({ status: 'succeeded', rowsRead: 21_634, inserted: 4, unchanged: 21_630, rejected: 0 });
    expect(generic.warnings.filter((w) => /answered up to/.test(w))).toEqual([skewWarning(2_833 + 4, 10)]);

    const [a, b] = await Promise.all([monthOf(viaPreset), monthOf(viaGeneric)]);
    expect(b).toEqual(a);
    // By hand from the figures above: answer rate = answered / (offered − short abandons) =
    // 15,888 / (21,634 − 159) = 0.73984. (The 91.5% vs 85.1% came from its own export
    // of the file; the point is the same: refusing the skewed rows would take 2,833 answered
    // calls out, 13,055 / 18,642 = 0.70031.)
    expect(a).toMatchObject({ offered: 21_634, answered: 15_888, short: 159 });
    expect(a.answerRate).toBeCloseTo(15_888 / (21_634 - 159), 12);
  }, 180_000);
});
