import { beatJobSlot, claimJobSlot, finishJobRun, finishJobSlot, recordJobRuns, startJobRun, type JobRunRow } from '../src/store/job-slots.ts';
import { databaseReason, isDatabaseUnreachable } from '../src/store/pg-errors.ts';
import type { JobContext } from './context.ts';
import type { JobDefinition } from './define.ts';
import { processOwner, startHeartbeat } from './liveness.ts';

/** A payload that fails validation fails for good: retrying cannot fix it. */
export class InvalidPayloadError extends Error {
  override name = 'InvalidPayloadError';
}

/**
 * Writes this process could not make because the database was unreachable: an attempt's row, the
 * end of an attempt or of a slot. Made, in order, by the next attempt that reaches the database
 * (README "Faults": lost if this process ends first).
 */
const unrecorded: ((ctx: JobContext) => Promise<void>)[] = [];

async function flushUnrecorded(ctx: JobContext): Promise<void> {
  // Taken off the list before the write, so two attempts flushing at once never write one twice.
  for (let next = unrecorded.shift(); next; next = unrecorded.shift()) {
    try {
      await next(ctx);
    } catch (e) {
      unrecorded.unshift(next);
      throw e;
    }
  }
}

/** Runs a write now, or keeps it for later when the database is unreachable. */
async function writeOrKeep(ctx: JobContext, write: (ctx: JobContext) => Promise<void>): Promise<void> {
  try {
    await write(ctx);
  } catch (e) {
    if (!isDatabaseUnreachable(e)) throw e;
    unrecorded.push(write);
  }
}

/** Wait before the next attempt when the database is unreachable: doubling from `dbRetryBaseMs` up to `dbRetryMaxMs`. */
export function databaseBackoffMs(ctx: JobContext, waitsSoFar: number): number {
  const { dbRetryBaseMs, dbRetryMaxMs } = ctx.config.jobs;
  return Math.min(dbRetryMaxMs, dbRetryBaseMs * 2 ** Math.min(waitsSoFar, 30));
}

/**
 * Runs one attempt of a job and records it in `job_runs` (job, slot, status, duration, error).
 * The attempt first claims its slot in `job_slots`: a slot already done, or still running on a
 * live holder (a BullMQ lock lost while Redis was frozen), is not run again — the attempt is
 * recorded as `skipped` and returns the slot's result.
 */
export async function runRecorded(
  ctx: JobContext,
  job: JobDefinition<any>,
  rawPayload: unknown,
  meta: { slot: string; runner: 'inline' | 'bullmq'; attempt: number },
): Promise<unknown> {
  const started = new Date();
  const base = { job: job.name, slot: meta.slot, runner: meta.runner, attempt: meta.attempt, startedAt: started };
  let runId: number;
  try {
    await flushUnrecorded(ctx);
    runId = await startJobRun(ctx.db, { ...base, status: 'running' });
  } catch (e) {
    if (isDatabaseUnreachable(e)) {
      const row: JobRunRow = { ...base, status: 'failed', finishedAt: new Date(), durationMs: Date.now() - started.getTime(), error: `database unreachable: ${databaseReason(e)}` };
      unrecorded.push((c) => recordJobRuns(c.db, [row]));
    }
    throw e;
  }
  const finish = async (status: 'succeeded' | 'failed' | 'skipped', extra: { error?: string; result?: unknown }) => {
    const end = { status, finishedAt: new Date(), durationMs: Date.now() - started.getTime(), error: extra.error ?? null, result: extra.result ?? null };
    await writeOrKeep(ctx, (c) => finishJobRun(c.db, runId, end));
  };

  const { staleAfterSeconds, heartbeatSeconds } = ctx.config.jobs;
  let claim;
  try {
    claim = await claimJobSlot(ctx.db, { job: job.name, slot: meta.slot, owner: processOwner, attempt: meta.attempt, staleSeconds: staleAfterSeconds });
  } catch (e) {
    await finish('failed', { error: isDatabaseUnreachable(e) ? `database unreachable: ${databaseReason(e)}` : (e as Error).message });
    throw e;
  }
  if (!claim.owned) {
    const h = claim.holder;
    const why =
      h.status === 'succeeded'
        ? `slot ${meta.slot} already succeeded (attempt ${h.attempt}, finished ${h.finishedAt?.toISOString()}); not run again`
        : `slot ${meta.slot} still running (attempt ${h.attempt} on ${h.owner}, heartbeat ${h.heartbeatAt.toISOString()}); not run twice`;
    ctx.log(`${job.name}: ${why}`);
    await finish('skipped', { result: { skipped: why, slotResult: h.result ?? null } });
    return h.result ?? null;
  }
  const slotId = claim.id;
  const stop = startHeartbeat(() => beatJobSlot(ctx.db, slotId, processOwner), heartbeatSeconds * 1000, (e) => ctx.log(`${job.name} ${meta.slot}: heartbeat: ${e.message}`));
  let result: unknown;
  try {
    const parsed = job.payload.safeParse(rawPayload ?? {});
    if (!parsed.success) throw new InvalidPayloadError(`payload of ${job.name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    result = await job.run(ctx, parsed.data);
  } catch (e) {
    stop();
    await writeOrKeep(ctx, (c) => finishJobSlot(c.db, slotId, processOwner, 'failed'));
    await finish('failed', { error: isDatabaseUnreachable(e) ? `database unreachable: ${databaseReason(e)}` : (e as Error).message });
    throw e;
  }
  stop();
  await writeOrKeep(ctx, (c) => finishJobSlot(c.db, slotId, processOwner, 'succeeded', result));
  await finish('succeeded', { result });
  return result;
}
