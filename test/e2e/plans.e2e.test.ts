import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { createApp } from '../../src/http/app.ts';
import { ingestActionsFile } from '../../src/services/plans.ts';
import { backends } from '../support/services.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/plans');
const config = appConfigSchema.parse({});
const now = new Date('2025-12-01T10:00:00Z'); // local 2025-12-01

describe.each(backends.filter((b) => b.available))('service plans API on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  const get = async (url: string) => {
    const res = await app.request(url);
    return { status: res.status, body: (await res.json()) as any };
  };
  beforeAll(async () => {
    handle = await backend.open();
    await ingestActionsFile(handle.db, path.join(fixtures, 'published-example.csv'), config, { plan: 'ICT-2025', title: 'ICT Service Plan', today: '2025-11-30' });
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now });
  });
  afterAll(async () => handle?.close());

  it('GET /api/v1/plans/{code}?date answers exactly the documented shape', async () => {
    const { status, body } = await get('/api/v1/plans/ICT-2025?date=2025-11-30');
    expect(status).toBe(200);
    // Issue 14 item 7: these keys and no others.
    expect(Object.keys(body)).toEqual(['code', 'title', 'progress', 'progressDisplay', 'sections']);
    expect(Object.keys(body.sections[0])).toEqual(['name', 'weight', 'progress', 'progressDisplay', 'actions']);
    expect(Object.keys(body.sections[0].actions[0])).toEqual(['code', 'title', 'priority', 'kind', 'weight', 'progress', 'status', 'dueDate', 'owner', 'latestUpdate']);
    // (49 × 3 + 46 × 2) / 5 = 47.8 exact; printed 47.
    expect(body.progress).toBeCloseTo(47.8, 10);
    expect(body.progressDisplay).toBe(47);
    expect(body.sections.map((s: any) => s.progress)).toEqual([49, 46]);
  });

  it('judges status as of the date given: the same actions are overdue after their due date', async () => {
    // Due 2026-03-31; on 2026-04-01 every unfinished action is Overdue.
    const { body } = await get('/api/v1/plans/ICT-2025?date=2026-04-01');
    expect(body.sections.flatMap((s: any) => s.actions.map((a: any) => a.status))).toEqual(Array(5).fill('Overdue'));
    // Without a date: today (2025-12-01), all in progress.
    const today = await get('/api/v1/plans/ICT-2025');
    expect(today.body.sections[0].actions[0].status).toBe('In Progress');
  });

  it('lists plans with their progress', async () => {
    const { status, body } = await get('/api/v1/plans?date=2025-11-30');
    expect(status).toBe(200);
    expect(body.plans).toHaveLength(1);
    expect(body.plans[0]).toMatchObject({ code: 'ICT-2025', title: 'ICT Service Plan', actions: 5, progressDisplay: 47 });
  });

  it('answers 404 for an unknown plan and 400 for a bad date', async () => {
    const missing = await get('/api/v1/plans/NOPE');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const bad = await get('/api/v1/plans/ICT-2025?date=2025-02-30');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_parameter', details: { field: 'date' } });
  });
});
