import { describe, expect, it } from 'vitest';
import {
  combineSystems,
  compactSamples,
  localPeriods,
  probeGaps,
  probeOutages,
  statusOf,
  systemAvailability,
  targetFor,
  type OutageEvidence,
  type ProbeEvidence,
  type SystemEvidence,
} from '../../src/availability/compute.ts';
import { intersect, measureByPeriod, normalize, subtract, union } from '../../src/availability/intervals.ts';
import { compileCalendar, getDefaultCalendar, localToUtc } from '../../src/calendar/index.ts';

const MIN = 60_000;
const LON = 'Europe/London';
/** London wall time → UTC ms. */
const lon = (y: number, mo: number, d: number, h: number, mi = 0): number => localToUtc(LON, y, mo, d, h * 60 + mi);
const serviceDesk = compileCalendar(getDefaultCalendar('service-desk')!);
const minutes = (ms: number | null) => (ms === null ? null : ms / MIN);
const later = Date.parse('2026-01-01T00:00:00Z');

const unplanned = (start: number, end: number | null): OutageEvidence => ({ start, end, kind: 'unplanned' });
const planned = (start: number, end: number | null): OutageEvidence => ({ start, end, kind: 'planned' });
const days = (from: string, to: string) => localPeriods(LON, 'day', from, to);
const month = (m: string) => localPeriods(LON, 'month', m, m);

describe('interval arithmetic', () => {
  it('normalises, unites, intersects and subtracts', () => {
    expect(normalize([[5, 7], [1, 3], [3, 4], [6, 9], [10, 10]])).toEqual([[1, 4], [5, 9]]);
    expect(union([[1, 2]], [[2, 3], [5, 6]])).toEqual([[1, 3], [5, 6]]);
    expect(intersect([[0, 10], [20, 30]], [[5, 25]])).toEqual([[5, 10], [20, 25]]);
    expect(subtract([[0, 10], [20, 30]], [[2, 3], [5, 22], [29, 40]])).toEqual([[0, 2], [3, 5], [22, 29]]);
    expect(subtract([[0, 10]], [])).toEqual([[0, 10]]);
    expect(subtract([[0, 10]], [[0, 10]])).toEqual([]);
    // [0,10) and [15,25) over periods [0,5) [5,20) [20,30): 5, 5+5, 5
    expect(measureByPeriod([[0, 10], [15, 25]], [0, 5, 20, 30])).toEqual([5, 10, 5]);
  });
});

describe('probe samples → runs, outages and gaps (METRICS.md §4)', () => {
  const t0 = Date.parse('2025-03-05T08:00:00Z');
  const at = (i: number) => t0 + i * MIN;
  it('compacts equal samples into runs and splits at a gap over 3 intervals', () => {
    // ok 0..4, fail 5, ok 6..7, fail 8..9, ok 10, then next sample at 14 (4 min later: a gap)
    const oks = [1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 1];
    const samples = oks.map((ok, i) => ({ at: at(i), ok: ok === 1 })).concat([{ at: at(14), ok: true }]);
    const runs = compactSamples(samples, MIN);
    expect(runs).toEqual([
      { from: at(0), to: at(4), ok: true, count: 5 },
      { from: at(5), to: at(5), ok: false, count: 1 },
      { from: at(6), to: at(7), ok: true, count: 2 },
      { from: at(8), to: at(9), ok: false, count: 2 },
      { from: at(10), to: at(10), ok: true, count: 1 },
      { from: at(14), to: at(14), ok: true, count: 1 },
    ]);
    // The single failure at 5 is under the threshold of 2; the two at 8, 9 are an outage to the success at 10.
    expect(probeOutages(runs, 2)).toEqual([{ start: at(8), end: at(10), kind: 'unplanned', fromProbe: true }]);
    // With a threshold of 1 the single failure counts too, 5 → 6.
    expect(probeOutages(runs, 1)).toHaveLength(2);
    // Gap 10 → 14 (4 intervals > 3): unknown from 11 (a sample vouches for its interval) to 14.
    const probe: ProbeEvidence = { intervalMs: MIN, failuresBeforeDown: 2, runs, previousSampleAt: null };
    expect(probeGaps(probe, at(16))).toEqual([[at(11), at(14)]]);
    // Up to 20: last sample 14, 6 min > 3 → unknown 15 → 20 as well.
    expect(probeGaps(probe, at(20))).toEqual([[at(11), at(14)], [at(15), at(20)]]);
  });
  it('keeps an outage open until a success follows', () => {
    const runs = compactSamples([0, 1, 2].map((i) => ({ at: at(i), ok: i === 0 })), MIN);
    expect(probeOutages(runs, 2)).toEqual([{ start: at(1), end: null, kind: 'unplanned', fromProbe: true }]);
  });
});

describe('systemAvailability, hand-computed (service-desk calendar, METRICS.md §4)', () => {
  it('an outage across the end of core hours and a weekend', () => {
    // Unplanned Fri 14 Mar 2025 16:00 → Mon 17 Mar 09:40 (GMT).
    // Fri core 08:40–16:30 = 470, down 16:00–16:30 = 30; Sat/Sun closed; Mon core 500, down 08:40–09:40 = 60.
    const ev: SystemEvidence = { calendar: serviceDesk, outages: [unplanned(lon(2025, 3, 14, 16), lon(2025, 3, 17, 9, 40))] };
    const d = systemAvailability(ev, days('2025-03-14', '2025-03-17'), later);
    expect(d.map((r) => [r.period, minutes(r.coreMs), minutes(r.downMs), r.outages])).toEqual([
      ['2025-03-14', 470, 30, 1],
      ['2025-03-15', 0, 0, 0],
      ['2025-03-16', 0, 0, 0],
      ['2025-03-17', 500, 60, 1],
    ]);
    expect(d[0]!.availability).toBeCloseTo(440 / 470, 12);
    expect(d[1]!.availability).toBeNull();
    // Restored on Monday: its whole core downtime 30 + 60 = 90 minutes is the time to restore.
    expect([d[3]!.restored, minutes(d[3]!.mttrMs)]).toEqual([1, 90]);
    expect(d[0]!.restored).toBe(0);

    // March 2025: Mon–Thu 17 days × 500 = 8500, Fri 4 × 470 = 1880 → core 10380; down 90.
    const [m] = systemAvailability(ev, month('2025-03'), later);
    expect([minutes(m!.coreMs), minutes(m!.downMs), m!.outages, m!.restored, minutes(m!.mttrMs)]).toEqual([10380, 90, 1, 1, 90]);
    expect(m!.availability).toBeCloseTo(10290 / 10380, 12); // 0.99133
    expect(m!.coverage).toBe(1);
  });

  it('planned maintenance inside an unplanned outage', () => {
    // Tue 4 Mar 2025: unplanned 09:00–12:00 (180), planned 10:00–11:00 (60) inside it.
    // core 500, planned 60, down 180 − 60 = 120, eligible 440, up 320.
    const ev: SystemEvidence = {
      calendar: serviceDesk,
      outages: [unplanned(lon(2025, 3, 4, 9), lon(2025, 3, 4, 12)), planned(lon(2025, 3, 4, 10), lon(2025, 3, 4, 11))],
    };
    const [d] = systemAvailability(ev, days('2025-03-04', '2025-03-04'), later);
    expect([minutes(d!.coreMs), minutes(d!.plannedMs), minutes(d!.downMs), minutes(d!.eligibleMs), minutes(d!.upMs)]).toEqual([500, 60, 120, 440, 320]);
    expect(d!.availability).toBeCloseTo(320 / 440, 12);
    expect([d!.outages, minutes(d!.mttrMs)]).toEqual([1, 120]);
  });

  it('a probe gap is unknown unless an outage record covers it', () => {
    // Wed 5 Mar 2025 (GMT), interval 60 s: samples every minute 08:00–10:00 ok, none until 10:30,
    // then every minute 10:30–17:30, failing at 14:00, 14:01, 14:02 (an outage 14:00 → 14:03, 3 min)
    // and at 15:00 alone (one failure < 2: no outage).
    const samples: Array<{ at: number; ok: boolean }> = [];
    for (let t = lon(2025, 3, 5, 8); t <= lon(2025, 3, 5, 17, 30); t += MIN) {
      if (t > lon(2025, 3, 5, 10) && t < lon(2025, 3, 5, 10, 30)) continue;
      const fail = (t >= lon(2025, 3, 5, 14) && t <= lon(2025, 3, 5, 14, 2)) || t === lon(2025, 3, 5, 15);
      samples.push({ at: t, ok: !fail });
    }
    const probe: ProbeEvidence = { intervalMs: MIN, failuresBeforeDown: 2, runs: compactSamples(samples, MIN), previousSampleAt: null };
    // Gap 10:00 → 10:30 (30 min > 3): unknown 10:01–10:30 = 29. Down 3. core 500.
    const [a] = systemAvailability({ calendar: serviceDesk, outages: [], probe }, days('2025-03-05', '2025-03-05'), later);
    expect([minutes(a!.coreMs), minutes(a!.unknownMs), minutes(a!.downMs), minutes(a!.eligibleMs)]).toEqual([500, 29, 3, 471]);
    expect(a!.availability).toBeCloseTo(468 / 471, 12);
    expect(a!.coverage).toBeCloseTo(471 / 500, 12);
    expect(a!.outages).toBe(1);

    // A manual unplanned record 10:10–10:20 inside the gap is evidence: unknown 29 − 10 = 19, down 3 + 10 = 13.
    const withRecord = systemAvailability(
      { calendar: serviceDesk, outages: [unplanned(lon(2025, 3, 5, 10, 10), lon(2025, 3, 5, 10, 20))], probe },
      days('2025-03-05', '2025-03-05'),
      later,
    )[0]!;
    expect([minutes(withRecord.unknownMs), minutes(withRecord.downMs), minutes(withRecord.eligibleMs)]).toEqual([19, 13, 481]);
    expect(withRecord.availability).toBeCloseTo(468 / 481, 12);
    expect(withRecord.outages).toBe(2);
    // The probe's own outage record (as the probe job stores it) is not evidence for a gap.
    const withProbeRecord = systemAvailability(
      { calendar: serviceDesk, outages: [{ ...unplanned(lon(2025, 3, 5, 10, 10), lon(2025, 3, 5, 10, 20)), fromProbe: true }], probe },
      days('2025-03-05', '2025-03-05'),
      later,
    )[0]!;
    expect(minutes(withProbeRecord.unknownMs)).toBe(29);

    // Probe stops at 17:30 and `now` is Thu 6 Mar 12:00: Thursday's core 08:40–12:00 (200) is all unknown.
    const [thu] = systemAvailability({ calendar: serviceDesk, outages: [], probe }, days('2025-03-06', '2025-03-06'), lon(2025, 3, 6, 12));
    expect([minutes(thu!.coreMs), minutes(thu!.unknownMs), thu!.availability, thu!.coverage]).toEqual([200, 200, null, 0]);
  });

  it('a month with holidays, with status against 95%', () => {
    // April 2025: Good Friday 18th and Easter Monday 21st closed.
    // Mon 7, 14, 28 (3) + Tue 5 + Wed 5 + Thu 4 = 17 × 500 = 8500; Fri 4, 11, 25 = 3 × 470 = 1410 → core 9910.
    // An outage on Easter Monday 09:00–12:00 is outside core; Tue 22nd down all day: 500.
    const ev: SystemEvidence = {
      calendar: serviceDesk,
      outages: [unplanned(lon(2025, 4, 21, 9), lon(2025, 4, 21, 12)), unplanned(lon(2025, 4, 22, 8), lon(2025, 4, 22, 18))],
    };
    const [m] = systemAvailability(ev, month('2025-04'), later);
    expect([minutes(m!.coreMs), minutes(m!.downMs), m!.outages]).toEqual([9910, 500, 1]);
    expect(m!.availability).toBeCloseTo(9410 / 9910, 12); // 0.94955: under 95% by less than 5% of it
    expect(statusOf(m!.availability, 0.95)).toBe('amber');
  });

  it('counts the current month only up to now, and an open outage up to now', () => {
    // now Wed 5 Mar 2025 12:00; open outage since Tue 4 Mar 16:00.
    // core so far: Mon 3 500 + Tue 4 500 + Wed 08:40–12:00 200 = 1200; down Tue 60 + Wed 200 = 260.
    const now = lon(2025, 3, 5, 12);
    const [m] = systemAvailability({ calendar: serviceDesk, outages: [unplanned(lon(2025, 3, 4, 16), null)] }, month('2025-03'), now);
    expect([minutes(m!.coreMs), minutes(m!.downMs), m!.outages, m!.restored, m!.mttrMs]).toEqual([1200, 260, 1, 0, null]);
  });
});

describe('all systems and targets (METRICS.md §4–5)', () => {
  it("weights Σ up / Σ eligible and counts systems at target for March 2025", () => {
    const march = month('2025-03');
    // core 10380 each (see above).
    const a = systemAvailability({ calendar: serviceDesk, outages: [unplanned(lon(2025, 3, 14, 16), lon(2025, 3, 17, 9, 40))] }, march, later)[0]!;
    // B: planned 60, down 120 → eligible 10320, up 10200 (0.98837).
    const b = systemAvailability(
      { calendar: serviceDesk, outages: [unplanned(lon(2025, 3, 4, 9), lon(2025, 3, 4, 12)), planned(lon(2025, 3, 4, 10), lon(2025, 3, 4, 11))] },
      march,
      later,
    )[0]!;
    // C: down Mon 3 – Wed 5 Mar, 3 × 500 = 1500 → up 8880 (0.85549, red).
    const c = systemAvailability({ calendar: serviceDesk, outages: [unplanned(lon(2025, 3, 3, 0), lon(2025, 3, 6, 0))] }, march, later)[0]!;
    expect([a, b, c].map((f) => minutes(f.upMs))).toEqual([10290, 10200, 8880]);
    expect([a, b, c].map((f) => statusOf(f.availability, 0.95))).toEqual(['green', 'green', 'red']);
    const all = combineSystems('2025-03', [
      { weight: 1, target: 0.95, figures: a },
      { weight: 1, target: 0.95, figures: b },
      { weight: 2, target: 0.95, figures: c },
    ]);
    // Σ up = 10290 + 10200 + 2 × 8880 = 38250; Σ eligible = 10380 + 10320 + 2 × 10380 = 41460 → 0.92259
    expect(all.availability).toBeCloseTo(38250 / 41460, 12);
    expect([all.systems, all.systemsWithData, all.systemsAtTarget]).toEqual([3, 3, 2]);
    expect(statusOf(all.availability, 0.95)).toBe('amber'); // ≥ 0.9025
  });
  it('takes the target in force on the period start', () => {
    const targets = [
      { effectiveFrom: '1970-01-01', target: 0.95 },
      { effectiveFrom: '2025-04-01', target: 0.97 },
    ];
    expect([targetFor(targets, '2025-03'), targetFor(targets, '2025-04'), targetFor(targets, '2025-03-31')]).toEqual([0.95, 0.97, 0.95]);
    expect(statusOf(null, 0.95)).toBe('no_data');
  });
});
