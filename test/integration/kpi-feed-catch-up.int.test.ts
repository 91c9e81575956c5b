import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import type { JobContext } from '../../jobs/context.ts';
import { kpiFeedJob } from '../../jobs/kpi-feed.ts';
import { createInlineRunner } from '../../jobs/runners/inline.ts';
import { enqueueMissedKpiFeed } from '../../jobs/schedule.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import type { Env } from '../../src/config/env.ts';
import { kpiRevisionsOf } from '../../src/store/kpi-feed.ts';
import { backends } from '../support/services.ts';

const config = appConfigSchema.parse({});

describe.each(backends.filter((b) => b.available))('kpi-feed catch-up at start on $name', (backend) => {
  let handle: DbHandle;
  let dataDir: string;
  beforeAll(async () => {
    handle = await backend.open();
    dataDir = await mkdtemp(path.join(tmpdir(), 'attain-catch-up-'));
  });
  afterAll(async () => {
    await handle?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("a start past the feed's slot builds the missing feed once; a later start finds it and enqueues nothing", async () => {
    // Tue 15 Dec 2026 14:00 GMT: December's slot (Tue 1 Dec 06:00, its first working day) has
    // passed and the cron tick that would have built November never ran here.
    const now = new Date('2026-12-15T14:00:00Z');
    const env: Env = { port: 0, dataDir, publicRead: true };
    const runner = createInlineRunner((enqueue): JobContext => ({ db: handle.db, config, env, now: () => now, log: () => {}, enqueue }), {
      catalog: new Map([[kpiFeedJob.name, kpiFeedJob as never]]),
    });
    const enqueued: unknown[][] = [];
    const enqueue = async (job: string, slot: string, payload?: unknown) => {
      enqueued.push([job, slot, payload]);
      await runner.enqueue(job, slot, payload);
    };

    expect(await enqueueMissedKpiFeed(handle.db, config, now, enqueue)).toBe('2026-11');
    // The slot id the cron tick would have made (jobs/define.ts slotId), forced: the job itself
    // acts only on the first working day.
    expect(enqueued).toEqual([['kpi-feed', 'kpi-feed-2026-12-01T0600', { force: true, month: '2026-11' }]]);
    await runner.drain();
    expect((await kpiRevisionsOf(handle.db, '2026-11')).map((r) => r.revision)).toEqual([1]);
    expect((await readdir(path.join(dataDir, 'outbox'))).sort()).toEqual(['kpi-feed-2026-11-r1.csv', 'kpi-feed-2026-11-r1.json']);

    // Started again the next day: the feed exists, nothing is enqueued, no revision added.
    expect(await enqueueMissedKpiFeed(handle.db, config, new Date('2026-12-16T09:00:00Z'), enqueue)).toBeNull();
    expect(enqueued).toHaveLength(1);
    await runner.close();
    expect((await kpiRevisionsOf(handle.db, '2026-11')).map((r) => r.revision)).toEqual([1]);
  });
});
