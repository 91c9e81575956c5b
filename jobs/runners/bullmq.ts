import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobContext } from '../context.ts';
import { InvalidPayloadError, runRecorded } from '../record-run.ts';
import { getJob } from '../registry.ts';
import type { Runner } from './runner.ts';

const DAY = 24 * 3600;

export type BullOptions = { redisUrl: string; queueName?: string };

function connect(url: string) {
  // BullMQ needs blocking commands to wait without a per-request retry limit.
  return new Redis(url, { maxRetriesPerRequest: null });
}

/**
 * The scale-out path: `enqueue` adds a BullMQ job whose id is the slot, so a slot enqueued by
 * two schedulers is stored once; completed jobs are kept a week so a late duplicate still
 * collides with them.
 */
export function createBullProducer(opts: BullOptions): Runner & { queue: Queue } {
  const connection = connect(opts.redisUrl);
  const queue = new Queue(opts.queueName ?? 'attain', { connection });
  return {
    kind: 'bullmq',
    queue,
    async enqueue(name, slot, payload) {
      const job = getJob(name);
      await queue.add(name, payload ?? {}, {
        jobId: slot,
        attempts: job.retries + 1,
        backoff: { type: 'exponential', delay: job.backoffMs },
        removeOnComplete: { age: 7 * DAY },
        removeOnFail: { age: 30 * DAY },
      });
    },
    async drain() {},
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}

/** `attain worker`: consumes the queue and records every attempt in `job_runs`. */
export function startBullWorker(ctx: JobContext, opts: BullOptions & { concurrency?: number }) {
  const connection = connect(opts.redisUrl);
  const worker = new Worker(
    opts.queueName ?? 'attain',
    async (bj) => {
      try {
        return await runRecorded(ctx, getJob(bj.name), bj.data, { slot: bj.id!, runner: 'bullmq', attempt: bj.attemptsStarted });
      } catch (e) {
        if (e instanceof InvalidPayloadError) throw new UnrecoverableError(e.message);
        throw e;
      }
    },
    { connection, concurrency: opts.concurrency ?? 1 },
  );
  worker.on('failed', (job, err) => ctx.log(`${job?.name} ${job?.id} attempt ${job?.attemptsStarted} failed: ${err.message}`));
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
