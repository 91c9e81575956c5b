import { appendFile, mkdir, mkdtemp, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { dropClaims, ingestRuns, tickets } from '../../db/schema.ts';
import type { JobContext } from '../../jobs/context.ts';
import type { JobCatalog, JobDefinition } from '../../jobs/define.ts';
import { computeSlaJob } from '../../jobs/compute-sla.ts';
import { processDropFolder } from '../../jobs/drop-folder.ts';
import { dropFolders, ingestDropJob, ticketDropFolder } from '../../jobs/ingest-drop.ts';
import { createBullProducer, startBullWorker } from '../../jobs/runners/bullmq.ts';
import { startSchedule } from '../../jobs/schedule.ts';
import { appConfigSchema, type AppConfig } from '../../src/config/app-config.ts';
import { claimDropFile } from '../../src/store/drop-claims.ts';
import { getIngestRun, markAbandoned, startIngestRun } from '../../src/store/ingest-runs.ts';
import { backends, redisAvailable, redisUrl } from '../support/services.ts';

const header = 'id,kind,priority,opened_at,resolved_at\n';
/** `n` valid generic ticket rows, ids D0001…; one row per ticket, so n rows read = n tickets. */
const rows = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `D${String(from + i).padStart(5, '0')},incident,high,2025-03-03 09:00,2025-03-03 10:00\n`).join('');

function contextFor(db: DbHandle['db'], dataDir: string, config: AppConfig, enqueue: JobContext['enqueue'] = async () => {}): JobContext {
  return { db, config, env: { port: 0, dataDir, publicRead: false }, now: () => new Date(), log: () => {}, enqueue };
}

/** Resolves once `check` holds, polling the database or folder (a counter, not a clock). */
async function until(check: () => Promise<boolean>, what: string, limit = 3000) {
  for (let i = 0; i < limit; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`never happened: ${what}`);
}

describe.each(backends.filter((b) => b.available))('drop folder under faults on $name', (backend) => {
  let handle: DbHandle;
  const config = appConfigSchema.parse({ jobs: { dropSettleMs: 0 } });
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(async () => handle?.close());

  const ticketCount = async () => Number((await handle.db.select({ n: count() }).from(tickets))[0]!.n);

  it('leaves a file that grows between the two looks, then ingests it once and whole', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'attain-slow-'));
    const dirs = dropFolders(dataDir);
    await mkdir(dirs.inbox, { recursive: true });
    const file = path.join(dirs.inbox, 'slow.csv');
    // The exporter writes 400 rows, then 600 more while the job waits between its two looks.
    await writeFile(file, header + rows(1, 400));
    const ctx = contextFor(handle.db, dataDir, config);
    const before = await ticketCount();
    const first = await processDropFolder(ctx, ticketDropFolder(ctx), { settle: () => appendFile(file, rows(401, 600)) });
    expect(first).toEqual([]);
    expect(await readdir(dirs.inbox)).toContain('slow.csv');
    expect(await ticketCount()).toBe(before);

    // The writer is done: the next run sees the same size and mtime twice and takes the file.
    const second = await processDropFolder(ctx, ticketDropFolder(ctx));
    expect(second.map((r) => [r.file, r.status, r.attempt])).toEqual([['slow.csv', 'succeeded', 1]]);
    const report = JSON.parse(await readFile(path.join(dirs.processed, 'slow.csv.report.json'), 'utf8'));
    // 400 + 600 rows written, all valid and new.
    expect(report).toMatchObject({ status: 'succeeded', rowsRead: 1000, inserted: 1000, rejected: 0 });
    expect(await ticketCount()).toBe(before + 1000);
    expect((await readdir(dirs.inbox)).sort()).toEqual(['failed', 'processed']);
  });

  it('never takes a writer\'s .tmp, .part or dotfile, and with dropDoneMarker waits for NAME.done', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'attain-marker-'));
    const dirs = dropFolders(dataDir);
    await mkdir(dirs.inbox, { recursive: true });
    for (const name of ['a.csv.tmp', 'b.csv.part', '.c.csv']) await writeFile(path.join(dirs.inbox, name), header + rows(2001, 1));
    await writeFile(path.join(dirs.inbox, 'd.csv'), header + rows(2002, 2));
    const marker = appConfigSchema.parse({ jobs: { dropDoneMarker: true } });
    const ctx = contextFor(handle.db, dataDir, marker);
    expect(await processDropFolder(ctx, ticketDropFolder(ctx))).toEqual([]);

    await writeFile(path.join(dirs.inbox, 'd.csv.done'), '');
    const taken = await processDropFolder(ctx, ticketDropFolder(ctx));
    expect(taken.map((r) => [r.file, r.status])).toEqual([['d.csv', 'succeeded']]);
    // The marker went with its file; the writer's files are untouched.
    expect((await readdir(dirs.inbox)).sort()).toEqual(['.c.csv', 'a.csv.tmp', 'b.csv.part', 'failed', 'processed']);
  });

  it('tries a file whose attempt threw once more, then moves it to failed/ with both reasons', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'attain-poison-'));
    const inbox = path.join(dataDir, 'poison');
    await mkdir(inbox, { recursive: true });
    await writeFile(path.join(inbox, 'p.csv'), 'anything');
    const ctx = contextFor(handle.db, dataDir, config);
    let attempts = 0;
    const feed = `poison-${randomUUID().slice(0, 8)}`;
    const folder = {
      feed,
      inbox,
      processed: path.join(inbox, 'processed'),
      failed: path.join(inbox, 'failed'),
      accepts: () => true,
      async ingest(): Promise<never> {
        attempts++;
        throw new RangeError(`Invalid string length (attempt ${attempts})`);
      },
    };
    const first = await processDropFolder(ctx, folder);
    expect(first.map((r) => [r.file, r.status, r.attempt])).toEqual([['p.csv', 'errored', 1]]);
    // Not in the inbox (no restart loop on it), held in its claim folder until the next run.
    expect((await readdir(inbox)).sort()).toEqual(['.claims', 'failed', 'processed']);

    const second = await processDropFolder(ctx, folder);
    expect(second.map((r) => [r.file, r.status, r.attempt])).toEqual([['p.csv', 'gave-up', 2]]);
    expect(attempts).toBe(2);
    const report = JSON.parse(await readFile(path.join(folder.failed, 'p.csv.report.json'), 'utf8'));
    expect(report).toMatchObject({ status: 'failed', file: 'p.csv', attempts: 2, errors: ['attempt 1: Invalid string length (attempt 1)', 'attempt 2: Invalid string length (attempt 2)'] });
    expect(await readFile(path.join(folder.failed, 'p.csv'), 'utf8')).toBe('anything');
    expect((await readdir(inbox)).sort()).toEqual(['failed', 'processed']);
    // A third run finds nothing to do.
    expect(await processDropFolder(ctx, folder)).toEqual([]);
    expect(attempts).toBe(2);
  });

  it('retries a file whose process died mid-ingest, and gives up on one that died twice', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'attain-killed-'));
    const dirs = dropFolders(dataDir);
    const ctx = contextFor(handle.db, dataDir, config);
    // What a killed process leaves: a claim row `claimed` by it and the file in its claim folder.
    const leave = async (name: string, attempt: number, body: string) => {
      const id = await claimDropFile(handle.db, { feed: 'tickets', file: name, owner: 'gone:1:dead', attempt, errors: attempt > 1 ? ['attempt 1 by gone:1:dead stopped without finishing'] : [] });
      await mkdir(path.join(dirs.inbox, '.claims', String(id)), { recursive: true });
      await writeFile(path.join(dirs.inbox, '.claims', String(id), name), body);
      return id;
    };
    const once = await leave('killed-once.csv', 1, header + rows(3001, 3));
    const twice = await leave('killed-twice.csv', 2, header + rows(3101, 2));
    // At start on an embedded database (its lock held) every `claimed` row is a dead process's.
    const marked = await markAbandoned(handle.db, 0);
    expect(marked.dropClaims).toBeGreaterThanOrEqual(2);

    const results = await processDropFolder(ctx, ticketDropFolder(ctx));
    expect(results.map((r) => [r.file, r.status, r.attempt]).sort()).toEqual([
      ['killed-once.csv', 'succeeded', 2],
      ['killed-twice.csv', 'gave-up', 2],
    ]);
    const report = JSON.parse(await readFile(path.join(dirs.failed, 'killed-twice.csv.report.json'), 'utf8'));
    expect(report.errors).toHaveLength(2);
    expect(report.errors[1]).toMatch(/^attempt 2 by gone:1:dead stopped without finishing/);
    const claims = await handle.db.select().from(dropClaims).where(eq(dropClaims.owner, 'gone:1:dead'));
    expect(claims.map((c) => [c.id, c.status]).sort()).toEqual([[once, 'retried'], [twice, 'gave-up']].sort());
    expect((await readdir(dirs.processed)).sort()).toEqual(['killed-once.csv', 'killed-once.csv.report.json']);
  });
});

const postgres = backends.find((b) => b.name === 'postgres')!;

describe.skipIf(!(postgres.available && redisAvailable))('drop folder with two workers and two schedulers (Redis, PostgreSQL)', () => {
  let handle: DbHandle;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    handle = await postgres.open();
  });
  afterAll(async () => handle?.close());
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  it('ingests one file once although every slot of both schedulers and a burst of slots race for it', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'attain-race-'));
    const dirs = dropFolders(dataDir);
    await mkdir(dirs.inbox, { recursive: true });
    // Written under a temporary name and renamed: the exporters' contract (README "Drop folders").
    await writeFile(path.join(dirs.inbox, 'race.csv.tmp'), header + rows(5001, 3000));
    // A short gap between looks keeps several runs inside the folder at the same time.
    const config = appConfigSchema.parse({ jobs: { dropSettleMs: 50 } });
    const drop: JobDefinition<any> = { ...ingestDropJob, name: `ingest-drop-${randomUUID().slice(0, 8)}`, cron: '* * * * * *' };
    const catalog: JobCatalog = new Map([drop, computeSlaJob].map((j) => [j.name, j as JobDefinition<any>]));
    const queueName = `drop-race-${randomUUID().slice(0, 8)}`;
    const producers = [1, 2].map(() => createBullProducer({ redisUrl, queueName, catalog }));
    cleanups.push(async () => {
      await producers[0]!.queue.obliterate({ force: true });
      for (const p of producers) await p.close();
    });
    const workers = [1, 2].map(() => startBullWorker(contextFor(handle.db, dataDir, config, producers[0]!.enqueue), { redisUrl, queueName, catalog, concurrency: 2 }));
    cleanups.push(async () => {
      for (const w of workers) await w.close();
    });
    const stops = producers.map((p) => startSchedule([drop], p.enqueue, () => {}));
    cleanups.push(async () => {
      for (const stop of stops) await stop();
    });

    await rename(path.join(dirs.inbox, 'race.csv.tmp'), path.join(dirs.inbox, 'race.csv'));
    await Promise.all([1, 2, 3, 4].map((n) => producers[n % 2]!.enqueue(drop.name, `${drop.name}-burst-${n}`, {})));
    await until(async () => (await readdir(dirs.processed).catch(() => [] as string[])).includes('race.csv.report.json'), 'race.csv processed');
    // Wait until four more slots of each kind ran after it was processed: every racer is done.
    const runsOf = async () => (await handle.db.select({ n: count() }).from(ingestRuns).where(eq(ingestRuns.file, 'race.csv')))[0]!.n;
    await until(async () => (await producers[0]!.queue.getJobCounts('active', 'wait', 'delayed')).active === 0 && (await producers[0]!.queue.getCompletedCount()) >= 6, 'the burst and two scheduled slots done');

    expect(Number(await runsOf())).toBe(1);
    const [run] = await handle.db.select().from(ingestRuns).where(eq(ingestRuns.file, 'race.csv'));
    expect(run).toMatchObject({ status: 'succeeded', rowsRead: 3000, inserted: 3000 });
    expect((await readdir(dirs.processed)).sort()).toEqual(['race.csv', 'race.csv.report.json']);
    const claims = await handle.db.select().from(dropClaims).where(eq(dropClaims.file, 'race.csv'));
    // The losers' claims are deleted when their rename finds the file gone: one claim is left.
    expect(claims.map((c) => c.status)).toEqual(['succeeded']);
  });
});

describe.each(backends.filter((b) => b.available))('runs a killed process left running, on $name', (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(async () => handle?.close());

  it('marks a running ingest run interrupted once its heartbeat is stale, and leaves a live one', async () => {
    const runId = await startIngestRun(handle.db, { feed: 'tickets', source: 'generic', file: 'killed.csv' });
    // Its heartbeat was written just now: an hour's staleness does not reach it.
    expect((await markAbandoned(handle.db, 3600)).ingestRuns).toBe(0);
    expect((await getIngestRun(handle.db, runId))!.status).toBe('running');
    // At an embedded start (0 s: this process holds the database) it was a dead process's run.
    expect((await markAbandoned(handle.db, 0)).ingestRuns).toBe(1);
    const run = (await getIngestRun(handle.db, runId))!;
    expect(run.status).toBe('interrupted');
    expect(run.finishedAt).toBeInstanceOf(Date);
    expect(run.error).toMatch(/^interrupted: the process ended during the run \(last heartbeat \d{4}-\d\d-\d\dT/);
  });
});
