import cron, { type ScheduledTask } from 'node-cron';
import type { JobDefinition } from './define.ts';
import { slotId } from './define.ts';

export type Enqueue = (job: string, slot: string, payload?: unknown) => Promise<void>;

/**
 * The schedule only enqueues: each cron tick names its slot from the scheduled instant, so any
 * number of schedulers produce the same job id for the same slot.
 */
export function startSchedule(jobs: Iterable<JobDefinition<any>>, enqueue: Enqueue, onError: (e: Error) => void): () => Promise<void> {
  const tasks: ScheduledTask[] = [];
  const inFlight = new Set<Promise<void>>();
  for (const job of jobs) {
    if (!job.cron) continue;
    tasks.push(
      cron.schedule(job.cron, async (c) => {
        const p = Promise.resolve()
          .then(() => enqueue(job.name, slotId(job.name, c.date), {}))
          .catch((e: unknown) => onError(e as Error));
        inFlight.add(p);
        await p;
        inFlight.delete(p);
      }, job.timezone ? { timezone: job.timezone } : undefined),
    );
  }
  // Stopping waits for enqueues already under way, so the producer can be closed right after.
  // destroy() also drops the task from node-cron's process-wide registry.
  return async () => {
    for (const t of tasks) await t.destroy();
    await Promise.all(inFlight);
  };
}
