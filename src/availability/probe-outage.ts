/**
 * When a probe outage opens and closes (METRICS.md §4), as a pure rule over the system's latest
 * probe runs: the probe job records a sample, then applies the change this returns.
 */
import { probeOutages, type ProbeRun } from './compute.ts';

export type ProbeOutageChange = { kind: 'open'; start: number } | { kind: 'close'; end: number } | null;

/**
 * `runs` reach back to the start of any failing stretch. A stretch of `failuresBeforeDown`
 * failures still failing opens an outage from its first failure, unless one is open already; an
 * open outage closes at the first success after its stretch, or `now` when the runs no longer
 * show a failing stretch at all (samples cleared, the threshold raised).
 */
export function probeOutageChange(runs: ReadonlyArray<ProbeRun>, failuresBeforeDown: number, hasOpenOutage: boolean, now: number): ProbeOutageChange {
  const derived = probeOutages(runs, failuresBeforeDown).at(-1);
  if (derived && derived.end === null && !hasOpenOutage) return { kind: 'open', start: derived.start };
  if (hasOpenOutage && (!derived || derived.end !== null)) return { kind: 'close', end: derived?.end ?? now };
  return null;
}
