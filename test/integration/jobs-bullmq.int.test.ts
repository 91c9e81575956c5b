import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { asc, eq } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db, DbHandle } from '../../db/client.ts';
import { jobRuns } from '../../db/schema.ts';
import type { JobContext } from '../../jobs/context.ts';
import { type JobCatalog, type JobDefinition, defineJob } from '../../jobs/define.ts';
import { createBullProducer, startBullWorker } from '../../jobs/runners/bullmq.ts';
import { startSchedule } from '../../jobs/schedule.ts';
import { loadAppConfig } from '../../src/config/app-config.ts';
import { z } from 'zod';
import { backends, redisAvailable, redisUrl } from '../support/services.ts';

const postgres = backends.find((b) => b.name === 'postgres')!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const unique = (base: string) => `${base}-${randomUUID().slice(0, 8)}`;
const config = loadAppConfig();

function jobContext(db: Db, enqueue: JobContext['enqueue']): JobContext {
  return { db, config, env: { port: 0, dataDir: tmpdir(), publicRead: false }, now: () => new Date(), log: () => {}, enqueue };
}

const catalogOf = (...jobs: JobDefinition<any>[]): JobCatalog => new Map(jobs.map((j) => [j.name, j]));

/** Waits until nothing is waiting, active or delayed (a retry's backoff) on the queue. */
async function drained(queue: Queue, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
    if (Object.values(counts).every((n) => n === 0)) return;
    if (Date.now() > deadline) throw new Error(`queue ${queue.name} not drained: ${JSON.stringify(counts)}`);
    await sleep(25);
  }
}

// Two workers in one process share one PostgreSQL database: PGlite would serialise them.
describe.skipIf(!(postgres.available && redisAvailable))('BullMQ runner (Redis, PostgreSQL)', () => {
  let handle: DbHandle;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    handle = await postgres.open();
  });
  afterAll(async () => {
    await handle?.close();
  });
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  /** Producers and workers on a queue of this test's own, torn down (and obliterated) afterwards. */
  function queueFor(catalog: JobCatalog, opts: { producers?: number; workers?: number; concurrency?: number } = {}) {
    const queueName = unique('jobs-test');
    const producers = Array.from({ length: opts.producers ?? 1 }, () => createBullProducer({ redisUrl, queueName, catalog }));
    const first = producers[0]!;
    cleanups.push(async () => {
      await first.queue.obliterate({ force: true });
      for (const p of producers) await p.close();
    });
    const workers = Array.from({ length: opts.workers ?? 1 }, () =>
      startBullWorker(jobContext(handle.db, first.enqueue), { redisUrl, queueName, catalog, concurrency: opts.concurrency ?? 2 }),
    );
    // Registered after the producers' cleanup so workers close first (cleanups run in reverse).
    cleanups.push(async () => {
      for (const w of workers) await w.close();
    });
    return { producers, queue: first.queue, enqueue: first.enqueue };
  }

  const runsOf = (job: string) => handle.db.select().from(jobRuns).where(eq(jobRuns.job, job)).orderBy(asc(jobRuns.slot), asc(jobRuns.attempt));

  it('runs each slot once with two schedulers and two workers on one queue', async () => {
    let invocations = 0;
    const tick = defineJob({
      name: unique('tick'),
      payload: z.object({}).default({}),
      retries: 0,
      backoffMs: 10,
      cron: '* * * * * *',
      async run() {
        invocations++;
        await sleep(30);
      },
    });
    const { producers, queue } = queueFor(catalogOf(tick), { producers: 2, workers: 2 });
    const errors: Error[] = [];
    const stops = producers.map((p) => startSchedule([tick], p.enqueue, (e) => errors.push(e)));
    try {
      // Three ticks of the every-second schedule ran somewhere (a counter, not a clock).
      for (let i = 0; invocations < 3; i++) {
        if (i > 1500) throw new Error(`only ${invocations} runs of ${tick.name}`);
        await sleep(20);
      }
    } finally {
      for (const stop of stops) await stop();
    }
    await drained(queue);

    expect(errors).toEqual([]);
    const runs = await runsOf(tick.name);
    const bySlot = new Map<string, typeof runs>();
    for (const r of runs) bySlot.set(r.slot, [...(bySlot.get(r.slot) ?? []), r]);
    expect(bySlot.size).toBeGreaterThanOrEqual(3);
    for (const [slot, rows] of bySlot) {
      expect(rows.map((r) => [slot, r.status, r.attempt]), slot).toEqual([[slot, 'succeeded', 1]]);
      expect(slot.startsWith(`${tick.name}-`)).toBe(true);
    }
    expect(invocations).toBe(bySlot.size);
  });

  it('runs a slot enqueued twice, and again after it completed, only once', async () => {
    const calls: string[] = [];
    const once = defineJob({
      name: unique('once'),
      payload: z.object({ n: z.number() }),
      retries: 0,
      backoffMs: 10,
      async run(ctx, p) {
        calls.push(`${p.n}`);
      },
    });
    const { queue, enqueue } = queueFor(catalogOf(once));
    const slot = `${once.name}-2025-12-01T0600`;
    await Promise.all([enqueue(once.name, slot, { n: 1 }), enqueue(once.name, slot, { n: 2 })]);
    await drained(queue);
    expect(await (await queue.getJob(slot))!.getState()).toBe('completed');
    await enqueue(once.name, slot, { n: 3 });
    // A different slot of the same job does run: the duplicate is refused by id, not by name.
    await enqueue(once.name, `${once.name}-2025-12-01T0601`, { n: 4 });
    await drained(queue);

    expect(calls).toHaveLength(2);
    expect(calls).toContain('4');
    const runs = await runsOf(once.name);
    expect(runs.map((r) => [r.slot, r.status])).toEqual([
      [slot, 'succeeded'],
      [`${once.name}-2025-12-01T0601`, 'succeeded'],
    ]);
  });

  it('retries a failing job with backoff and records every attempt', async () => {
    let attempts = 0;
    const flaky = defineJob({
      name: unique('flaky'),
      payload: z.object({}).default({}),
      retries: 2,
      backoffMs: 20,
      async run() {
        attempts++;
        await sleep(15);
        if (attempts <= 2) throw new Error(`flaky failure ${attempts}`);
        return { ok: true };
      },
    });
    const { queue, enqueue } = queueFor(catalogOf(flaky));
    const slot = unique(`${flaky.name}-manual`);
    await enqueue(flaky.name, slot);
    await drained(queue);

    const runs = await runsOf(flaky.name);
    expect(runs.map((r) => ({ slot: r.slot, attempt: r.attempt, status: r.status, error: r.error, runner: r.runner }))).toEqual([
      { slot, attempt: 1, status: 'failed', error: 'flaky failure 1', runner: 'bullmq' },
      { slot, attempt: 2, status: 'failed', error: 'flaky failure 2', runner: 'bullmq' },
      { slot, attempt: 3, status: 'succeeded', error: null, runner: 'bullmq' },
    ]);
    for (const r of runs) {
      expect(r.finishedAt).toBeInstanceOf(Date);
      expect(r.durationMs).toBeGreaterThanOrEqual(10); // the job sleeps 15 ms each attempt
    }
    expect(runs[2]!.result).toEqual({ ok: true });
    // The backoff is honoured: attempt 2 starts ≥ 20 ms, attempt 3 ≥ 40 ms after the one before ended.
    expect(runs[1]!.startedAt.getTime() - runs[0]!.startedAt.getTime()).toBeGreaterThanOrEqual(15 + 20 - 5);
    expect(runs[2]!.startedAt.getTime() - runs[1]!.startedAt.getTime()).toBeGreaterThanOrEqual(15 + 40 - 5);
    const bj = (await queue.getJob(slot))!;
    expect(await bj.getState()).toBe('completed');
    expect(bj.attemptsMade).toBe(3);
  });

  it('fails a payload that fails its schema once, for good', async () => {
    let invocations = 0;
    const strict = defineJob({
      name: unique('strict'),
      payload: z.object({ month: z.string().regex(/^\d{4}-\d{2}$/) }),
      retries: 3,
      backoffMs: 10,
      async run() {
        invocations++;
      },
    });
    const { queue, enqueue } = queueFor(catalogOf(strict));
    const slot = unique(`${strict.name}-manual`);
    await enqueue(strict.name, slot, { month: 'May' });
    await drained(queue);

    expect(invocations).toBe(0);
    const runs = await runsOf(strict.name);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ slot, attempt: 1, status: 'failed' });
    expect(runs[0]!.error).toContain('month');
    const bj = (await queue.getJob(slot))!;
    expect(await bj.getState()).toBe('failed');
    expect(bj.attemptsMade).toBe(1);
  });
});
