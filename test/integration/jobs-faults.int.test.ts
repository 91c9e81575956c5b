import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { tmpdir } from 'node:os';
import type { Queue } from 'bullmq';
import { asc, eq } from 'drizzle-orm';
import postgresJs from 'postgres';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { jobRuns, jobSlots } from '../../db/schema.ts';
import type { JobContext } from '../../jobs/context.ts';
import { type JobCatalog, defineJob } from '../../jobs/define.ts';
import { createBullProducer, startBullWorker } from '../../jobs/runners/bullmq.ts';
import { appConfigSchema, type AppConfig } from '../../src/config/app-config.ts';
import { backends, pgAdminUrl, redisAvailable, redisUrl } from '../support/services.ts';

const postgres = backends.find((b) => b.name === 'postgres')!;
const unique = (base: string) => `${base}-${randomUUID().slice(0, 8)}`;
const tick = () => new Promise((r) => setTimeout(r, 20));

/** Resolves once `check` holds (polled; a condition, not a clock). */
async function until(check: () => boolean | Promise<boolean>, what: string, limit = 3000) {
  for (let i = 0; i < limit; i++) {
    if (await check()) return;
    await tick();
  }
  throw new Error(`never happened: ${what}`);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** A Redis of this test's own on a free loopback port (the shared one on 6379 is never stopped). */
async function startRedis(): Promise<{ url: string; proc: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    proc,
    async stop() {
      proc.kill('SIGCONT');
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await gone;
    },
  };
}

function contextFor(db: DbHandle['db'], config: AppConfig, log: (m: string) => void = () => {}): JobContext {
  return { db, config, env: { port: 0, dataDir: tmpdir(), publicRead: false }, now: () => new Date(), log, enqueue: async () => {} };
}

async function drained(queue: Queue) {
  await until(async () => Object.values(await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized')).every((n) => n === 0), `queue ${queue.name} drained`);
}

describe.skipIf(!(postgres.available && redisAvailable))('jobs under faults (Redis, PostgreSQL)', () => {
  let handle: DbHandle;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    handle = await postgres.open();
  });
  afterAll(async () => handle?.close());
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  const runsOf = (job: string) => handle.db.select().from(jobRuns).where(eq(jobRuns.job, job)).orderBy(asc(jobRuns.slot), asc(jobRuns.attempt));

  it('does each slot\'s work once when Redis is frozen past the lock and BullMQ starts the slot again', async () => {
    const redis = await startRedis();
    cleanups.push(redis.stop);
    const lockDuration = 1000;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const work: string[] = [];
    const slow = defineJob({
      name: unique('slow'),
      payload: z.object({ n: z.number() }),
      retries: 2,
      backoffMs: 10,
      async run(_ctx, p) {
        work.push(`slot ${p.n}`);
        await gate;
        return { n: p.n };
      },
    });
    const catalog: JobCatalog = new Map([[slow.name, slow]]);
    const queueName = unique('frozen');
    const producer = createBullProducer({ redisUrl: redis.url, queueName, catalog });
    cleanups.push(() => producer.close());
    const config = appConfigSchema.parse({});
    let stalled = 0;
    const workers = [1, 2].map(() => {
      const w = startBullWorker(contextFor(handle.db, config), { redisUrl: redis.url, queueName, catalog, concurrency: 2, workerOptions: { lockDuration, stalledInterval: 250 } });
      w.worker.on('stalled', () => stalled++);
      return w;
    });
    cleanups.push(async () => {
      release();
      for (const w of workers) await w.close();
    });
    const slots = [1, 2].map((n) => `${slow.name}-2026-12-01T201${n}`);
    await producer.enqueue(slow.name, slots[0]!, { n: 1 });
    await producer.enqueue(slow.name, slots[1]!, { n: 2 });
    await until(() => work.length === 2, 'both slots running');

    // Freeze Redis until its locks (1 s) have certainly expired, then thaw it.
    const frozenAt = Date.now();
    redis.proc.kill('SIGSTOP');
    await until(() => Date.now() - frozenAt > 3 * lockDuration, 'three lock durations passed', 10_000);
    redis.proc.kill('SIGCONT');

    // BullMQ finds the jobs without locks and starts each slot again: both second attempts end
    // at the slot claim (still running, live heartbeat) without redoing the work.
    await until(async () => (await runsOf(slow.name)).filter((r) => r.status === 'skipped').length === 2, 'both slots started again and skipped');
    expect(stalled).toBeGreaterThanOrEqual(2);
    release();
    await until(async () => (await runsOf(slow.name)).filter((r) => r.status === 'succeeded').length === 2, 'both first attempts finished');
    await drained(producer.queue);

    expect(work.sort()).toEqual(['slot 1', 'slot 2']);
    const runs = await runsOf(slow.name);
    expect(runs.map((r) => [r.slot, r.attempt, r.status])).toEqual([
      [slots[0], 1, 'succeeded'],
      [slots[0], 2, 'skipped'],
      [slots[1], 1, 'succeeded'],
      [slots[1], 2, 'skipped'],
    ]);
    const claims = await handle.db.select().from(jobSlots).where(eq(jobSlots.job, slow.name)).orderBy(asc(jobSlots.slot));
    expect(claims.map((c) => [c.slot, c.status, c.attempt, c.result])).toEqual([
      [slots[0], 'succeeded', 1, { n: 1 }],
      [slots[1], 'succeeded', 1, { n: 2 }],
    ]);
  });

  it('waits out refused database connections without spending retries, runs every slot once after, and records every attempt', async () => {
    const dbName = new URL(handle.location).pathname.slice(1);
    const admin = postgresJs(pgAdminUrl, { max: 1, onnotice: () => {} });
    cleanups.push(async () => {
      await admin.unsafe(`alter database ${dbName} allow_connections true`);
      await admin.end({ timeout: 1 });
    });
    const work: number[] = [];
    const job = defineJob({
      name: unique('needs-db'),
      payload: z.object({ n: z.number() }),
      // No retries: only the database waits may repeat an attempt.
      retries: 0,
      backoffMs: 10,
      async run(ctx, p) {
        work.push(p.n);
        return { n: p.n };
      },
    });
    const catalog: JobCatalog = new Map([[job.name, job]]);
    const queueName = unique('db-down');
    const producer = createBullProducer({ redisUrl, queueName, catalog });
    cleanups.push(async () => {
      await producer.queue.obliterate({ force: true });
      await producer.close();
    });
    const config = appConfigSchema.parse({ jobs: { dbRetryBaseMs: 20, dbRetryMaxMs: 100, dbRetryMaxWaits: 1000 } });
    const waits: string[] = [];
    const log = (m: string) => {
      if (m.includes('database unreachable')) waits.push(m);
    };
    const workers = [1, 2].map(() => startBullWorker(contextFor(handle.db, config, log), { redisUrl, queueName, catalog, concurrency: 2 }));
    cleanups.push(async () => {
      for (const w of workers) await w.close();
    });

    // Refuse new connections to this test's database and end the open ones.
    await admin.unsafe(`alter database ${dbName} allow_connections false`);
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${dbName}`;
    const slots = [1, 2, 3].map((n) => `${job.name}-2026-12-01T20${n}0`);
    for (const [i, slot] of slots.entries()) await producer.enqueue(job.name, slot, { n: i + 1 });
    // Each slot is refused at least three times (a counter of the workers' own messages).
    await until(() => slots.every((s) => waits.filter((m) => m.startsWith(`${job.name} ${s} `)).length >= 3), 'every slot refused three times');
    expect(work).toEqual([]);
    await admin.unsafe(`alter database ${dbName} allow_connections true`);
    await drained(producer.queue);

    expect(work.sort()).toEqual([1, 2, 3]);
    const runs = await runsOf(job.name);
    for (const slot of slots) {
      const bj = (await producer.queue.getJob(slot))!;
      expect(await bj.getState()).toBe('completed');
      // The waits did not count as attempts made: only the one that completed (with no retries
      // allowed, a counted failure would have failed the job for good).
      expect(bj.attemptsMade).toBe(1);
      const mine = runs.filter((r) => r.slot === slot);
      // Every start BullMQ made is a row: the refused ones (written once the database was back)
      // numbered 1…k, then the one that ran.
      expect(mine.map((r) => r.attempt)).toEqual(Array.from({ length: bj.attemptsStarted }, (_, i) => i + 1));
      expect(mine.at(-1)!.status).toBe('succeeded');
      for (const r of mine.slice(0, -1)) {
        expect(r.status).toBe('failed');
        // The driver's reason, never the statement: PostgreSQL's refusal or the ended connection.
        expect(r.error).toMatch(/^database unreachable: .*\((55000|57P01|CONNECTION_\w+|ECONNRESET)\)$/);
        expect(r.error).not.toContain('insert into');
      }
      expect(mine.length - 1).toBe(waits.filter((m) => m.startsWith(`${job.name} ${slot} `)).length);
    }
  });
});
