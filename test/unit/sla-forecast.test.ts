import { describe, expect, it } from 'vitest';
import { abandonBudget } from '../../src/calls/budget.ts';
import { breachBudget, forecastAttainment, resolveChance } from '../../src/sla/forecast.ts';

describe('breachBudget', () => {
  it('gives the breaches a month can still take at the goal', () => {
    // 180 met, 6 breached, goal 95%, 14 outcomes still expected: 200 in all, 95% of 200 = 190 must
    // be met; if x of the 14 breach, met = 180 + 14 − x = 194 − x ≥ 190 → x ≤ 4.
    expect(breachBudget({ met: 180, breached: 6, expectedOutcomes: 14, goal: 0.95 })).toBe(4);
    // One more breach already in: 180 met, 7 breached, 13 to come: 200 in all, met = 193 − x ≥ 190 → 3.
    expect(breachBudget({ met: 180, breached: 7, expectedOutcomes: 13, goal: 0.95 })).toBe(3);
    // 90 met, 10 breached, nothing to come, goal 95%: 90% already final; 90 − 95 = −5 (out of reach by 5 meets).
    expect(breachBudget({ met: 90, breached: 10, expectedOutcomes: 0, goal: 0.95 })).toBe(-5);
    // Non-integer limit rounds down: 50 met, 0 breached, 10 to come, goal 0.95: 60 − 57 = 3.
    expect(breachBudget({ met: 50, breached: 0, expectedOutcomes: 10, goal: 0.95 })).toBe(3);
  });
});

describe('abandonBudget', () => {
  it('gives the abandons a month can still take within the target', () => {
    // 1,000 counted calls with 120 abandoned, 500 more expected, target 17.5%:
    // 0.175 × 1,500 = 262.5 → at most 262 abandoned in all → 142 more.
    expect(abandonBudget({ abandoned: 120, counted: 1000, expectedCalls: 500, target: 0.175 })).toBe(142);
    // Already over: 200 of 1,000 with none to come at 10% → 100 − 200 = −100.
    expect(abandonBudget({ abandoned: 200, counted: 1000, expectedCalls: 0, target: 0.1 })).toBe(-100);
  });
});

describe('resolveChance', () => {
  // History of ten tickets resolving in 10, 20, …, 100 business minutes.
  const history = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
  it('conditions on the time already spent', () => {
    // Unresolved after 50: five took longer (60..100); of those 60 and 70 are done by 50 + 25 = 75:
    // (2 + 0.5) ÷ (5 + 1) = 2.5 / 6.
    expect(resolveChance(history, 50, 25)).toBeCloseTo(2.5 / 6, 12);
    // From the start, within 100: all ten: (10 + 0.5) ÷ (10 + 1).
    expect(resolveChance(history, 0, 100)).toBeCloseTo(10.5 / 11, 12);
    // Past every ticket in the history: nothing survived, nothing done: 0.5 ÷ 1.
    expect(resolveChance(history, 200, 60)).toBe(0.5);
    // No time left: no chance.
    expect(resolveChance(history, 50, 0)).toBe(0);
  });
});

describe('forecastAttainment', () => {
  const history = new Map([['*', [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]]]);

  it('is attainment so far when nothing more is to come', () => {
    const f = forecastAttainment({ met: 90, breached: 10, open: [], resolveMinutes: history, arrivals: { expected: 0, outcomeShare: 1, metShare: 1 } });
    // 90 ÷ 100, and every simulation gives the same.
    expect(f.central).toBeCloseTo(0.9, 12);
    expect(f.naive).toBeCloseTo(0.9, 12);
    expect(f.low).toBeCloseTo(0.9, 12);
    expect(f.high).toBeCloseTo(0.9, 12);
  });

  it('adds the open clocks and the arrivals by their expectations', () => {
    const f = forecastAttainment({
      met: 8,
      breached: 2,
      open: [
        // 50 elapsed of a 75-minute target, due before month end: meets with 2.5/6, else breaches in the period.
        { elapsedMinutes: 50, targetMinutes: 75, minutesToPeriodEnd: 1000, group: 'high' },
        // 0 elapsed of 100, but only 30 minutes to month end: meets in the period with
        // (3 + 0.5)/(10 + 1) = 3.5/11, otherwise has no outcome this period.
        { elapsedMinutes: 0, targetMinutes: 100, minutesToPeriodEnd: 30, group: 'high' },
      ],
      resolveMinutes: history,
      // 4 arrivals expected, half reach an outcome, 3 in 4 of those met: 1.5 met, 0.5 breached.
      arrivals: { expected: 4, outcomeShare: 0.5, metShare: 0.75 },
    });
    const met = 8 + 2.5 / 6 + 3.5 / 11 + 1.5;
    const breached = 2 + (1 - 2.5 / 6) + 0.5;
    expect(f.expectedMet).toBeCloseTo(met, 12);
    expect(f.expectedBreached).toBeCloseTo(breached, 12);
    expect(f.central).toBeCloseTo(met / (met + breached), 12);
    expect(f.naive).toBeCloseTo(0.8, 12);
    expect(f.low!).toBeLessThanOrEqual(f.central!);
    expect(f.high!).toBeGreaterThanOrEqual(f.central!);
  });

  it('repeats exactly for the same seed', () => {
    const input = {
      met: 100, breached: 5,
      open: Array.from({ length: 30 }, (_, i) => ({ elapsedMinutes: i * 3, targetMinutes: 120, minutesToPeriodEnd: 2000, group: 'x' })),
      resolveMinutes: history,
      arrivals: { expected: 40, outcomeShare: 0.8, metShare: 0.9 },
    };
    expect(forecastAttainment(input, { seed: 7 })).toEqual(forecastAttainment(input, { seed: 7 }));
  });
});
