import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db, type DbHandle } from '../../db/client.ts';
import { ingestRuns } from '../../db/schema.ts';
import { writeQueueLog } from '../../bench/queue-log-generator.ts';
import { loadAppConfig } from '../../src/config/app-config.ts';
import { loadEnv } from '../../src/config/env.ts';
import { ingestCallsCommand } from '../../src/feeds/calls/command.ts';
import { callNames } from '../../src/store/call-names.ts';
import { intervalCountsDifferences } from '../../src/store/call-intervals.ts';
import { killStartedAttain, runAttain, type AttainProcess } from '../support/attain-cli.ts';
import { backends, migratedPgliteFolder, pgAdminUrl } from '../support/services.ts';
import { waitFor } from '../support/start-app.ts';

// `attain ingest calls` SIGKILLed half-way through a queue_log, then run again on the same file,
// leaves the same visits, agent events, interval counts and queue names as one clean run (issue
// 13: "the kill -9 test of an ingest half-way still leaves, after a re-run, the same database").
// Unlike calls-rerun.int.test.ts (a run that throws and finishes its run row), nothing of the
// killed process runs after the kill: on PGlite the killed process is the database itself, its
// last commits (`synchronous_commit = off`) possibly not yet in its WAL file.
const tmp = mkdtempSync(path.join(tmpdir(), 'attain-calls-kill-'));
const file = path.join(tmp, 'queue_log');
let generated: { lines: number; calls: number };
beforeAll(async () => {
  // 200,000 lines over 7 days: ⌈200,000 ÷ 2.92⌉ = 68,494 calls, some 15 batches (growing from
  // 1,000 to 6,000 rows of visits and agent events, about 2.6 lines a row). The command prints its
  // progress every 100,000 lines read: the PGlite kill waits for that line, and the half of the
  // file after it (some eight batches) leaves room for the kill to land before the end.
  generated = await writeQueueLog(file, 200_000, Date.UTC(2025, 5, 2) / 1000, 7);
  expect(generated.calls).toBe(68_494);
}, 60_000);
afterAll(() => {
  killStartedAttain();
  rmSync(tmp, { recursive: true, force: true });
});

const rowsOf = <T>(r: unknown) => (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];
const texts = async (db: Db, query: ReturnType<typeof sql>) => rowsOf<{ r: string }>(await db.execute(query)).map((x) => x.r);

/**
 * The tables an ingest of calls writes, whole, each row as its text in primary-key order. Left
 * out: `ingest_run_id` (the killed run's id on the rows it committed, the re-run's on the rest;
 * one run's in a clean load) and call_visits' `updated_at` (the time of the batch that wrote the
 * row). Both say when and by which run a row came, not what it holds. call_interval_counts has
 * neither: every column is a count of the visits.
 */
async function callTables(db: Db) {
  return {
    visits: await texts(db, sql`select (source, call_id, queue, arrived_at, channel, answered_at, ended_at, outcome, wait_seconds, talk_seconds, hold_seconds,
      wrap_seconds, agent, transferred, extra)::text as r from call_visits order by arrived_at, source, call_id, queue`),
    events: await texts(db, sql`select (source, key, at, call_id, queue, agent, event, data)::text as r from call_agent_events order by source, at, key`),
    intervals: await texts(db, sql`select c::text as r from call_interval_counts c order by interval_start, queue`),
    queues: await callNames(db, 'queue'),
  };
}

async function stored(db: Db) {
  const [n] = rowsOf<{ visits: number; events: number }>(
    await db.execute(sql`select (select count(*) from call_visits)::int as visits, (select count(*) from call_agent_events)::int as events`),
  );
  return { ...n!, runs: await db.select().from(ingestRuns).orderBy(ingestRuns.id) };
}

/** Where the killed and re-run commands write: a database URL, or an embedded folder in ATTAIN_DATA_DIR. */
type Target = {
  env: Record<string, string>;
  /** The database while a command runs on it: PostgreSQL's, read by this process too; none for PGlite (one process). */
  live?: Db;
  inspect: <T>(fn: (db: Db) => Promise<T>) => Promise<T>;
  close: () => Promise<void>;
};

async function postgresTarget(): Promise<Target> {
  const handle = await backends.find((b) => b.name === 'postgres')!.open();
  // location names host and database only; the credentials come from the admin URL.
  const url = new URL(pgAdminUrl);
  url.pathname = new URL(handle.location).pathname;
  return { env: { DATABASE_URL: url.toString(), ATTAIN_DATA_DIR: path.join(tmp, 'pg-data') }, live: handle.db, inspect: (fn) => fn(handle.db), close: () => handle.close() };
}

async function pgliteTarget(): Promise<Target> {
  const dataDir = mkdtempSync(path.join(tmp, 'pglite-'));
  await migratedPgliteFolder(path.join(dataDir, 'pglite'));
  // PGlite is one process: this one opens the folder only while no command runs on it.
  const inspect = async <T>(fn: (db: Db) => Promise<T>) => {
    const h = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
    try {
      return await fn(h.db);
    } finally {
      await h.close();
    }
  };
  return { env: { DATABASE_URL: '', ATTAIN_DATA_DIR: dataDir }, inspect, close: async () => {} };
}

/**
 * Waits until the ingest has committed some batches and still runs. On PostgreSQL from its run's
 * progress, committed with each batch: 20,000 lines are past the first three batches (6,000 rows,
 * about 15,600 lines at 2.6 lines a row). On PGlite the folder is the child's alone: from its
 * progress line, printed once a batch after 100,000 lines read has committed.
 */
async function untilHalfWay(child: AttainProcess, db: Db | undefined) {
  if (!db) {
    await child.stderrMatches(/\d[\d,]* lines read…/, 120_000);
    return;
  }
  const seen = await waitFor(
    'a committed batch past 20,000 lines',
    async () => {
      if (child.exited()) return 'exited';
      const [run] = await db.select({ rowsRead: ingestRuns.rowsRead, status: ingestRuns.status }).from(ingestRuns);
      return run && run.rowsRead >= 20_000 ? run.status : undefined;
    },
    120_000,
    20,
  );
  expect(seen, 'the ingest should still run when seen past 20,000 lines').toBe('running');
}

describe.each(backends.filter((b) => b.available))('attain ingest calls SIGKILLed half-way, then run again ($name)', (backend) => {
  let target: Target;
  let clean: DbHandle;
  beforeAll(async () => {
    [target, clean] = await Promise.all([backend.name === 'postgres' ? postgresTarget() : pgliteTarget(), backend.open()]);
  }, 120_000);
  afterAll(async () => {
    killStartedAttain();
    await target?.close();
    await clean?.close();
  });

  it('leaves the same database as one clean run, and the re-run counts what the killed one kept', { timeout: 240_000 }, async () => {
    // One clean run of the same command in this process (the same options, the compute after it)
    // into a fresh database of the same kind, meanwhile: the killed command runs in a child.
    const rt = { env: loadEnv({}), config: loadAppConfig(), handle: clean };
    const cleanRun = ingestCallsCommand(rt, 'calls', file, {});
    void cleanRun.catch(() => {}); // awaited below; not an unhandled rejection if an expect fails first
    const args = ['ingest', 'calls', file];
    const first = runAttain(args, target.env);
    await untilHalfWay(first, target.live);
    if (!target.live) {
      // The killed process held the folder (db/data-lock.ts); SIGKILL leaves its lock behind.
      const lock = path.join(target.env.ATTAIN_DATA_DIR!, 'pglite.lock');
      expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(first.pid);
    }
    process.kill(first.pid, 'SIGKILL');
    const end = await first.done;
    expect(end.signal, end.stderr).toBe('SIGKILL');

    // What the kill left (on PGlite, opening the folder takes over the dead process's lock):
    // some visits but not all, its run still `running` with the progress of exactly the
    // batches that committed (progress commits with its batch). On PGlite that is less than
    // the progress line said (70,399 lines in one run where it had printed 101,632): batches commit with
    // `synchronous_commit = off`, and the killed process was the database, its last commits not
    // yet in its WAL file. They go with their progress, as a server crash would take them.
    const kept = await target.inspect(stored);
    expect(kept.runs).toHaveLength(1);
    expect(kept.runs[0]).toMatchObject({ status: 'running', inserted: kept.visits, updated: 0, unchanged: 0, rejected: 0 });
    expect(kept.visits, 'the kill should land half-way: some visits stored').toBeGreaterThan(0);
    expect(kept.visits, 'the kill should land half-way: not every visit stored').toBeLessThan(generated.calls);

    // The re-run, to completion.
    const [again] = await Promise.all([runAttain(args, target.env).done, cleanRun]);
    expect(again.code, again.stderr).toBe(0);

    const once = await stored(clean.db);
    // Every call generated is one visit (no overflow to a second queue in this generator), every line read.
    expect(once.visits).toBe(generated.calls);
    expect(once.runs).toHaveLength(1);
    expect(once.runs[0]).toMatchObject({ status: 'succeeded', rowsRead: generated.lines, inserted: generated.calls, updated: 0, unchanged: 0, rejected: 0 });
    const [a, b] = await Promise.all([
      target.inspect(async (db) => ({ runs: (await stored(db)).runs, tables: await callTables(db), differences: await intervalCountsDifferences(db) })),
      callTables(clean.db),
    ]);
    // The killed run stays `running` (nothing marks it here); the re-run is a second run. Its id is
    // read, not counted on: after a crash PostgreSQL's sequences go on past the values they logged
    // ahead (32), so on PGlite the re-run's id jumps.
    expect(a.runs.map((r) => r.status)).toEqual(['running', 'succeeded']);
    // The re-run meets what the killed run kept unchanged and inserts the rest: together, every visit once.
    expect(again.stdout).toContain(
      `: ${generated.lines} lines read, ${once.visits - kept.visits} inserted, 0 updated, ${kept.visits} unchanged, 0 rejected, ` +
        `${once.events - kept.events} agent events, 0 still open (ingest run ${a.runs[1]!.id})`,
    );
    expect(a.tables.visits).toHaveLength(once.visits);
    expect(a.tables.events).toHaveLength(once.events);
    expect(a.tables.visits).toEqual(b.visits);
    expect(a.tables.events).toEqual(b.events);
    expect(a.tables.intervals).toEqual(b.intervals);
    expect(a.tables.queues).toEqual(b.queues);
    // And the killed database's interval counts (kept by the triggers across both runs) equal a recount of its visits.
    expect(a.differences).toEqual([]);
  });
});
