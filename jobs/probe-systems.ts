import { z } from 'zod';
import { probeDueSystems } from '../src/services/outages.ts';
import { defineJob } from './define.ts';

/**
 * Checks every due system and opens or closes its probe outage (METRICS.md §4: N consecutive
 * failures are an outage from the first failure to the first success after it); the rule is
 * `src/availability/probe-outage.ts`, the work `src/services/outages.ts`.
 */
export const probeSystemsJob = defineJob({
  name: 'probe-systems',
  payload: z.object({}).default({}),
  retries: 0, // the next minute's run is the retry
  backoffMs: 1000,
  cron: '* * * * *',
  async run(ctx) {
    const results = await probeDueSystems(ctx.db, ctx.now());
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
