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
  for (const job of jobs) {
    if (!job.cron) continue;
    tasks.push(
      cron.schedule(job.cron, async (c) => {
        try {
          await enqueue(job.name, slotId(job.name, c.date), {});
        } catch (e) {
          onError(e as Error);
        }
      }),
    );
  }
  return async () => {
    for (const t of tasks) await t.stop();
  };
}
