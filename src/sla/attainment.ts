import { ragOf } from '../measures/status.ts';

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
export type Basis = 'outcome' | 'resolved';
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
  return ragOf(attainment, goal, 'up', toleranceFraction);
}
