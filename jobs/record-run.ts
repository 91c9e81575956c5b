import { eq, sql } from 'drizzle-orm';
import { jobRuns } from '../db/schema.ts';
import type { JobContext } from './context.ts';
import type { JobDefinition } from './define.ts';

/** A payload that fails validation fails for good: retrying cannot fix it. */
export class InvalidPayloadError extends Error {
  override name = 'InvalidPayloadError';
}

/** Runs one attempt of a job and records it in `job_runs` (job, slot, status, duration, error). */
export async function runRecorded(
  ctx: JobContext,
  job: JobDefinition<any>,
  rawPayload: unknown,
  meta: { slot: string; runner: 'inline' | 'bullmq'; attempt: number },
): Promise<unknown> {
  const started = Date.now();
  const [run] = await ctx.db
    .insert(jobRuns)
    .values({ job: job.name, slot: meta.slot, runner: meta.runner, attempt: meta.attempt, status: 'running', startedAt: new Date(started) })
    .returning({ id: jobRuns.id });
  const finish = (status: 'succeeded' | 'failed', extra: { error?: string; result?: unknown }) =>
    ctx.db
      .update(jobRuns)
      .set({ status, finishedAt: sql`now()`, durationMs: Date.now() - started, error: extra.error ?? null, result: extra.result ?? null })
      .where(eq(jobRuns.id, run!.id));
  try {
    const parsed = job.payload.safeParse(rawPayload ?? {});
    if (!parsed.success) throw new InvalidPayloadError(`payload of ${job.name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const result = await job.run(ctx, parsed.data);
    await finish('succeeded', { result });
    return result;
  } catch (e) {
    await finish('failed', { error: (e as Error).message });
    throw e;
  }
}
