import { z } from 'zod';
import { evaluateStaleTickets } from '../src/services/sla-compute.ts';
import { defineJob } from './define.ts';

/** The compute's business logic lives in src/services/sla-compute.ts; kept here for its callers. */
export { evaluateStaleTickets };

export const computeSlaJob = defineJob({
  name: 'compute-sla',
  payload: z.object({}).default({}),
  retries: 3,
  backoffMs: 2000,
  cron: '*/5 * * * *',
  async run(ctx) {
    const now = ctx.now();
    const { evaluated, written, months } = await evaluateStaleTickets(ctx.db, ctx.config, now);
    if (evaluated > 0) ctx.log(`compute-sla: evaluated ${evaluated} tickets, ${written} changed; figures moved in ${months.length ? months.join(', ') : 'no month'}`);
    return { evaluated, months };
  },
});
