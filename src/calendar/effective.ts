/**
 * Effective dating (METRICS.md §2, §5): policies, goals, targets and measures change on a local
 * date and the version in force on a date is the latest one that started on or before it. One
 * rule for every effective-dated list.
 */

/** The version in force on a local date `YYYY-MM-DD` (versions in any order), or undefined. */
export function versionInForce<T extends { effectiveFrom: string }>(versions: readonly T[], localDate: string): T | undefined {
  let best: T | undefined;
  for (const v of versions) {
    if (v.effectiveFrom <= localDate && (!best || v.effectiveFrom > best.effectiveFrom)) best = v;
  }
  return best;
}
