import { appendFileSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, DbHandle } from '../../db/client.ts';
import { callVisits } from '../../db/schema.ts';
import { tailQueueLogJob } from '../../jobs/tail-queue-log.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { tailQueueLog } from '../../src/feeds/calls/tail.ts';
import { getTailCursor } from '../../src/store/calls.ts';
import { listRejectedRows } from '../../src/store/ingest-runs.ts';
import { backends } from '../support/services.ts';

const T = 1748854800; // Mon 2 June 2025 10:00:00 BST
const line = (dt: number, id: string, event: string, data: string, agent = 'NONE', queue = 'sales') => `${T + dt}|${id}|${queue}|${agent}|${event}|${data}\n`;

const visits = (db: Db, source: string) =>
  db
    .select({ callId: callVisits.callId, outcome: callVisits.outcome, waitSeconds: callVisits.waitSeconds, talkSeconds: callVisits.talkSeconds, endedAt: callVisits.endedAt })
    .from(callVisits)
    .where(eq(callVisits.source, source))
    .orderBy(asc(callVisits.arrivedAt));

describe.each(backends.filter((b) => b.available))('tail of a live queue_log ($name)', (backend) => {
  let handle: DbHandle;
  let db: Db;
  const dir = mkdtempSync(path.join(tmpdir(), 'attain-tail-'));
  const log = path.join(dir, 'queue_log');
  const opts = { path: log, source: 'live', zone: 'Europe/London' };
  beforeAll(async () => {
    handle = await backend.open();
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('follows appends, leaves a partly written line for next time, survives a rename rotation and a truncation', async () => {
    expect(await tailQueueLog(db, opts)).toMatchObject({ status: 'missing', steps: [] });

    // Two complete lines and half of a third (Asterisk still writing it).
    const first = line(0, 'c1', 'ENTERQUEUE', '|07700900001|1') + line(10, 'c2', 'ENTERQUEUE', '|07700900002|2');
    writeFileSync(log, first + `${T + 30}|c1|sales|Agent/1|CONN`);
    const r1 = await tailQueueLog(db, opts);
    expect(r1).toMatchObject({ status: 'read', rotation: null, touchedDays: ['2025-06-02'] });
    expect(r1.steps).toEqual([{ file: 'queue_log (tail)', from: 0, to: Buffer.byteLength(first), lines: 2, runId: expect.any(Number), rejected: 0 }]);
    expect((await visits(db, 'live')).map((v) => [v.callId, v.outcome])).toEqual([
      ['c1', 'waiting'],
      ['c2', 'waiting'],
    ]);
    expect(await getTailCursor(db, log)).toMatchObject({ offset: Buffer.byteLength(first), inode: String(statSync(log).ino), lines: 2 });

    // Nothing new: no run at all.
    expect(await tailQueueLog(db, opts)).toMatchObject({ status: 'idle', steps: [] });

    // The rest of the line arrives, and an abandon.
    appendFileSync(log, `ECT|30|1748854830.5|2\n` + line(40, 'c2', 'ABANDON', '1|2|30'));
    const r2 = await tailQueueLog(db, opts);
    expect(r2.steps.map((s) => [s.lines, s.rejected])).toEqual([[2, 0]]);
    expect((await visits(db, 'live')).map((v) => [v.callId, v.outcome, v.waitSeconds, v.endedAt === null])).toEqual([
      ['c1', 'answered', 30, true], // answered, still talking
      ['c2', 'abandoned', 30, false],
    ]);

    // logrotate renames the log; Asterisk writes one last (unterminated) line to the old file
    // before it reopens, then starts the new one.
    renameSync(log, `${log}.1`);
    appendFileSync(`${log}.1`, `${T + 90}|c1|sales|Agent/1|COMPLETECALLER|30|60|1`);
    writeFileSync(log, line(100, 'c3', 'ENTERQUEUE', '|07700900003|1') + line(150, 'c3', 'EXITWITHTIMEOUT', '1|1|50') + line(151, 'c3', 'WHATEVER', 'x'));
    const r3 = await tailQueueLog(db, opts);
    expect(r3.rotation).toBe('renamed');
    expect(r3.steps.map((s) => [s.file, s.lines, s.rejected])).toEqual([
      ['queue_log.1 (tail, rotated)', 1, 0],
      ['queue_log (tail)', 3, 1],
    ]);
    // The bad line of the new file is quarantined with its line number in that file.
    expect((await listRejectedRows(db, r3.steps[1]!.runId!)).map((r) => [r.file, r.line, r.reason])).toEqual([['queue_log (tail)', 3, 'unknown event "WHATEVER"']]);
    expect((await visits(db, 'live')).map((v) => [v.callId, v.outcome, v.talkSeconds])).toEqual([
      ['c1', 'answered', 60],
      ['c2', 'abandoned', null],
      ['c3', 'timeout', null],
    ]);
    const newSize = statSync(log).size;
    expect(await getTailCursor(db, log)).toMatchObject({ inode: String(statSync(log).ino), offset: newSize, lines: 3 });

    // copytruncate: the same file emptied and written again from the start.
    writeFileSync(log, line(200, 'c4', 'ENTERQUEUE', '|07700900004|1'));
    expect(statSync(log).size).toBeLessThan(newSize);
    const r4 = await tailQueueLog(db, opts);
    expect(r4).toMatchObject({ rotation: 'truncated', warnings: [expect.stringContaining('truncated in place')] });
    expect((await visits(db, 'live')).map((v) => [v.callId, v.outcome])).toEqual([
      ['c1', 'answered'],
      ['c2', 'abandoned'],
      ['c3', 'timeout'],
      ['c4', 'waiting'],
    ]);
  });

  it('the job follows the configured log and queues the compute for the days it touched', async () => {
    const file = path.join(dir, 'job_queue_log');
    writeFileSync(file, line(0, 'j1', 'ENTERQUEUE', '|1|1') + line(20, 'j1', 'ABANDON', '1|1|20'));
    const config = appConfigSchema.parse({ calls: { tail: { path: file, source: 'job' } } });
    const queued: unknown[][] = [];
    const ctx = { db, config, env: { dataDir: dir } as never, now: () => new Date(), log: () => {}, enqueue: async (...a: unknown[]) => void queued.push(a) };
    const r = await tailQueueLogJob.run(ctx, {});
    expect(r).toMatchObject({ configured: true, status: 'read', lines: 2 });
    expect(queued).toEqual([['compute-calls', expect.stringMatching(/^compute-calls-after-tail-\d+$/), { days: ['2025-06-02'] }]]);
    expect(await tailQueueLogJob.run(ctx, {})).toMatchObject({ status: 'idle', lines: 0 });
    expect(await tailQueueLogJob.run({ ...ctx, config: appConfigSchema.parse({}) }, {})).toEqual({ configured: false });
  });
});
