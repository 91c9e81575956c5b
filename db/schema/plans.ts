import { bigint, date, doublePrecision, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const day = (name: string) => date(name, { mode: 'string' });

/** A service plan (METRICS.md §7): its actions come from the performance system's export. */
export const plans = pgTable('plans', {
  code: text('code').primaryKey(),
  title: text('title').notNull(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

/**
 * An action or milestone of a plan as last imported, keyed by the export's action code within
 * the plan: a re-import updates it in place (an identical row changes nothing).
 */
export const planActions = pgTable(
  'plan_actions',
  {
    planCode: text('plan_code').notNull(),
    code: text('code').notNull(),
    title: text('title').notNull(),
    section: text('section').notNull(),
    /** 1 high, 2 medium, 3 low, 4 ongoing. */
    priority: integer('priority').notNull(),
    type: text('type').notNull().$type<'action' | 'milestone'>(),
    /** A milestone's action. */
    parent: text('parent'),
    desiredOutcome: text('desired_outcome'),
    owner: text('owner'),
    startDate: day('start_date'),
    dueDate: day('due_date'),
    /** 0–100; null when the export gives none (then milestones decide). */
    progress: doublePrecision('progress'),
    statusIcon: text('status_icon'),
    latestUpdate: text('latest_update'),
    /** Local day of the latest update. */
    updatedOn: day('updated_on'),
    runId: bigint('run_id', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.planCode, t.code] })],
);

/** Each quarter's progress of an action: the last value imported within that quarter (by its update day). */
export const planActionProgress = pgTable(
  'plan_action_progress',
  {
    planCode: text('plan_code').notNull(),
    code: text('code').notNull(),
    /** `YYYY-Qn`. */
    quarter: text('quarter').notNull(),
    progress: doublePrecision('progress'),
    updatedOn: day('updated_on'),
    latestUpdate: text('latest_update'),
    runId: bigint('run_id', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.planCode, t.code, t.quarter] })],
);

export type PlanActionRow = typeof planActions.$inferSelect;
export type NewPlanAction = typeof planActions.$inferInsert;
