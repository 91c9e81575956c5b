import { z } from 'zod';
import { dayKeySchema } from '../src/calendar/dates.ts';
import { callsRules } from '../src/calls/rules.ts';
import { computeCalls } from '../src/services/compute-calls.ts';
import { defineJob } from './define.ts';

// The work lives in the service; kept importable from here for existing callers.
export { computeCalls, recomputeCallDays, recomputeEmailDays } from '../src/services/compute-calls.ts';

export const computeCallsJob = defineJob({
  name: 'compute-calls',
  payload: z.object({ days: z.array(dayKeySchema).optional() }).default({}),
  retries: 3,
  backoffMs: 2000,
  cron: '*/5 * * * *',
  async run(ctx, payload) {
    const r = await computeCalls(ctx.db, callsRules(ctx.config), ctx.now(), payload.days ?? []);
    if (r.callDays.length + r.emailDays.length > 0) ctx.log(`compute-calls: recomputed ${r.callDays.length} call days and ${r.emailDays.length} email days (${r.rows} figures)`);
    return { callDays: r.callDays.length, emailDays: r.emailDays.length, rows: r.rows };
  },
});
