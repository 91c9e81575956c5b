import { describe, expect, it } from 'vitest';
import { attainmentOf, createAttainmentAccumulator, dimKey, statusOf, type AttainmentTicket } from '../../src/sla/attainment.ts';

const zone = 'Europe/London';
const at = (iso: string) => Date.parse(iso);
const t = (x: Partial<AttainmentTicket> & Pick<AttainmentTicket, 'openedAt' | 'outcome'>): AttainmentTicket => ({
  kind: 'incident',
  team: 'Network',
  priority: 'normal',
  resolvedAt: null,
  outcomeAt: null,
  breachedAt: null,
  ...x,
});

describe('attainment accumulator (METRICS.md §2)', () => {
  const acc = createAttainmentAccumulator(zone);
  // Met in March; breached in March still open; breached 31 March 23:30 BST = 22:30Z (March, not April);
  // met in April after opening in March; no target.
  acc.add(t({ openedAt: at('2025-03-03T09:00:00Z'), resolvedAt: at('2025-03-04T10:00:00Z'), outcome: 'met', outcomeAt: at('2025-03-04T10:00:00Z') }));
  acc.add(t({ openedAt: at('2025-03-10T09:00:00Z'), outcome: 'breached', breachedAt: at('2025-03-12T12:00:00Z'), outcomeAt: at('2025-03-12T12:00:00Z') }));
  acc.add(t({ team: 'Server', openedAt: at('2025-03-31T08:00:00Z'), outcome: 'breached', breachedAt: at('2025-03-31T22:30:00Z'), outcomeAt: at('2025-03-31T22:30:00Z') }));
  acc.add(t({ team: 'Server', openedAt: at('2025-03-28T09:00:00Z'), resolvedAt: at('2025-04-01T09:00:00Z'), outcome: 'met', outcomeAt: at('2025-04-01T09:00:00Z') }));
  acc.add(t({ priority: 'long_term', openedAt: at('2025-03-05T09:00:00Z'), resolvedAt: at('2025-03-06T09:00:00Z'), outcome: 'no_target' }));
  const cell = (grain: string, period: string, dims: Record<string, string>) =>
    acc.rows().find((r) => r.grain === grain && r.period === period && dimKey(r.dims) === dimKey(dims))?.counts;

  it('counts met by outcome instant and breached by breach instant, open or not', () => {
    // March, all: met 1 (4 Mar), breached 2 (12 Mar, 31 Mar local) → 1/3; received 5: all five opened in March.
    expect(cell('month', '2025-03', {})).toMatchObject({ met: 1, breached: 2, received: 5, resolved: 2, noTarget: 1 });
    expect(attainmentOf(cell('month', '2025-03', {})!)).toBeCloseTo(1 / 3, 10);
    // April: the ticket met on 1 April; resolved 1.
    expect(cell('month', '2025-04', {})).toMatchObject({ met: 1, breached: 0, received: 0, resolved: 1 });
  });

  it('keeps every slice combination', () => {
    expect(cell('month', '2025-03', { team: 'Server' })).toMatchObject({ met: 0, breached: 1 });
    expect(cell('month', '2025-03', { team: 'Network', priority: 'normal', kind: 'incident' })).toMatchObject({ met: 1, breached: 1 });
    expect(cell('day', '2025-03-31', { team: 'Server' })).toMatchObject({ breached: 1, received: 1 });
  });

  it('resolved basis: of tickets resolved in the period with a target, the share met', () => {
    // March: resolved with target = 1 (the 4 Mar one, met); the no-target one is left out.
    expect(cell('month', '2025-03', {})).toMatchObject({ resolvedWithTarget: 1, resolvedMet: 1 });
    expect(attainmentOf(cell('month', '2025-03', {})!, 'resolved')).toBe(1);
  });

  it('limits output to the months asked for', () => {
    const only = createAttainmentAccumulator(zone, new Set(['2025-04']));
    only.add(t({ openedAt: at('2025-03-28T09:00:00Z'), resolvedAt: at('2025-04-01T09:00:00Z'), outcome: 'met', outcomeAt: at('2025-04-01T09:00:00Z') }));
    expect(only.rows().every((r) => r.period.startsWith('2025-04'))).toBe(true);
  });
});

describe('statusOf (METRICS.md §5: amber within 5% of the goal)', () => {
  it('green at the goal, amber down to 95% of it, red below', () => {
    expect(statusOf(0.95, 0.95)).toBe('green');
    expect(statusOf(0.91, 0.95)).toBe('amber'); // 0.95 × 0.95 = 0.9025 ≤ 0.91
    expect(statusOf(0.9, 0.95)).toBe('red');
    expect(statusOf(null, 0.95)).toBe('no_data');
  });
});
