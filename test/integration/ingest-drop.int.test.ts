import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { jobRuns, metricValues, tickets } from '../../db/schema.ts';
import { dropFolders } from '../../jobs/ingest-drop.ts';
import { createInlineRunner } from '../../jobs/runners/inline.ts';
import { loadAppConfig } from '../../src/config/app-config.ts';
import { backends } from '../support/services.ts';

const config = loadAppConfig();

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

    const runner = createInlineRunner((enqueue) => ({
      db: handle.db,
      config,
      env: { port: 0, dataDir, publicRead: false },
      now: () => new Date('2025-03-04T12:00:00Z'),
      log: () => {},
      enqueue,
    }));
    await runner.enqueue('ingest-drop', 'ingest-drop-2025-03-04T1200', {});
    await runner.drain();
    await runner.close();

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
    // INC1: high, 60 business minutes of 420 → met on 3 March; stored for the month.
    const all = await handle.db.select().from(metricValues).where(eq(metricValues.dimKey, '')).orderBy(metricValues.period);
    expect(all.map((r) => [r.grain, r.period, r.counts.met, r.counts.breached])).toEqual([
      ['month', '2025-03', 1, 0],
      ['day', '2025-03-03', 1, 0],
    ]);
  });
});
