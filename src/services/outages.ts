/** Probe verbs (METRICS.md §4): check the due systems, record samples, open or close probe outages. */
import type { Db } from '../../db/client.ts';
import { probeOutageChange } from '../availability/probe-outage.ts';
import { runProbe } from '../feeds/probes/check.ts';
import { insertOutage, lastSampleTimes, latestProbeRuns, listSystems, openProbeOutage, recordProbeSample, updateOutage, type SystemRow } from '../store/availability.ts';

/** A system is due when its interval has passed, less this slack (the minute tick drifts a little). */
const SLACK_MS = 10_000;
/** Enough recent runs to reach back to the start of any failing stretch. */
const RUNS_LOOKBACK = 20;

export type OutageChange = 'opened' | 'closed' | null;
export type ProbeResult = { system: string; ok: boolean; detail: string; ms: number; change: OutageChange };

/** Opens or closes the system's probe outage from its latest probe runs; says which it did. */
export async function openOrCloseOutage(db: Db, system: Pick<SystemRow, 'id' | 'failuresBeforeDown'>, at: Date, detail: string): Promise<OutageChange> {
  const open = await openProbeOutage(db, system.id);
  const change = probeOutageChange(await latestProbeRuns(db, system.id, RUNS_LOOKBACK), system.failuresBeforeDown, open !== undefined, at.getTime());
  if (change?.kind === 'open') {
    await insertOutage(db, { systemId: system.id, startAt: new Date(change.start), endAt: null, kind: 'unplanned', source: 'probe', reason: `probe: ${detail}` });
    return 'opened';
  }
  if (change?.kind === 'close' && open) {
    await updateOutage(db, open.id, { endAt: new Date(change.end) });
    return 'closed';
  }
  return null;
}

/**
 * Checks every due system at once, each within its own timeout, records the samples compactly
 * and opens or closes the system's probe outage. One slow or failing probe never holds up
 * another: they run concurrently and each settles on its own.
 */
export async function probeDueSystems(db: Db, at: Date): Promise<ProbeResult[]> {
  const probed = (await listSystems(db)).filter((s) => s.probe);
  const last = await lastSampleTimes(db);
  const due = probed.filter((s) => {
    const l = last.get(s.id);
    return !l || at.getTime() - l.getTime() >= s.intervalSeconds * 1000 - Math.min(SLACK_MS, (s.intervalSeconds * 1000) / 2);
  });
  const settled = await Promise.allSettled(
    due.map(async (s): Promise<ProbeResult> => {
      const r = await runProbe(s.probe!);
      await recordProbeSample(db, s.id, { at, ok: r.ok, detail: r.detail }, s.intervalSeconds * 1000);
      const change = await openOrCloseOutage(db, s, at, r.detail);
      return { system: s.name, ok: r.ok, detail: r.detail, ms: r.ms, change };
    }),
  );
  return settled.map((x, i) =>
    x.status === 'fulfilled' ? x.value : { system: due[i]!.name, ok: false, detail: `not recorded: ${(x.reason as Error).message}`, ms: 0, change: null },
  );
}
