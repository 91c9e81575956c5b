import { civilFromDays, dayNumberToDayKey, localDayNumber } from '../calendar/zone.ts';
import type { SlaOutcome } from './evaluate.ts';
import { goalFor, type Goal } from './policy.ts';

/** A ticket with its evaluated state, as attainment needs it (instants in epoch ms). */
export type AttainmentTicket = {
  kind: string;
  team: string | null;
  priority: string;
  openedAt: number;
  resolvedAt: number | null;
  outcome: SlaOutcome;
  outcomeAt: number | null;
  breachedAt: number | null;
};

export type AttainmentCounts = {
  met: number;
  breached: number;
  received: number;
  resolved: number;
  noTarget: number;
  /** Resolved in the period with a target, and of those met: the `basis=resolved` figures. */
  resolvedWithTarget: number;
  resolvedMet: number;
};
export const emptyCounts = (): AttainmentCounts => ({ met: 0, breached: 0, received: 0, resolved: 0, noTarget: 0, resolvedWithTarget: 0, resolvedMet: 0 });
export type Basis = 'outcome' | 'resolved';
export type Grain = 'day' | 'month';
export type Dims = Record<string, string>;

/** The slices stored for each period: every combination of these dimensions, "all" included. */
export const sliceDimensions = ['kind', 'team', 'priority'] as const;
type SliceDim = (typeof sliceDimensions)[number];
const subsets: SliceDim[][] = Array.from({ length: 1 << sliceDimensions.length }, (_, mask) =>
  sliceDimensions.filter((_, i) => mask & (1 << i)),
);

/** Canonical text of a slice: sorted `key=value` pairs joined by `&`; "" is all tickets. */
export function dimKey(dims: Dims): string {
  return Object.keys(dims)
    .sort()
    .map((k) => `${k}=${dims[k]}`)
    .join('&');
}

export const NO_TEAM = '(none)';

/**
 * Accumulates attainment counts per local day and month and per slice (METRICS.md §2,
 * "Attainment over a period and a slice"): met by `outcomeAt`, breached by `breachedAt`
 * (resolved or not), received by opening, resolved by resolution, noTarget by opening.
 * Only periods inside `months` (YYYY-MM) are kept, so a recompute can be limited to them.
 */
export function createAttainmentAccumulator(zone: string, months?: ReadonlySet<string>) {
  // Periods are integers inside the loop (day number, year × 12 + month − 1): integer-keyed maps
  // are several times faster than string-keyed ones; rows() turns them back into text.
  type SliceCells = { dims: Dims; day: Map<number, AttainmentCounts>; month: Map<number, AttainmentCounts> };
  const slicesByKey = new Map<string, SliceCells>();
  // A desk has few (kind, team, priority) combinations: resolve each one's slices once.
  const slicesByCombination = new Map<string, SliceCells[]>();
  // Local day of an instant, memoised per quarter hour (zone offsets change on quarter hours at most).
  const dayOfQuarter = new Map<number, number>();
  const monthIndex = (dayNumber: number) => {
    const [y, m] = civilFromDays(dayNumber);
    return y * 12 + m - 1;
  };
  const monthText = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  const wanted = months ? new Set([...months].map((m) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1)) : undefined;

  function localDay(instant: number) {
    const q = Math.floor(instant / 900_000);
    let day = dayOfQuarter.get(q);
    if (day === undefined) {
      day = localDayNumber(zone, instant);
      if (dayOfQuarter.size > 500_000) dayOfQuarter.clear();
      dayOfQuarter.set(q, day);
    }
    return day;
  }

  function slicesOf(t: AttainmentTicket): SliceCells[] {
    const team = t.team ?? NO_TEAM;
    const combination = `${t.kind}\u0000${team}\u0000${t.priority}`;
    let slices = slicesByCombination.get(combination);
    if (!slices) {
      const values: Record<SliceDim, string> = { kind: t.kind, team, priority: t.priority };
      slices = subsets.map((subset) => {
        const dims: Dims = {};
        for (const d of subset) dims[d] = values[d];
        const key = dimKey(dims);
        let cells = slicesByKey.get(key);
        if (!cells) slicesByKey.set(key, (cells = { dims, day: new Map(), month: new Map() }));
        return cells;
      });
      slicesByCombination.set(combination, slices);
    }
    return slices;
  }

  function countsIn(cells: Map<number, AttainmentCounts>, period: number) {
    let c = cells.get(period);
    if (!c) cells.set(period, (c = emptyCounts()));
    return c;
  }

  function bump(instant: number | null, field: keyof AttainmentCounts, slices: SliceCells[]) {
    if (instant === null) return;
    const day = localDay(instant);
    const month = monthIndex(day);
    if (wanted && !wanted.has(month)) return;
    for (const slice of slices) {
      countsIn(slice.day, day)[field] += 1;
      countsIn(slice.month, month)[field] += 1;
    }
  }

  return {
    add(t: AttainmentTicket) {
      const slices = slicesOf(t);
      bump(t.openedAt, 'received', slices);
      bump(t.resolvedAt, 'resolved', slices);
      if (t.outcome === 'met') bump(t.outcomeAt, 'met', slices);
      if (t.outcome === 'breached') bump(t.breachedAt, 'breached', slices);
      if (t.outcome === 'no_target') bump(t.openedAt, 'noTarget', slices);
      if (t.resolvedAt !== null && t.outcome !== 'no_target') {
        bump(t.resolvedAt, 'resolvedWithTarget', slices);
        if (t.outcome === 'met') bump(t.resolvedAt, 'resolvedMet', slices);
      }
    },
    rows(): { grain: Grain; period: string; dims: Dims; counts: AttainmentCounts }[] {
      const out: { grain: Grain; period: string; dims: Dims; counts: AttainmentCounts }[] = [];
      for (const s of slicesByKey.values()) {
        for (const [period, counts] of s.day) out.push({ grain: 'day', period: dayNumberToDayKey(period), dims: s.dims, counts });
        for (const [period, counts] of s.month) out.push({ grain: 'month', period: monthText(period), dims: s.dims, counts });
      }
      return out;
    },
  };
}

export type AttainmentStatus = 'green' | 'amber' | 'red' | 'no_data';

/**
 * `outcome` basis: met / (met + breached), by outcome instant; `resolved` basis: of the tickets
 * resolved in the period that have a target, the share met. Null when the denominator is 0.
 */
export function attainmentOf(c: AttainmentCounts, basis: Basis = 'outcome'): number | null {
  const [num, den] = basis === 'outcome' ? [c.met, c.met + c.breached] : [c.resolvedMet, c.resolvedWithTarget];
  return den === 0 ? null : num / den;
}

/**
 * RAG against the goal (METRICS.md §5): green when it meets the goal, amber when it misses by no
 * more than the tolerance (default 5% of the goal), red beyond.
 */
export function statusOf(attainment: number | null, goal: number | null, toleranceFraction = 0.05): AttainmentStatus {
  if (attainment === null || goal === null) return 'no_data';
  if (attainment >= goal) return 'green';
  return attainment >= goal * (1 - toleranceFraction) ? 'amber' : 'red';
}

/** First local day of a day or month period. */
export function periodStart(period: string): string {
  return period.length === 7 ? `${period}-01` : period;
}

/** An API row: the stored counts with the derived ratio, goal and status. */
export function attainmentRow(period: string, dims: Dims, counts: AttainmentCounts, goals: readonly Goal[], basis: Basis = 'outcome') {
  const attainment = attainmentOf(counts, basis);
  const goal = goalFor(goals, periodStart(period));
  return { period, ...dims, ...counts, attainment, goal, status: statusOf(attainment, goal) };
}
