import { DelayedError, Queue, UnrecoverableError, Worker, type WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobContext } from '../context.ts';
import { type JobCatalog, jobIn } from '../define.ts';
import { databaseReason, isDatabaseUnreachable } from '../../src/store/pg-errors.ts';
import { databaseBackoffMs, InvalidPayloadError, runRecorded } from '../record-run.ts';
import { jobCatalog } from '../registry.ts';
import type { Runner } from './runner.ts';

const DAY = 24 * 3600;

export type BullOptions = {
  redisUrl: string;
  queueName?: string;
  /** The jobs known by name; the registry's catalog unless a test brings its own. */
  catalog?: JobCatalog;
};

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
      const job = jobIn(opts.catalog ?? jobCatalog, name);
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

/**
 * `attain worker`: consumes the queue and records every attempt in `job_runs`. An attempt that
 * finds the database unreachable does not spend one of the job's retries: the job is delayed by
 * the database backoff (minutes by default) up to `jobs.dbRetryMaxWaits` times, and the attempt
 * is written to `job_runs` once the database answers again.
 */
export function startBullWorker(ctx: JobContext, opts: BullOptions & { concurrency?: number; workerOptions?: Partial<WorkerOptions> }) {
  const catalog = opts.catalog ?? jobCatalog;
  const connection = connect(opts.redisUrl);
  const worker = new Worker(
    opts.queueName ?? 'attain',
    async (bj, token) => {
      const job = catalog.get(bj.name);
      // A name this worker does not know cannot succeed on a retry either.
      if (!job) throw new UnrecoverableError(`unknown job "${bj.name}" (known: ${[...catalog.keys()].join(', ')})`);
      try {
        return await runRecorded(ctx, job, bj.data, { slot: bj.id!, runner: 'bullmq', attempt: bj.attemptsStarted });
      } catch (e) {
        if (e instanceof InvalidPayloadError) throw new UnrecoverableError(e.message);
        // Starts that neither failed nor are this one: earlier database waits (and stalls).
        const waits = bj.attemptsStarted - 1 - bj.attemptsMade;
        if (isDatabaseUnreachable(e) && waits < ctx.config.jobs.dbRetryMaxWaits) {
          const delay = databaseBackoffMs(ctx, waits);
          ctx.log(`${bj.name} ${bj.id} attempt ${bj.attemptsStarted}: database unreachable (${databaseReason(e)}); next attempt in ${delay} ms`);
          await bj.moveToDelayed(Date.now() + delay, token);
          throw new DelayedError();
        }
        throw e;
      }
    },
    { connection, concurrency: opts.concurrency ?? 1, ...opts.workerOptions },
  );
  // Connection trouble is reported here; without a listener BullMQ only prints it.
  worker.on('error', (err) => ctx.log(`worker ${opts.queueName ?? 'attain'}: ${err.message}`));
  worker.on('failed', (job, err) => ctx.log(`${job?.name} ${job?.id} attempt ${job?.attemptsStarted} failed: ${err.message}`));
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
