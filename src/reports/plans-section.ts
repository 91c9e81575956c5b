/** The report's service-plan section (METRICS.md §7): every plan's progress, sections and actions as of a date. */
import type { Db } from '../../db/client.ts';
import type { AppConfig } from '../config/app-config.ts';
import { displayPercent, planProgress } from '../plans/progress.ts';
import { actionInputsOf } from '../services/plans.ts';
import { listPlans, planActionRows } from '../store/plans.ts';

export async function servicePlansAsOf(db: Db, config: AppConfig, date: string) {
  const out = [];
  for (const p of await listPlans(db)) {
    const f = planProgress(actionInputsOf(await planActionRows(db, p.code)), date, config.plans);
    out.push({
      code: p.code,
      title: p.title,
      asOf: date,
      progress: f.progress,
      progressDisplay: f.progressDisplay,
      sections: f.sections.map((s) => ({
        name: s.name,
        level: s.level,
        weight: s.weight,
        progress: s.progress,
        progressDisplay: s.progressDisplay,
        actions: s.actions.map((a) => ({
          code: a.code, title: a.title, priority: a.priority, weight: a.weight, progress: a.progress, progressDisplay: displayPercent(a.progress, config.plans.display),
          status: a.status, dueDate: a.dueDate, owner: a.owner, latestUpdate: a.latestUpdate, updatedOn: a.updatedOn,
          milestones: a.milestones,
        })),
      })),
    });
  }
  return out;
}
export type ServicePlanSection = Awaited<ReturnType<typeof servicePlansAsOf>>;
