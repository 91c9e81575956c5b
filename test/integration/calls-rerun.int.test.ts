import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { writeQueueLog } from '../../bench/queue-log-generator.ts';
import { ingestCallFile } from '../../src/feeds/calls/ingest-file.ts';
import { ensureIntervalCountThresholds, intervalCountsDifferences } from '../../src/store/call-intervals.ts';
import { backends } from '../support/services.ts';

// A queue_log ingest that fails half-way and is run again leaves the same visits, agent events
// and interval counts as one clean run: the re-run's batches meet the failed run's committed
// rows (the merge, found by the key probe or the span check of src/store/bulk-calls.ts), then
// go past them (COPY straight in again). Two sources hold the two copies of the same log.
const tmp = mkdtempSync(path.join(tmpdir(), 'attain-calls-rerun-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const rowsOf = <T>(r: unknown) => (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];

describe.each(backends.filter((b) => b.available))('calls ingest failed half-way and run again ($name)', (backend) => {
  let handle: DbHandle;
  const file = path.join(tmp, 'queue_log');
  let calls = 0;
  beforeAll(async () => {
    handle = await backend.open();
    await ensureIntervalCountThresholds(handle.db, { shortAbandonSeconds: 5, serviceLevelSeconds: 20 });
    // 3,000 lines of one day (the generator's deterministic log): ⌈3,000 ÷ 2.92 lines a call⌉ = 1,028 calls.
    calls = (await writeQueueLog(file, 3_000, Date.UTC(2025, 5, 2) / 1000, 1)).calls;
    expect(calls).toBe(1_028);
  }, 600_000);
  afterAll(() => handle?.close());

  it('leaves the same database as one clean run', async () => {
    const { db } = handle;
    const opts = { zone: 'Europe/London', batchSize: 200 };
    const clean = await ingestCallFile(db, file, 'queue_log', { ...opts, source: 'clean' });
    expect(clean.status).toBe('succeeded');
    // Every call generated is a visit (overflows aside, none in this generator), each stored once.
    expect(clean.inserted).toBe(calls);

    const failed = await ingestCallFile(db, file, 'queue_log', {
      ...opts,
      source: 'crash',
      afterBatch: (n) => {
        if (n === 3) throw new Error('stopped after batch 3');
      },
    });
    expect(failed.status).toBe('failed');
    // Three batches of 200 rows (visits, agent events) committed, at most: fewer visits than the clean run.
    expect(failed.inserted).toBeGreaterThan(0);
    expect(failed.inserted).toBeLessThan(calls);
    const rerun = await ingestCallFile(db, file, 'queue_log', { ...opts, source: 'crash' });
    expect(rerun.status).toBe('succeeded');
    // What the failed run kept is unchanged, the rest inserted: together, every call once.
    expect(rerun.unchanged).toBe(failed.inserted);
    expect(rerun.inserted + rerun.unchanged).toBe(calls);

    const visits = (source: string) =>
      db.execute(sql`select call_id, queue, arrived_at, channel, answered_at, ended_at, outcome, wait_seconds, talk_seconds, agent, transferred
        from call_visits where source = ${source} order by arrived_at, call_id, queue`);
    const events = (source: string) => db.execute(sql`select key, at, call_id, queue, agent, event, data from call_agent_events where source = ${source} order by at, key`);
    expect(rowsOf(await visits('crash'))).toEqual(rowsOf(await visits('clean')));
    expect(rowsOf(await events('crash'))).toEqual(rowsOf(await events('clean')));
    // The interval counts (both sources in each queue's intervals) equal a recount of the visits.
    expect(await intervalCountsDifferences(db)).toEqual([]);
  });
});
