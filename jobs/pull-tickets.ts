import { z } from 'zod';
import { runTicketPull } from '../src/feeds/tickets/pull.ts';
import { ticketFeedsOf } from '../src/feeds/tickets/mapped-feed.ts';
import { defineJob } from './define.ts';

/**
 * Runs the configured API pulls (`ticketFeeds.pulls`; one, when the payload names it), each from
 * its saved cursor, then queues the SLA compute when anything changed. A failed pull fails the
 * job so the runner retries it; its committed pages and cursor stay.
 */
export const pullTicketsJob = defineJob({
  name: 'pull-tickets',
  payload: z.object({ name: z.string().optional() }).default({}),
  retries: 2,
  backoffMs: 30_000,
  cron: '*/5 * * * *',
  async run(ctx, payload) {
    const pulls = ticketFeedsOf(ctx.config).pulls.filter((p) => !payload.name || p.name === payload.name);
    if (payload.name && pulls.length === 0) throw new Error(`no configured pull named "${payload.name}"`);
    const results = [];
    for (const pull of pulls) results.push(await runTicketPull(pull, { db: ctx.db, config: ctx.config, env: process.env, log: ctx.log }));
    const changed = results.filter((r) => r.inserted + r.updated > 0);
    if (changed.length > 0) await ctx.enqueue('compute-sla', `compute-sla-after-pull-${changed[0]!.runId}`, {});
    return { pulls: results.map(({ name, runId, pages, records, inserted, updated, rejected }) => ({ name, runId, pages, records, inserted, updated, rejected })) };
  },
});
