import { describe, expect, it } from 'vitest';
import { defaultPlansConfig, plansConfigSchema } from '../../src/plans/config.ts';
import { actionStatus, addMonths, displayPercent, elapsedShare, planProgress, type ActionInput } from '../../src/plans/progress.ts';

const STRATEGIC = 'Section 4: Strategic Level Outcomes';
const SERVICE = 'Section 5: Service Level Outcomes';

/** An action in progress, owned, updated recently, due in the future (overridden per test). */
const action = (code: string, over: Partial<ActionInput> = {}): ActionInput => ({
  code,
  title: `Action ${code}`,
  section: STRATEGIC,
  priority: 1,
  progress: 50,
  owner: 'Head of ICT',
  startDate: null,
  dueDate: '2026-03-31',
  updatedOn: '2025-11-20',
  latestUpdate: null,
  cancelled: false,
  milestones: [],
  ...over,
});

const DATE = '2025-11-30';

describe('service-plan weighted progress (METRICS.md §7)', () => {
  it('reproduces the published worked example: sections 49% and 46% give a plan at 47.8, printed 47%', () => {
    const plan = planProgress(
      [
        // Strategic section of three P1 actions (weight 3 each): (3×72 + 3×10 + 3×65) / 9 = 441 / 9 = 49.
        action('S1', { progress: 72 }),
        action('S2', { progress: 10 }),
        action('S3', { progress: 65 }),
        // Service section: P2 at 40 (weight 2), P3 at 58 (weight 1): (2×40 + 1×58) / 3 = 138 / 3 = 46.
        action('V1', { section: SERVICE, priority: 2, progress: 40 }),
        action('V2', { section: SERVICE, priority: 3, progress: 58 }),
      ],
      DATE,
      defaultPlansConfig,
    );
    expect(plan.sections.map((s) => [s.name, s.level, s.weight, s.progress, s.progressDisplay])).toEqual([
      [STRATEGIC, 'strategic', 3, 49, 49],
      [SERVICE, 'service', 2, 46, 46],
    ]);
    // Plan: (49×3 + 46×2) / (3 + 2) = (147 + 92) / 5 = 239 / 5 = 47.8; shown rounded down: 47.
    expect(plan.progress).toBeCloseTo(47.8, 10);
    expect(plan.progressDisplay).toBe(47);
    expect(plan.sections[0]!.actions.map((a) => a.weight)).toEqual([3, 3, 3]);
  });

  it('rounds the displayed figure as configured, keeping the exact value', () => {
    expect(displayPercent(47.8, 'floor')).toBe(47);
    expect(displayPercent(47.8, 'round')).toBe(48);
    expect(displayPercent(47.2, 'ceil')).toBe(48);
    // 0.1 + 0.2 style noise under an exact 49 stays 49, not 48.
    expect(displayPercent(48.99999999999, 'floor')).toBe(49);
    const cfg = plansConfigSchema.parse({ display: 'round' });
    const plan = planProgress([action('A', { progress: 47.8 })], DATE, cfg);
    // 3×47.8 / 3 comes back as 47.79999…: exact within floating point, displayed 48.
    expect(plan.progress).toBeCloseTo(47.8, 10);
    expect(plan.progressDisplay).toBe(48);
  });

  it('takes completed ÷ all milestones for an action with no progress of its own', () => {
    const ms = (done: boolean[]) => done.map((completed, i) => ({ code: `M${i}`, title: `m${i}`, progress: completed ? 100 : null, completed }));
    const plan = planProgress(
      [
        // 3 of 4 milestones done: 3 / 4 = 75%.
        action('A', { progress: null, milestones: ms([true, true, true, false]) }),
        // Its own progress (20) wins over its milestones (1 of 2 = 50).
        action('B', { progress: 20, milestones: ms([true, false]) }),
        // No progress, no milestones: 0.
        action('C', { progress: null, priority: 3 }),
      ],
      DATE,
      defaultPlansConfig,
    );
    const s = plan.sections[0]!;
    expect(s.actions.map((a) => a.progress)).toEqual([75, 20, 0]);
    // (3×75 + 3×20 + 1×0) / (3 + 3 + 1) = (225 + 60) / 7 = 285 / 7 = 40.714…; shown 40.
    expect(s.progress).toBeCloseTo(285 / 7, 10);
    expect(s.progressDisplay).toBe(40);
    // Only the strategic section: the plan equals it.
    expect(plan.progress).toBeCloseTo(285 / 7, 10);
  });

  it('weighs priority-4 actions 3 in a strategic section and 2 in a service-level one', () => {
    const plan = planProgress(
      [
        // Strategic: P4 at 60 (weight 3), P2 at 30 (weight 2): (180 + 60) / 5 = 48.
        action('S1', { priority: 4, progress: 60 }),
        action('S2', { priority: 2, progress: 30 }),
        // Service: P4 at 60 (weight 2), P1 at 30 (weight 3): (120 + 90) / 5 = 42.
        action('V1', { section: SERVICE, priority: 4, progress: 60 }),
        action('V2', { section: SERVICE, priority: 1, progress: 30 }),
      ],
      DATE,
      defaultPlansConfig,
    );
    expect(plan.sections.map((s) => s.actions.map((a) => [a.kind, a.weight]))).toEqual([
      [['strategic', 3], ['strategic', 2]],
      [['service', 2], ['service', 3]],
    ]);
    expect(plan.sections.map((s) => s.progress)).toEqual([48, 42]);
    // Plan: (48×3 + 42×2) / 5 = (144 + 84) / 5 = 228 / 5 = 45.6; shown 45.
    expect(plan.progress).toBeCloseTo(45.6, 10);
    expect(plan.progressDisplay).toBe(45);
  });

  it('takes weights from configuration', () => {
    const cfg = plansConfigSchema.parse({ weights: { priority1: 5, priority3: 1 }, sectionWeights: { strategic: 1, service: 1 } });
    const plan = planProgress(
      [action('A', { priority: 1, progress: 100 }), action('B', { priority: 3, progress: 40 }), action('C', { section: SERVICE, progress: 10 })],
      DATE,
      cfg,
    );
    // Strategic: (5×100 + 1×40) / 6 = 540 / 6 = 90; service: 10; plan (90 + 10) / 2 = 50.
    expect(plan.sections.map((s) => s.progress)).toEqual([90, 10]);
    expect(plan.progress).toBe(50);
  });

  it('leaves cancelled actions out of the roll-up but shows them', () => {
    const plan = planProgress([action('A', { progress: 80 }), action('B', { progress: 0, cancelled: true })], DATE, defaultPlansConfig);
    // Only A counts: 80 (with B it would be 40).
    expect(plan.sections[0]!.progress).toBe(80);
    expect(plan.sections[0]!.actions.map((a) => a.status)).toEqual(['In Progress', 'Cancelled']);
  });
});

describe('action status as of a date (METRICS.md §7)', () => {
  const status = (over: Partial<ActionInput>, date = DATE) => actionStatus(action('A', over), date, defaultPlansConfig);

  it('Completed at 100%, even past its due date and without an owner', () => {
    expect(status({ progress: 100, dueDate: '2025-06-30', owner: null })).toBe('Completed');
  });
  it('Completed when every milestone is done', () => {
    expect(status({ progress: null, milestones: [{ code: 'M1', title: 'm', progress: 100, completed: true }] })).toBe('Completed');
  });
  it('Cancelled before anything else (also at 100%)', () => {
    expect(status({ cancelled: true, progress: 100 })).toBe('Cancelled');
  });
  it('Overdue: due date passed and not complete; on the due day itself it is not yet overdue', () => {
    expect(status({ dueDate: '2025-11-29' })).toBe('Overdue');
    expect(status({ dueDate: '2025-11-30' })).toBe('In Progress');
  });
  it('Overdue wins over neglected and unassigned', () => {
    expect(status({ dueDate: '2025-10-31', updatedOn: '2025-01-01', owner: null })).toBe('Overdue');
  });
  it('Neglected: no update for longer than a quarter (updated 2025-08-29: + 3 months = 2025-11-29, before 2025-11-30)', () => {
    expect(status({ updatedOn: '2025-08-29' })).toBe('Neglected');
    // Updated 2025-08-30: + 3 months = 2025-11-30, not before the date: not neglected yet.
    expect(status({ updatedOn: '2025-08-30' })).toBe('In Progress');
    // The period is configuration: one month.
    expect(actionStatus(action('A', { updatedOn: '2025-10-20' }), DATE, plansConfigSchema.parse({ neglectedAfterMonths: 1 }))).toBe('Neglected');
  });
  it('Neglected judges a never-updated action from its start date', () => {
    expect(status({ updatedOn: null, startDate: '2025-04-01', progress: 60 })).toBe('Neglected');
    expect(status({ updatedOn: null, startDate: null })).toBe('In Progress');
  });
  it('Unassigned: no owner', () => {
    expect(status({ owner: null })).toBe('Unassigned');
  });
  it('Check Progress: behind the elapsed share of its time by more than 10 points', () => {
    // Start 2025-04-01, due 2026-03-31: 365 days. By the end of 2025-11-30, 244 days have
    // elapsed (Apr 30 + May 31 + Jun 30 + Jul 31 + Aug 31 + Sep 30 + Oct 31 + Nov 30):
    // 244 / 365 = 66.85%. Behind by more than 10 points: progress below 56.85.
    expect(elapsedShare('2025-04-01', '2026-03-31', DATE)).toBeCloseTo(244 / 365, 12);
    expect(status({ startDate: '2025-04-01', progress: 56 })).toBe('Check Progress');
    expect(status({ startDate: '2025-04-01', progress: 57 })).toBe('In Progress');
    // A margin of 20 points tolerates 56 (threshold 46.85).
    expect(actionStatus(action('A', { startDate: '2025-04-01', progress: 56 }), DATE, plansConfigSchema.parse({ checkProgressMargin: 20 }))).toBe('In Progress');
    // At 0% it is Check Progress too, not Not Started.
    expect(status({ startDate: '2025-04-01', progress: 0 })).toBe('Check Progress');
  });
  it('Not Started: 0% with its time barely begun', () => {
    // Start 2025-11-25: 6 of 127 days elapsed (Nov 25 → Mar 31) = 4.7%, within the margin.
    expect(status({ startDate: '2025-11-25', progress: 0 })).toBe('Not Started');
    expect(status({ startDate: null, progress: 0 })).toBe('Not Started');
  });
  it('Assigned: owned, 0%, its start date still ahead', () => {
    expect(status({ startDate: '2025-12-01', progress: 0 })).toBe('Assigned');
  });
  it('In Progress otherwise', () => {
    expect(status({ progress: 35 })).toBe('In Progress');
  });
});

describe('calendar months', () => {
  it('adds months clamped to the month end', () => {
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-11-30', 3)).toBe('2025-02-28');
    expect(addMonths('2025-08-29', 3)).toBe('2025-11-29');
    expect(addMonths('2025-12-15', -12)).toBe('2024-12-15');
  });
});
