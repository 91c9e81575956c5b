import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestActionsFile, planDocument, planFigures } from '../../src/services/plans.ts';
import { listRejectedRows } from '../../src/store/ingest-runs.ts';
import { planActionHistory } from '../../src/store/plans.ts';
import { backends } from '../support/services.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/plans');
const config = appConfigSchema.parse({});
const DATE = '2025-11-30';

describe.each(backends.filter((b) => b.available))('service-plan action exports on $name', (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(async () => handle?.close());

  it('reproduces the published worked example from a Pentana-shaped export: sections 49% and 46%, plan 47.8 printed 47%', async () => {
    const r = await ingestActionsFile(handle.db, path.join(fixtures, 'published-example.csv'), config, { plan: 'ICT-2025', title: 'ICT Service Plan 2025/26', today: DATE });
    expect(r).toMatchObject({ status: 'succeeded', rowsRead: 5, inserted: 5, rejected: 0, preset: 'pentana', plan: 'ICT-2025' });
    const found = (await planFigures(handle.db, config, 'ICT-2025', DATE))!;
    const doc = planDocument(found.plan, found.figures);
    // Strategic: three P1 actions (weight 3) at 72, 10, 65: 441 / 9 = 49.
    // Service: P2 at 40 (weight 2), P3 at 58 (weight 1): 138 / 3 = 46.
    // Plan: (49 × 3 + 46 × 2) / 5 = 239 / 5 = 47.8, printed 47.
    expect(doc).toMatchObject({ code: 'ICT-2025', title: 'ICT Service Plan 2025/26', progressDisplay: 47 });
    expect(doc.progress).toBeCloseTo(47.8, 10);
    expect(doc.sections.map((s) => [s.name, s.weight, s.progress, s.progressDisplay])).toEqual([
      ['Section 4: Strategic Level Outcomes', 3, 49, 49],
      ['Section 5: Service Level Outcomes', 2, 46, 46],
    ]);
    expect(doc.sections[0]!.actions[0]).toEqual({
      code: 'ICT4.1', title: 'Deliver the digital strategy', priority: 1, kind: 'strategic', weight: 3, progress: 72,
      status: 'In Progress', dueDate: '2026-03-31', owner: 'Head of ICT', latestUpdate: 'Business cases approved; procurement under way',
    });
  });

  it('reads milestones, every status, and quarantines bad rows with line and field; re-importing changes nothing', async () => {
    const file = path.join(fixtures, 'service-plan.csv');
    const r = await ingestActionsFile(handle.db, file, config, { plan: 'SP', today: DATE });
    // 18 data rows: 13 good (8 in section 4 with 4 milestones, 5 in section 5), 4 bad.
    expect(r).toMatchObject({ status: 'succeeded', rowsRead: 17, inserted: 13, updated: 0, rejected: 4 });
    const rejected = await listRejectedRows(handle.db, r.runId);
    expect(rejected.map((x) => [x.file, x.line, x.field])).toEqual([
      ['service-plan.csv', 15, 'Action Code'],
      ['service-plan.csv', 16, 'Progress'],
      ['service-plan.csv', 17, 'Due Date'],
      ['service-plan.csv', 18, 'Priority'],
    ]);
    expect(rejected[1]!.reason).toBe('Progress: progress 120% is outside 0–100');

    const { figures } = (await planFigures(handle.db, config, 'SP', DATE))!;
    const statusOf = Object.fromEntries(figures.sections.flatMap((s) => s.actions.map((a) => [a.code, [a.progress, a.weight, a.status]])));
    expect(statusOf).toEqual({
      A1: [100, 3, 'Completed'],
      // No own progress: milestones M1 (icon Completed) and M2 (100%) of 4 → 2 / 4 = 50.
      // P4 in a strategic section weighs 3. Start 2025-04-01, due 2026-03-31: 244 of 365 days
      // elapsed by 2025-11-30 = 66.8%; 50 is more than 10 points behind → Check Progress.
      A2: [50, 3, 'Check Progress'],
      A3: [30, 2, 'Overdue'], // due 2025-10-31
      A4: [20, 1, 'Cancelled'],
      // P4 in a service section weighs 2; last update 2025-08-01 + 3 months = 2025-11-01 < 2025-11-30.
      B1: [40, 2, 'Neglected'],
      B2: [60, 3, 'Unassigned'],
      B3: [0, 2, 'Assigned'], // starts 2025-12-01
      B4: [0, 1, 'Not Started'], // started 2025-11-20: 11 of 223 days = 4.9%, within the margin
      B5: [60, 2, 'In Progress'], // 60 ≥ 66.8 − 10
    });
    // Section 4 (A4 cancelled, left out): (3×100 + 3×50 + 2×30) / 8 = 510 / 8 = 63.75 → 63.
    // Section 5: (2×40 + 3×60 + 2×0 + 1×0 + 2×60) / 10 = 380 / 10 = 38.
    // Plan: (63.75 × 3 + 38 × 2) / 5 = 267.25 / 5 = 53.45 → 53.
    expect(figures.sections.map((s) => [s.progress, s.progressDisplay])).toEqual([[63.75, 63], [38, 38]]);
    expect(figures.progress).toBeCloseTo(53.45, 10);
    expect(figures.progressDisplay).toBe(53);
    expect(figures.sections[0]!.actions.find((a) => a.code === 'A2')!.milestones.map((m) => [m.code, m.completed])).toEqual([
      ['M1', true], ['M2', true], ['M3', false], ['M4', false],
    ]);

    const again = await ingestActionsFile(handle.db, file, config, { plan: 'SP', today: DATE });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 13, rejected: 4 });
  });

  it("keeps each quarter's progress as history when a later export updates an action", async () => {
    const r = await ingestActionsFile(handle.db, path.join(fixtures, 'service-plan-q1.csv'), config, { plan: 'SP', today: '2026-01-12' });
    expect(r).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
    const history = await planActionHistory(handle.db, 'SP', 'A3');
    // Updated 15/11/2025 at 30% (2025-Q4), then 10/01/2026 at 80% (2026-Q1).
    expect(history.map((h) => [h.quarter, h.progress, h.updatedOn])).toEqual([
      ['2025-Q4', 30, '2025-11-15'],
      ['2026-Q1', 80, '2026-01-10'],
    ]);
    const { figures } = (await planFigures(handle.db, config, 'SP', '2026-01-12'))!;
    expect(figures.sections[0]!.actions.find((a) => a.code === 'A3')).toMatchObject({ progress: 80, status: 'Overdue', latestUpdate: 'Approved by committee' });
  });
});
