import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { planActionProgress, planActions, plans, type PlanActionRow } from '../../db/schema.ts';
import type { NormalisedAction } from '../feeds/actions/mapping.ts';
import type { BatchCounts } from '../feeds/ingest-csv.ts';

/** Creates the plan, or renames it when a title is given. */
export async function ensurePlan(db: Db, code: string, title?: string): Promise<void> {
  await db
    .insert(plans)
    .values({ code, title: title ?? code })
    .onConflictDoUpdate({ target: plans.code, set: title === undefined ? { code } : { title, updatedAt: sql`now()` } });
}

const fields = ['title', 'section', 'priority', 'type', 'parent', 'desiredOutcome', 'owner', 'startDate', 'dueDate', 'progress', 'statusIcon', 'latestUpdate', 'updatedOn'] as const;

/**
 * Upserts a batch of actions and milestones on (plan, code): a row equal to the stored one is
 * not written (re-importing a file changes nothing); within a batch the last row of a code wins.
 * Each row's progress is also kept as that quarter's (by its update day, else `today`'s quarter).
 */
export async function upsertPlanActions(db: Db, planCode: string, runId: number, items: NormalisedAction[], quarterOf: (a: NormalisedAction) => string): Promise<BatchCounts> {
  const latest = new Map<string, NormalisedAction>();
  for (const it of items) latest.set(it.code, it);
  const codes = [...latest.keys()];
  const stored = new Map<string, PlanActionRow>();
  for (let i = 0; i < codes.length; i += 5000) {
    const rows = await db.select().from(planActions).where(and(eq(planActions.planCode, planCode), inArray(planActions.code, codes.slice(i, i + 5000))));
    for (const r of rows) stored.set(r.code, r);
  }
  const counts: BatchCounts = { inserted: 0, updated: 0, unchanged: items.length - latest.size };
  for (const a of latest.values()) {
    const old = stored.get(a.code);
    if (old && fields.every((f) => old[f] === a[f])) {
      counts.unchanged += 1;
      continue;
    }
    if (old) {
      await db.update(planActions).set({ ...a, runId }).where(and(eq(planActions.planCode, planCode), eq(planActions.code, a.code)));
      counts.updated += 1;
    } else {
      await db.insert(planActions).values({ ...a, planCode, runId });
      counts.inserted += 1;
    }
    await db
      .insert(planActionProgress)
      .values({ planCode, code: a.code, quarter: quarterOf(a), progress: a.progress, updatedOn: a.updatedOn, latestUpdate: a.latestUpdate, runId })
      .onConflictDoUpdate({
        target: [planActionProgress.planCode, planActionProgress.code, planActionProgress.quarter],
        set: { progress: a.progress, updatedOn: a.updatedOn, latestUpdate: a.latestUpdate, runId },
      });
  }
  if (latest.size > 0) await db.update(plans).set({ updatedAt: sql`now()` }).where(eq(plans.code, planCode));
  return counts;
}

export async function getPlan(db: Db, code: string) {
  const [row] = await db.select().from(plans).where(eq(plans.code, code));
  return row;
}

/** Every plan with how many actions (not milestones) it holds. */
export async function listPlans(db: Db) {
  const rows = await db
    .select({ code: plans.code, title: plans.title, updatedAt: plans.updatedAt, actions: count(planActions.code) })
    .from(plans)
    .leftJoin(planActions, and(eq(planActions.planCode, plans.code), eq(planActions.type, 'action')))
    .groupBy(plans.code, plans.title, plans.updatedAt)
    .orderBy(asc(plans.code));
  return rows.map((r) => ({ ...r, actions: Number(r.actions) }));
}

/** A plan's actions and milestones as stored. */
export async function planActionRows(db: Db, planCode: string): Promise<PlanActionRow[]> {
  return db.select().from(planActions).where(eq(planActions.planCode, planCode)).orderBy(asc(planActions.code));
}

/** An action's progress by quarter, oldest first. */
export async function planActionHistory(db: Db, planCode: string, code?: string) {
  return db
    .select()
    .from(planActionProgress)
    .where(and(eq(planActionProgress.planCode, planCode), code === undefined ? undefined : eq(planActionProgress.code, code)))
    .orderBy(asc(planActionProgress.code), asc(planActionProgress.quarter));
}
