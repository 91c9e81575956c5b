import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { ingestRuns, jobRuns, seenFeedFiles, tickets, ticketSla } from '../../db/schema.ts';
import { dropFolders, ingestDropJob } from '../../jobs/ingest-drop.ts';
import { createInlineRunner } from '../../jobs/runners/inline.ts';
import { appConfigSchema, type AppConfig } from '../../src/config/app-config.ts';
import { sha256File } from '../../src/feeds/file-hash.ts';
import { backends } from '../support/services.ts';

// Two looks with no gap between them: these files are written whole before the job runs.
const config = appConfigSchema.parse({ jobs: { dropSettleMs: 0 } });

/** One run of the ingest-drop job (and what it queues) on the inline runner. */
async function runDrop(handle: DbHandle, dataDir: string, slot: string, cfg: AppConfig = config) {
  const runner = createInlineRunner((enqueue) => ({
    db: handle.db,
    config: cfg,
    env: { port: 0, dataDir, publicRead: false },
    now: () => new Date('2025-03-04T12:00:00Z'),
    log: () => {},
    enqueue,
  }));
  await runner.enqueue('ingest-drop', slot, {});
  await runner.drain();
  await runner.close();
}

describe.each(backends.filter((b) => b.available))('ingest-drop job on $name', (backend) => {
  let handle: DbHandle;
  let dataDir: string;

  beforeAll(async () => {
    handle = await backend.open();
    dataDir = await mkdtemp(path.join(tmpdir(), 'attain-drop-'));
  });
  afterAll(async () => handle?.close());

  it('ingests each dropped file once, moves it with a report, and queues the compute', async () => {
    const dirs = dropFolders(dataDir);
    await mkdir(dirs.inbox, { recursive: true });
    await writeFile(
      path.join(dirs.inbox, 'a-tickets.csv'),
      'id,kind,priority,opened_at,resolved_at\nINC1,incident,high,2025-03-03 09:00,2025-03-03 10:00\nINC2,incident,urgent,2025-03-03 09:00,\n',
    );
    await writeFile(path.join(dirs.inbox, 'b-export.csv'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]));
    await writeFile(path.join(dirs.inbox, 'notes.txt'), 'not a feed');

    await runDrop(handle, dataDir, 'ingest-drop-2025-03-04T1200');

    expect((await readdir(dirs.inbox)).sort()).toEqual(['failed', 'notes.txt', 'processed']);
    expect((await readdir(dirs.processed)).sort()).toEqual(['a-tickets.csv', 'a-tickets.csv.report.json']);
    expect((await readdir(dirs.failed)).sort()).toEqual(['b-export.csv', 'b-export.csv.report.json']);
    // Two rows: INC1 good, INC2 has an unknown priority → 1 inserted, 1 rejected.
    const report = JSON.parse(await readFile(path.join(dirs.processed, 'a-tickets.csv.report.json'), 'utf8'));
    expect(report).toMatchObject({ status: 'succeeded', rowsRead: 2, inserted: 1, rejected: 1 });
    const failed = JSON.parse(await readFile(path.join(dirs.failed, 'b-export.csv.report.json'), 'utf8'));
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/b-export\.csv.*binary/);

    expect(await handle.db.select({ id: tickets.externalId }).from(tickets)).toEqual([{ id: 'INC1' }]);
    const compute = await handle.db.select().from(jobRuns).where(eq(jobRuns.job, 'compute-sla'));
    expect(compute).toHaveLength(1);
    expect(compute[0]).toMatchObject({ status: 'succeeded', runner: 'inline', attempt: 1 });
    // INC1: high, 60 business minutes of 420 → met on 3 March (its outcome day).
    const [state] = await handle.db.select().from(ticketSla);
    expect(state).toMatchObject({ outcome: 'met', elapsedMs: 60 * 60_000, targetMinutes: 420, outcomeDay: '2025-03-03' });
  });

  it('does not ingest the same content twice, whatever its name; a new file of an old name is kept apart', async () => {
    const dirs = dropFolders(dataDir);
    const first = path.join(dirs.processed, 'a-tickets.csv');
    const sha = await sha256File(first);
    const [aRun] = await handle.db.select().from(ingestRuns).where(eq(ingestRuns.file, 'a-tickets.csv'));
    // Same bytes as a-tickets.csv under a new name; and a new a-tickets.csv (INC3 only).
    await writeFile(path.join(dirs.inbox, 'c-copy.csv'), await readFile(first));
    await writeFile(path.join(dirs.inbox, 'a-tickets.csv'), 'id,kind,priority,opened_at,resolved_at\nINC3,incident,high,2025-03-03 11:00,2025-03-03 11:30\n');
    const runsBefore = (await handle.db.select().from(ingestRuns)).length; // a-tickets.csv and b-export.csv: 2

    await runDrop(handle, dataDir, 'ingest-drop-2025-03-04T1201');

    expect((await readdir(dirs.inbox)).sort()).toEqual(['failed', 'notes.txt', 'processed']);
    expect((await readdir(dirs.processed)).sort()).toEqual([
      'a-tickets-2.csv', 'a-tickets-2.csv.report.json', 'a-tickets.csv', 'a-tickets.csv.report.json', 'c-copy.csv', 'c-copy.csv.report.json',
    ]);
    const dup = JSON.parse(await readFile(path.join(dirs.processed, 'c-copy.csv.report.json'), 'utf8'));
    expect(dup).toMatchObject({ status: 'duplicate', file: 'c-copy.csv', sha256: sha, duplicateOf: { runId: aRun!.id, file: 'a-tickets.csv' } });
    expect(dup.message).toContain(`ingested by run ${aRun!.id}`);
    // One new run (the new a-tickets.csv); the copy made none.
    expect(await handle.db.select().from(ingestRuns)).toHaveLength(runsBefore + 1);
    expect((await handle.db.select({ id: tickets.externalId }).from(tickets)).map((r) => r.id).sort()).toEqual(['INC1', 'INC3']);
    // Hashes seen: a-tickets.csv (succeeded), b-export.csv (failed), the new a-tickets.csv (succeeded).
    const seen = await handle.db.select().from(seenFeedFiles);
    expect(seen.map((r) => [r.file, r.status]).sort()).toEqual([['a-tickets.csv', 'succeeded'], ['a-tickets.csv', 'succeeded'], ['b-export.csv', 'failed']]);
    expect(seen.find((r) => r.sha256 === sha)!.runId).toBe(aRun!.id);
  });

  it('reads the drop folder with the configured preset, and leaves the files when that preset is unknown', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'attain-drop-preset-'));
    const dirs = dropFolders(dir);
    await mkdir(dirs.inbox, { recursive: true });
    // Jira Service Management export: 2 issues, ITSD-1 resolved, ITSD-2 open.
    await writeFile(
      path.join(dirs.inbox, 'jira.csv'),
      'Issue key,Issue Type,Priority,Status,Created,Resolved\nITSD-1,Incident,High,Resolved,03/Mar/25 9:00 AM,03/Mar/25 10:00 AM\nITSD-2,Service Request,Medium,Waiting for customer,03/Mar/25 9:30 AM,\n',
    );
    const bad = appConfigSchema.parse({ ticketFeeds: { dropPreset: 'nosuch' }, jobs: { dropSettleMs: 0 } });
    // Run the job once directly: on the runner it would be retried with backoff (seconds).
    const ctx = { db: handle.db, config: bad, env: { port: 0, dataDir: dir, publicRead: false }, now: () => new Date(), log: () => {}, enqueue: async () => {} };
    await expect(ingestDropJob.run(ctx, {})).rejects.toThrow(/ticketFeeds\.dropPreset: unknown preset "nosuch"/);
    expect((await readdir(dirs.inbox)).sort()).toEqual(['jira.csv']);

    const jira = appConfigSchema.parse({ ticketFeeds: { dropPreset: 'jira-sm' }, jobs: { dropSettleMs: 0 } });
    await runDrop(handle, dir, 'ingest-drop-preset-jira', jira);
    const report = JSON.parse(await readFile(path.join(dirs.processed, 'jira.csv.report.json'), 'utf8'));
    expect(report).toMatchObject({ status: 'succeeded', preset: 'jira-sm', source: 'jira', rowsRead: 2, inserted: 2, rejected: 0 });
    const rows = await handle.db.select({ id: tickets.externalId, priority: tickets.priority, status: tickets.status }).from(tickets).where(eq(tickets.source, 'jira'));
    expect(rows.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'ITSD-1', priority: 'high', status: 'Resolved' },
      { id: 'ITSD-2', priority: 'normal', status: 'Awaiting customer' },
    ]);
  });
});
