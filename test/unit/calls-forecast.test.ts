import { describe, expect, it } from 'vitest';
import { abandonBudget } from '../../src/calls/budget.ts';
import { dailyVariance, expectedCallsLeft, forecastCalls, measureAtMonthEnd, zFor, type DayCounts } from '../../src/calls/forecast.ts';
import { abandonRate, emptyCallCounts, type CallCounts } from '../../src/calls/kpis.ts';
import { addDays, weekdayOf } from '../../src/calendar/zone.ts';

// weekdayOf: 0 = Monday … 6 = Sunday.
/** A day's counts with only the fields the forecast reads set (every call ended, none short unless said). */
const day = (d: string, c: Partial<CallCounts>): DayCounts => ({ day: d, counts: { ...emptyCallCounts(), ...c } });
const Z80 = 1.2815516; // the standard normal's 90th percentile (tables)

describe('abandonBudget (the brief example)', () => {
  it('900 offered, 45 abandoned, target 8%, 300 more expected', () => {
    // floor(0.08 × (900 + 300)) − 45 = floor(96) − 45 = 51.
    expect(abandonBudget({ abandoned: 45, counted: 900, expectedCalls: 300, target: 0.08 })).toBe(51);
  });
});

describe('zFor', () => {
  it('gives the two-sided 80% z of the normal tables', () => {
    expect(zFor(0.8)).toBeCloseTo(Z80, 5);
    expect(zFor(0.95)).toBeCloseTo(1.959964, 5);
  });
});

describe('expectedCallsLeft', () => {
  // Mon 2 June 2025 … : weekdays 90 calls, weekends none, from Mon 19 May.
  const history: DayCounts[] = [];
  for (let d = '2025-05-19'; d < '2025-06-16'; d = addDays(d, 1)) history.push(day(d, { offered: weekdayOf(d) <= 4 ? 90 : 0 }));
  it('sums each remaining day at its weekday mean; today only what it still lacks', () => {
    // Today Mon 16 June with 30 in already: 90 − 30 = 60; then Tue 17 … Mon 30 June: 10 weekdays × 90 = 900
    // (weekends: 0 on each of the 4 Saturdays and Sundays seen). 60 + 900 = 960.
    const days = [...history, day('2025-06-16', { offered: 30 })];
    expect(expectedCallsLeft(days, '2025-06-16', '2025-06-30')).toBeCloseTo(960, 9);
    // A closed day (Fri 20 June a holiday) expects none: 960 − 90 = 870.
    expect(expectedCallsLeft(days, '2025-06-16', '2025-06-30', (d) => d !== '2025-06-20')).toBeCloseTo(870, 9);
  });
  it('expects nothing without history', () => {
    expect(expectedCallsLeft([], '2025-06-16', '2025-06-30')).toBe(0);
  });
});

describe('measureAtMonthEnd', () => {
  it('keeps the month-to-date rate as the central value and widens by binomial or daily drift', () => {
    const soFar = { value: 0.2, numerator: 8, denominator: 40 };
    // p = 0.2, m = 40 more: binomial 0.2 × 0.8 ÷ 40 = 0.004; drift 0.0075 ÷ 2 days = 0.00375 < 0.004.
    // sd = 40 × √0.004 ÷ (40 + 40) = 40 × 0.0632456 ÷ 80 = 0.0316228; ± 1.28155 × 0.0316228 = ± 0.0405266.
    const a = measureAtMonthEnd(soFar, 40, 2, 0.0075, Z80);
    expect(a.central).toBe(0.2);
    expect(a.low).toBeCloseTo(0.2 - 0.0405266, 6);
    expect(a.high).toBeCloseTo(0.2 + 0.0405266, 6);
    // One day left: drift 0.0075 ÷ 1 > 0.004: sd = 40 × √0.0075 ÷ 80 = 0.0433013; ± 0.0554929.
    const b = measureAtMonthEnd(soFar, 40, 1, 0.0075, Z80);
    expect(b.high! - b.central!).toBeCloseTo(0.0554929, 6);
    // Nothing more to come: the figure is final.
    expect(measureAtMonthEnd(soFar, 0, 0, 0.0075, Z80)).toEqual({ central: 0.2, low: 0.2, high: 0.2 });
    // Nothing counted: no forecast.
    expect(measureAtMonthEnd({ value: null, numerator: 0, denominator: 0 }, 40, 2, null, Z80)).toEqual({ central: null, low: null, high: null });
  });
});

describe('dailyVariance', () => {
  it('is the denominator-weighted variance of the daily rates, corrected for the sample', () => {
    // 1 of 10 (0.1), 3 of 10 (0.3), 4 of 20 (0.2): mean 8 ÷ 40 = 0.2;
    // Σ w (r − 0.2)² ÷ Σ w = (10 × 0.01 + 10 × 0.01 + 0) ÷ 40 = 0.005; × 3 ÷ 2 = 0.0075.
    const days = [day('2025-06-02', { offered: 10, abandoned: 1, answered: 9 }), day('2025-06-03', { offered: 10, abandoned: 3, answered: 7 }), day('2025-06-04', { offered: 20, abandoned: 4, answered: 16 })];
    expect(dailyVariance(days, abandonRate)).toBeCloseTo(0.0075, 12);
    // Two days are too few to read a drift from.
    expect(dailyVariance(days.slice(0, 2), abandonRate)).toBeNull();
  });
});

describe('forecastCalls', () => {
  // Weekdays from Mon 19 May to Fri 13 June 2025: 90 offered, 86 answered (72 within T), 4 abandoned.
  const days: DayCounts[] = [];
  for (let d = '2025-05-19'; d < '2025-06-16'; d = addDays(d, 1)) {
    if (weekdayOf(d) <= 4) days.push(day(d, { offered: 90, answered: 86, answeredWithinSl: 72, abandoned: 4 }));
  }
  // Today, Mon 16 June, 08:00 UTC: 30 offered, 29 answered (25 within T), 1 abandoned.
  days.push(day('2025-06-16', { offered: 30, answered: 29, answeredWithinSl: 25, abandoned: 1 }));
  const now = Date.parse('2025-06-16T08:00:00Z');
  const targets = { answerRate: 0.825, abandonRate: 0.08, serviceLevel: 0.8 };

  it('forecasts from the month so far and the calls still to come, with the abandon budget', () => {
    const f = forecastCalls(days, now, { zone: 'UTC', month: '2025-06', targets });
    // June so far: 10 weekdays (2–13 June) × 90 + 30 = 930 offered; 10 × 4 + 1 = 41 abandoned;
    // 10 × 86 + 29 = 889 answered; 10 × 72 + 25 = 745 within T.
    expect(f.offeredSoFar).toBe(930);
    expect(f.abandonRate.soFar).toEqual({ value: 41 / 930, numerator: 41, denominator: 930 });
    // Still to come: 90 − 30 today + 10 weekdays × 90 = 960 (every offered call counts: no short abandons).
    expect(f.expectedCalls).toBeCloseTo(960, 9);
    expect(f.abandonRate.expectedMore).toBeCloseTo(960, 9);
    // Open days left: 16 June to 30 June inclusive = 15 (no calendar given: every day open).
    expect(f.openDaysLeft).toBe(15);
    // Budget: floor(0.08 × (930 + 960)) − 41 = floor(151.2) − 41 = 151 − 41 = 110.
    expect(f.abandonBudget).toBe(110);
    // Central abandon rate = the month so far, 41 ÷ 930 = 0.0440860. Every window day has the same
    // rate (drift 0), so binomial: p(1 − p) = 0.0440860 × 0.9559140 = 0.0421424;
    // sd = √(960 × 0.0421424) ÷ (930 + 960) = √40.4567 ÷ 1890 = 6.36056 ÷ 1890 = 0.00336538;
    // ± 1.28155 × 0.00336538 = ± 0.00431290 → [0.0397731, 0.0483989].
    expect(f.abandonRate.central).toBeCloseTo(0.044086, 6);
    expect(f.abandonRate.low).toBeCloseTo(0.0397731, 6);
    expect(f.abandonRate.high).toBeCloseTo(0.0483989, 6);
    // Answer rate 889 ÷ 930 = 0.955914 ≥ 0.825: green; abandon 4.4% ≤ 8%: green;
    // service level 745 ÷ 930 = 0.801075 ≥ 0.8: green.
    expect(f.answerRate).toMatchObject({ central: 889 / 930, status: 'green', direction: 'up' });
    expect(f.abandonRate.status).toBe('green');
    expect(f.serviceLevel).toMatchObject({ central: 745 / 930, status: 'green', variant: 'offered' });
  });

  it('leaves short abandons out of the calls still to come in each rate', () => {
    // The same month with 93 of the 930 offered short abandons (one in ten): every rate's base is
    // 930 − 93 = 837 of 930 = 0.9 of the offered, so 960 × 0.9 = 864 more calls count.
    const withShort = days.map((d) => (d.day >= '2025-06-01' ? { day: d.day, counts: { ...d.counts, shortAbandoned: d.counts.offered / 10 } } : d));
    const f = forecastCalls(withShort, now, { zone: 'UTC', month: '2025-06', targets });
    expect(f.abandonRate.soFar.denominator).toBe(837);
    expect(f.abandonRate.expectedMore).toBeCloseTo(864, 9);
    // Budget: floor(0.08 × (837 + 864)) − 41 = floor(136.08) − 41 = 136 − 41 = 95.
    expect(f.abandonBudget).toBe(95);
  });

  it('gives a month already over as its final figure', () => {
    const f = forecastCalls(days, Date.parse('2025-07-02T08:00:00Z'), { zone: 'UTC', month: '2025-06', targets });
    expect(f.expectedCalls).toBe(0);
    expect(f.openDaysLeft).toBe(0);
    expect(f.abandonRate).toMatchObject({ central: 41 / 930, low: 41 / 930, high: 41 / 930 });
    // floor(0.08 × 930) − 41 = floor(74.4) − 41 = 33.
    expect(f.abandonBudget).toBe(33);
  });

  it('has no budget without an abandon target and no figure without calls', () => {
    const f = forecastCalls([], now, { zone: 'UTC', month: '2025-06', targets: { answerRate: null, abandonRate: null, serviceLevel: null } });
    expect(f.abandonBudget).toBeNull();
    expect(f.answerRate).toMatchObject({ central: null, status: 'no_data' });
  });
});
