import { z } from 'zod';
import { evaluateStaleTickets } from '../src/services/compute-sla.ts';
import { defineJob } from './define.ts';

export { evaluateStaleTickets } from '../src/services/compute-sla.ts';

export const computeSlaJob = defineJob({
  name: 'compute-sla',
  payload: z.object({}).default({}),
  retries: 3,
  backoffMs: 2000,
  cron: '*/5 * * * *',
  async run(ctx) {
    const now = ctx.now();
    const { evaluated, months } = await evaluateStaleTickets(ctx.db, ctx.config, now);
    if (evaluated > 0) ctx.log(`compute-sla: evaluated ${evaluated} tickets; figures moved in ${months.length ? months.join(', ') : 'no month'}`);
    return { evaluated, months };
  },
});
