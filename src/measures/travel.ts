import type { Direction } from './catalogue.ts';

export type Travel = 'improving' | 'steady' | 'worsening';
export type TravelFigure = { period: string; earlier: number | null; travel: Travel | null };

/** Within this share of the earlier value a measure is steady (METRICS.md §7: 1%). */
export const STEADY_WITHIN = 0.01;

/**
 * Direction of travel (METRICS.md §7): improving, steady or worsening against an earlier value by
 * the measure's direction; steady within 1% of the earlier value (an earlier 0 is steady only at
 * 0). Null without both values.
 */
export function directionOfTravel(value: number | null, earlier: number | null, direction: Direction, steadyWithin = STEADY_WITHIN): Travel | null {
  if (value === null || earlier === null) return null;
  // Inclusive, with a hair for floating point (0.808 against 0.8 is exactly 1%).
  if (Math.abs(value - earlier) <= steadyWithin * Math.abs(earlier) + 1e-12 * Math.max(1, Math.abs(earlier))) return 'steady';
  return (value > earlier) === (direction === 'up') ? 'improving' : 'worsening';
}
