/**
 * The one RAG rule (METRICS.md §5): a value against a target with an amber band that is a
 * fraction of the target. SLA attainment, availability, call figures and catalogue measures all
 * rate through it, so a change to the rule (equal meets, the band's width) happens once.
 */
export const directions = ['up', 'down'] as const;
/** `up`: higher is better (answer rate); `down`: lower is better (wait). */
export type Direction = (typeof directions)[number];
export type Rag = 'green' | 'amber' | 'red';

/** Green meets the target (equal meets); amber misses it by no more than `tolerance` × |target|; red beyond. */
export function ragOf(value: number, target: number, direction: Direction, tolerance: number): Rag {
  const band = Math.abs(target) * tolerance;
  if (direction === 'up') return value >= target ? 'green' : value >= target - band ? 'amber' : 'red';
  return value <= target ? 'green' : value <= target + band ? 'amber' : 'red';
}
