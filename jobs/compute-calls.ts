import { z } from 'zod';
import { callsRules } from '../src/calls/rules.ts';
import { computeCalls } from '../src/services/compute-calls.ts';
import { defineJob } from './define.ts';

export { computeCalls, recomputeCallDays, recomputeEmailDays } from '../src/services/compute-calls.ts';

export const computeCallsJob = defineJob({
  name: 'compute-calls',
  payload: z.object({ days: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).optional() }).default({}),
  retries: 3,
  backoffMs: 2000,
  cron: '*/5 * * * *',
  async run(ctx, payload) {
    const r = await computeCalls(ctx.db, callsRules(ctx.config), ctx.now(), payload.days ?? []);
    if (r.callDays.length + r.emailDays.length > 0) ctx.log(`compute-calls: recomputed ${r.callDays.length} call days and ${r.emailDays.length} email days (${r.rows} figures)`);
    return { callDays: r.callDays.length, emailDays: r.emailDays.length, rows: r.rows };
  },
});
