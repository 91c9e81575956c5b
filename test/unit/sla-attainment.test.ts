import { describe, expect, it } from 'vitest';
import { attainmentOf, statusOf } from '../../src/sla/attainment.ts';


describe('statusOf (METRICS.md §5: amber within 5% of the goal)', () => {
  it('green at the goal, amber down to 95% of it, red below', () => {
    expect(statusOf(0.95, 0.95)).toBe('green');
    expect(statusOf(0.91, 0.95)).toBe('amber'); // 0.95 × 0.95 = 0.9025 ≤ 0.91
    expect(statusOf(0.9, 0.95)).toBe('red');
    expect(statusOf(null, 0.95)).toBe('no_data');
  });
});

describe('attainmentOf', () => {
  const counts = { met: 4, breached: 3, received: 7, resolved: 7, noTarget: 1, resolvedWithTarget: 6, resolvedMet: 4 };
  it('outcome basis: met / (met + breached)', () => expect(attainmentOf(counts)).toBeCloseTo(4 / 7, 12));
  it('resolved basis: resolved met / resolved with a target', () => expect(attainmentOf(counts, 'resolved')).toBeCloseTo(4 / 6, 12));
  it('is null when nothing was met or breached', () => expect(attainmentOf({ ...counts, met: 0, breached: 0 })).toBeNull());
});
