import path from 'node:path';
import { z } from 'zod';
import { callsRules } from '../src/calls/rules.ts';
import { tailQueueLog } from '../src/feeds/calls/tail.ts';
import { defineJob } from './define.ts';

/**
 * Follows the live Asterisk queue_log named in the configuration (`calls.tail.path`), every
 * minute: new complete lines are ingested, the byte offset is stored, and the call figures of
 * the days touched are recomputed. Without `calls.tail` it does nothing.
 */
export const tailQueueLogJob = defineJob({
  name: 'tail-queue-log',
  payload: z.object({}).default({}),
  retries: 2,
  backoffMs: 5000,
  cron: '* * * * *',
  async run(ctx) {
    const rules = callsRules(ctx.config);
    const tail = rules.config.tail;
    if (!tail) return { configured: false };
    const file = path.resolve(ctx.env.dataDir, tail.path);
    const r = await tailQueueLog(ctx.db, { path: file, source: tail.source ?? rules.config.source, zone: rules.zone });
    for (const w of r.warnings) ctx.log(`tail-queue-log: ${w}`);
    if (r.status === 'missing') ctx.log(`tail-queue-log: ${file} does not exist (yet)`);
    const lines = r.steps.reduce((a, s) => a + s.lines, 0);
    if (lines > 0) {
      ctx.log(`tail-queue-log: ${lines} lines from ${file}${r.rotation ? ` (log ${r.rotation})` : ''}`);
      await ctx.enqueue('compute-calls', `compute-calls-after-tail-${r.steps[r.steps.length - 1]!.runId}`, { days: r.touchedDays });
    }
    return { configured: true, status: r.status, lines, rotation: r.rotation, runs: r.steps.map((s) => s.runId) };
  },
});
