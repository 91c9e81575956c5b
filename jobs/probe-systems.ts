import { z } from 'zod';
import { probeOutages } from '../src/availability/compute.ts';
import { runProbe } from '../src/feeds/probes/check.ts';
import { latestProbeRuns, lastSampleTimes, listSystems, openProbeOutage, recordProbeSample, insertOutage, updateOutage } from '../src/store/availability.ts';
import { defineJob } from './define.ts';

/** A system is due when its interval has passed, less this slack (the minute tick drifts a little). */
const SLACK_MS = 10_000;

/**
 * Checks every due system at once, each within its own timeout, records the samples compactly
 * and opens or closes the system's probe outage (METRICS.md §4: N consecutive failures are an
 * outage from the first failure to the first success after it). One slow or failing probe never
 * holds up another: they run concurrently and each settles on its own.
 */
export const probeSystemsJob = defineJob({
  name: 'probe-systems',
  payload: z.object({}).default({}),
  retries: 0, // the next minute's run is the retry
  backoffMs: 1000,
  cron: '* * * * *',
  async run(ctx) {
    const at = ctx.now();
    const probed = (await listSystems(ctx.db)).filter((s) => s.probe);
    const last = await lastSampleTimes(ctx.db);
    const due = probed.filter((s) => {
      const l = last.get(s.id);
      return !l || at.getTime() - l.getTime() >= s.intervalSeconds * 1000 - Math.min(SLACK_MS, (s.intervalSeconds * 1000) / 2);
    });
    const settled = await Promise.allSettled(
      due.map(async (s) => {
        const r = await runProbe(s.probe!);
        const intervalMs = s.intervalSeconds * 1000;
        await recordProbeSample(ctx.db, s.id, { at, ok: r.ok, detail: r.detail }, intervalMs);
        // Enough recent runs to reach back to the start of any failing stretch.
        const derived = probeOutages(await latestProbeRuns(ctx.db, s.id, 20), s.failuresBeforeDown).at(-1);
        const open = await openProbeOutage(ctx.db, s.id);
        let change: 'opened' | 'closed' | null = null;
        if (derived && derived.end === null && !open) {
          await insertOutage(ctx.db, { systemId: s.id, startAt: new Date(derived.start), endAt: null, kind: 'unplanned', source: 'probe', reason: `probe: ${r.detail}` });
          change = 'opened';
        } else if (open && (!derived || derived.end !== null)) {
          await updateOutage(ctx.db, open.id, { endAt: derived?.end != null ? new Date(derived.end) : at });
          change = 'closed';
        }
        return { system: s.name, ok: r.ok, detail: r.detail, ms: r.ms, change };
      }),
    );
    const results = settled.map((x, i) =>
      x.status === 'fulfilled' ? x.value : { system: due[i]!.name, ok: false, detail: `not recorded: ${(x.reason as Error).message}`, ms: 0, change: null },
    );
    for (const r of results) if (r.change) ctx.log(`probe-systems: ${r.system} outage ${r.change} (${r.detail})`);
    return {
      probed: results.length,
      failed: results.filter((r) => !r.ok).length,
      opened: results.filter((r) => r.change === 'opened').length,
      closed: results.filter((r) => r.change === 'closed').length,
      results,
    };
  },
});
