import { describe, expect, it } from 'vitest';
import { abandonBudget } from '../../src/calls/budget.ts';
import { loadAppConfig } from '../../src/config/app-config.ts';
import { breachBudget, forecastAttainment, resolveChance } from '../../src/sla/forecast.ts';
import { forecastInputAsOf, ticketAsOf, type GroupedTicket } from '../../src/sla/forecast-input.ts';
import { slaRules } from '../../src/sla/rules.ts';

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

describe('forecastInputAsOf', () => {
  // Default configuration: calendar service-desk (Europe/London, Mon–Thu 08:40–17:00, Fri to
  // 16:30), standard users' targets critical 240 and normal 1260 business minutes.
  const rules = slaRules(loadAppConfig());
  const at = (iso: string) => Date.parse(iso);
  const ticket = (openedAt: string, priority: 'critical' | 'normal', resolvedAt: string | null): GroupedTicket => ({
    ticket: { kind: 'incident', priority, vip: false, openedAt: at(openedAt), resolvedAt: resolvedAt === null ? null : at(resolvedAt) },
    group: priority,
  });
  const tickets = [
    // A: Mon 3 March 09:00, critical, resolved 10:00: 60 business minutes, met in March.
    ticket('2025-03-03T09:00:00Z', 'critical', '2025-03-03T10:00:00Z'),
    // B: Tue 4 March 09:00, critical, never resolved: 240 minutes run out at 13:00 the same day: breached in March.
    ticket('2025-03-04T09:00:00Z', 'critical', null),
    // C: Fri 7 March 16:00, normal, open: 30 minutes counted by Friday's 16:30 close.
    ticket('2025-03-07T16:00:00Z', 'normal', null),
    // D: Thu 6 March 10:00, normal, resolved only on Tue 11th, after the forecast: open then, with
    // Thu 10:00–17:00 (420) + Fri 08:40–16:30 (470) = 890 minutes counted.
    ticket('2025-03-06T10:00:00Z', 'normal', '2025-03-11T10:00:00Z'),
    // E: opened after the forecast instant: not known yet.
    ticket('2025-03-12T10:00:00Z', 'critical', null),
  ];
  const asOf = at('2025-03-10T00:00:00Z'); // Mon 10 March 00:00 GMT
  const input = forecastInputAsOf(
    tickets.map((t) => ({ ...t, ticket: ticketAsOf(t.ticket, asOf) })),
    { asOf, periodStart: at('2025-03-01T00:00:00Z'), periodEnd: at('2025-03-31T23:00:00Z') /* 1 April 00:00 BST */, rules },
  );

  it('counts what has an outcome and the open clocks as they stood', () => {
    expect([input.met, input.breached]).toEqual([1, 1]);
    // Business minutes from Mon 10 to the end of Mon 31 March: three weeks of 4 × 500 + 470 =
    // 2,470 each, plus Monday 31st's 500 = 7,910 (no bank holiday in March 2025).
    expect(input.open).toEqual([
      { elapsedMinutes: 30, targetMinutes: 1260, minutesToPeriodEnd: 7910, group: 'normal' },
      { elapsedMinutes: 890, targetMinutes: 1260, minutesToPeriodEnd: 7910, group: 'normal' },
    ]);
    // Only A was resolved by then: 60 minutes, in its group and in the pool.
    expect(input.resolveMinutes.get('critical')).toEqual([60]);
    expect(input.resolveMinutes.get('*')).toEqual([60]);
  });

  it('expects arrivals at the rate of the same weekdays', () => {
    // Seen: Mon 3 – Sun 9 March, one arrival each on Mon (A), Tue (B), Thu (D), Fri (C).
    // Left: Mondays 10, 17, 24, 31; Tuesdays 11, 18, 25; Thursdays 13, 20, 27; Fridays 14, 21, 28 = 13.
    expect(input.arrivals.expected).toBeCloseTo(13, 12);
    // Of the last week's tickets judged by the 10th, A met and B breached: 1 of 2.
    expect(input.arrivals.metShare).toBe(0.5);
    expect(input.arrivals.judged).toBe(2);
    // No ticket is older than half the time left (11 days), so no share was measured: the even default.
    expect(input.arrivals.outcomeShare).toBe(0.5);
  });
});
