import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db, DbHandle } from '../../db/client.ts';
import { jobRuns } from '../../db/schema.ts';
import type { JobContext } from '../../jobs/context.ts';
import { type JobCatalog, type JobDefinition, defineJob } from '../../jobs/define.ts';
import { createInlineRunner } from '../../jobs/runners/inline.ts';
import type { Runner } from '../../jobs/runners/runner.ts';
import { loadAppConfig } from '../../src/config/app-config.ts';
import { backends } from '../support/services.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const unique = (base: string) => `${base}-${randomUUID().slice(0, 8)}`;
const config = loadAppConfig();

function jobContext(db: Db, enqueue: JobContext['enqueue']): JobContext {
  return { db, config, env: { port: 0, dataDir: tmpdir(), publicRead: false }, now: () => new Date(), log: () => {}, enqueue };
}

const catalogOf = (...jobs: JobDefinition<any>[]): JobCatalog => new Map(jobs.map((j) => [j.name, j]));

// PGlite is the inline runner's usual companion; PostgreSQL is cheap enough to cover as well.
for (const backend of backends) {
  describe.skipIf(!backend.available)(`inline runner (${backend.name})`, () => {
    let handle: DbHandle;
    const runners: Runner[] = [];

    beforeAll(async () => {
      handle = await backend.open();
    });
    afterAll(async () => {
      await handle?.close();
    });
    afterEach(async () => {
      for (const r of runners.splice(0)) await r.close();
    });

    function runnerFor(...jobs: JobDefinition<any>[]) {
      const runner = createInlineRunner((enqueue) => jobContext(handle.db, enqueue), { catalog: catalogOf(...jobs) });
      runners.push(runner);
      return runner;
    }

    const runsOf = (job: string) =>
      handle.db.select().from(jobRuns).where(eq(jobRuns.job, job)).orderBy(asc(jobRuns.startedAt), asc(jobRuns.id));

    it('runs each slot once, even when enqueued twice or again after it ran', async () => {
      const calls: number[] = [];
      const once = defineJob({
        name: unique('once'),
        payload: z.object({ n: z.number() }),
        retries: 0,
        backoffMs: 10,
        async run(_ctx, p) {
          calls.push(p.n);
        },
      });
      const runner = runnerFor(once);
      const slot = `${once.name}-2025-12-01T0600`;
      await runner.enqueue(once.name, slot, { n: 1 });
      await runner.enqueue(once.name, slot, { n: 2 });
      await runner.drain();
      await runner.enqueue(once.name, slot, { n: 3 });
      await runner.enqueue(once.name, `${once.name}-2025-12-01T0601`, { n: 4 });
      await runner.drain();

      expect(calls).toEqual([1, 4]);
      const runs = await runsOf(once.name);
      expect(runs.map((r) => [r.slot, r.status, r.runner])).toEqual([
        [slot, 'succeeded', 'inline'],
        [`${once.name}-2025-12-01T0601`, 'succeeded', 'inline'],
      ]);
    });

    it('refuses an unknown job without marking its slot as run', async () => {
      const known = defineJob({ name: unique('known'), payload: z.unknown(), retries: 0, backoffMs: 10, run: async () => 'ran' });
      const runner = runnerFor(known);
      const slot = unique('shared-slot');
      await expect(runner.enqueue('no-such-job', slot)).rejects.toThrow(/unknown job "no-such-job"/);
      await runner.enqueue(known.name, slot);
      await runner.drain();
      expect((await runsOf(known.name)).map((r) => r.status)).toEqual(['succeeded']);
    });

    it('retries with exponential backoff and records each attempt', async () => {
      const startedAt: number[] = [];
      const flaky = defineJob({
        name: unique('flaky'),
        payload: z.object({}).default({}),
        retries: 2,
        backoffMs: 40,
        async run() {
          startedAt.push(Date.now());
          await sleep(5);
          if (startedAt.length <= 2) throw new Error(`flaky failure ${startedAt.length}`);
          return { ok: true };
        },
      });
      const runner = runnerFor(flaky);
      const slot = unique(`${flaky.name}-manual`);
      await runner.enqueue(flaky.name, slot);
      await runner.drain();

      const runs = await runsOf(flaky.name);
      expect(runs.map((r) => ({ slot: r.slot, attempt: r.attempt, status: r.status, error: r.error }))).toEqual([
        { slot, attempt: 1, status: 'failed', error: 'flaky failure 1' },
        { slot, attempt: 2, status: 'failed', error: 'flaky failure 2' },
        { slot, attempt: 3, status: 'succeeded', error: null },
      ]);
      for (const r of runs) {
        expect(r.finishedAt).toBeInstanceOf(Date);
        expect(r.durationMs).toBeGreaterThanOrEqual(4);
      }
      expect(runs[2]!.result).toEqual({ ok: true });
      // 40 ms after the first failure, 80 ms after the second (each attempt itself takes ≥ 5 ms).
      expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(40);
      expect(startedAt[2]! - startedAt[1]!).toBeGreaterThanOrEqual(80);
    });

    it('fails a payload that fails its schema once, without retrying', async () => {
      let invocations = 0;
      const strict = defineJob({
        name: unique('strict'),
        payload: z.object({ month: z.string().regex(/^\d{4}-\d{2}$/) }),
        retries: 3,
        backoffMs: 1000, // a retry would show as a second row and blow the test's time
        async run() {
          invocations++;
        },
      });
      const runner = runnerFor(strict);
      await runner.enqueue(strict.name, unique(strict.name), { month: 'May' });
      await runner.drain();

      expect(invocations).toBe(0);
      const runs = await runsOf(strict.name);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ attempt: 1, status: 'failed' });
      expect(runs[0]!.error).toContain('month');
    });

    it('runs jobs of one name one at a time, jobs of different names side by side', async () => {
      let active = 0;
      let maxActive = 0;
      const activeByName = new Map<string, number>();
      let maxSameName = 0;
      const firstRun = new Set<string>();
      // Settled when jobs of both names are running at once.
      let bothRunning!: () => void;
      const overlap = new Promise<void>((r) => (bothRunning = r));
      const make = (name: string) =>
        defineJob({
          name,
          payload: z.object({}).default({}),
          retries: 0,
          backoffMs: 10,
          async run() {
            active++;
            activeByName.set(name, (activeByName.get(name) ?? 0) + 1);
            maxActive = Math.max(maxActive, active);
            if (active === 2) bothRunning();
            maxSameName = Math.max(maxSameName, activeByName.get(name)!);
            // The first run of each name waits for the other name to be running too, on the event
            // itself rather than a hoped-for overlap of sleeps: side by side is then seen whatever
            // the machine's load. A runner that ran different names one at a time never settles
            // it, and the test fails on its timeout.
            if (firstRun.delete(name)) await overlap;
            await sleep(20);
            activeByName.set(name, activeByName.get(name)! - 1);
            active--;
          },
        });
      const a = make(unique('serial-a'));
      const b = make(unique('serial-b'));
      firstRun.add(a.name).add(b.name);
      const runner = runnerFor(a, b);
      for (let i = 0; i < 4; i++) {
        await runner.enqueue(a.name, `${a.name}-${i}`);
        await runner.enqueue(b.name, `${b.name}-${i}`);
      }
      await runner.drain();

      expect(maxSameName).toBe(1);
      expect(maxActive).toBe(2);
      for (const job of [a, b]) {
        const runs = await runsOf(job.name);
        expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
      }
    });

    it('drain() waits for jobs that enqueue other jobs', async () => {
      const order: string[] = [];
      const names = { parent: unique('parent'), child: unique('child') };
      // parent -> child (a new name) -> parent again (the same name's chain grows).
      const parent = defineJob({
        name: names.parent,
        payload: z.object({ depth: z.number() }),
        retries: 0,
        backoffMs: 10,
        async run(ctx, p) {
          await sleep(20);
          order.push(`parent ${p.depth}`);
          if (p.depth === 0) await ctx.enqueue(names.child, `${names.child}-0`, { depth: 1 });
        },
      });
      const child = defineJob({
        name: names.child,
        payload: z.object({ depth: z.number() }),
        retries: 0,
        backoffMs: 10,
        async run(ctx, p) {
          await sleep(20);
          order.push(`child ${p.depth}`);
          await ctx.enqueue(names.parent, `${names.parent}-2`, { depth: 2 });
        },
      });
      const runner = runnerFor(parent, child);
      await runner.enqueue(names.parent, `${names.parent}-0`, { depth: 0 });
      await runner.drain();

      expect(order).toEqual(['parent 0', 'child 1', 'parent 2']);
      const runs = [...(await runsOf(names.parent)), ...(await runsOf(names.child))];
      expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    });
  });
}
