/** Service-plan verbs (METRICS.md §7): import an action export, read a plan's progress as of a date. */
import type { Db } from '../../db/client.ts';
import type { PlanActionRow } from '../../db/schema.ts';
import type { AppConfig } from '../config/app-config.ts';
import { CANCELLED, COMPLETED, compileActionMapping, type ActionMapping, type NormalisedAction } from '../feeds/actions/mapping.ts';
import { actionPresetNames, actionPresets } from '../feeds/actions/presets.ts';
import { ingestCsvFile, type CsvFeed, type IngestOptions, type IngestResult } from '../feeds/ingest-csv.ts';
import { planProgress, type ActionInput, type PlanFigures, type Priority } from '../plans/progress.ts';
import { periodOf } from '../sla/periods.ts';
import { slaRules } from '../sla/rules.ts';
import { ensurePlan, getPlan, listPlans, planActionRows, upsertPlanActions } from '../store/plans.ts';

export class UnknownActionPresetError extends Error {}

/** Every action preset and configured mapping name. */
export function actionFeedNames(config: AppConfig): string[] {
  return [...new Set([...actionPresetNames, ...Object.keys(config.actionFeeds.mappings)])];
}

function actionMappingNamed(config: AppConfig, name: string): ActionMapping {
  const m = config.actionFeeds.mappings[name] ?? actionPresets.get(name);
  if (!m) throw new UnknownActionPresetError(`unknown action preset "${name}" (known: ${actionFeedNames(config).join(', ')})`);
  return m;
}

export const DEFAULT_PLAN = 'service-plan';

export type ActionsIngestResult = IngestResult & { plan: string; preset: string };

/**
 * `attain ingest actions FILE [--preset NAME] [--plan CODE]`: the export read through the preset
 * or configured mapping into the plan (created when new). Re-imports update actions in place and
 * keep each quarter's progress (quarter of the row's update day, else of `today`).
 */
export async function ingestActionsFile(
  db: Db,
  file: string,
  config: AppConfig,
  opts: Omit<IngestOptions, 'source'> & { preset?: string; plan?: string; title?: string; today: string },
): Promise<ActionsIngestResult> {
  const preset = opts.preset ?? config.actionFeeds.defaultPreset;
  const mapping = actionMappingNamed(config, preset);
  const plan = opts.plan ?? DEFAULT_PLAN;
  await ensurePlan(db, plan, opts.title);
  const feed: CsvFeed<NormalisedAction> = {
    feed: 'actions',
    csv: { delimiter: mapping.delimiter },
    normalise: compileActionMapping(mapping, slaRules(config).zone),
    write: (tx, runId, items) => upsertPlanActions(tx, plan, runId, items, (a) => periodOf('quarter', a.updatedOn ?? opts.today)),
  };
  const r = await ingestCsvFile(db, file, feed, { ...opts, source: `plan:${plan}` });
  return { ...r, plan, preset };
}

/** Stored rows → the pure module's actions: milestones under their parent action. */
export function actionInputsOf(rows: readonly PlanActionRow[]): ActionInput[] {
  const milestones = new Map<string, PlanActionRow[]>();
  for (const r of rows) if (r.type === 'milestone' && r.parent) milestones.set(r.parent, [...(milestones.get(r.parent) ?? []), r]);
  return rows
    .filter((r) => r.type === 'action')
    .sort((a, b) => a.section.localeCompare(b.section, 'en', { numeric: true }) || a.code.localeCompare(b.code, 'en', { numeric: true }))
    .map((r) => ({
      code: r.code,
      title: r.title,
      section: r.section,
      priority: r.priority as Priority,
      progress: r.progress,
      owner: r.owner,
      startDate: r.startDate,
      dueDate: r.dueDate,
      updatedOn: r.updatedOn,
      latestUpdate: r.latestUpdate,
      cancelled: r.statusIcon === CANCELLED,
      milestones: (milestones.get(r.code) ?? []).map((m) => ({ code: m.code, title: m.title, progress: m.progress, completed: m.statusIcon === COMPLETED || (m.progress ?? 0) >= 100 })),
    }));
}

/** The plan document of `GET /api/v1/plans/{code}` (issue 14, item 7: this exact shape). */
export function planDocument(plan: { code: string; title: string }, f: PlanFigures) {
  return {
    code: plan.code,
    title: plan.title,
    progress: f.progress,
    progressDisplay: f.progressDisplay,
    sections: f.sections.map((s) => ({
      name: s.name,
      weight: s.weight,
      progress: s.progress,
      progressDisplay: s.progressDisplay,
      actions: s.actions.map((a) => ({
        code: a.code,
        title: a.title,
        priority: a.priority,
        kind: a.kind,
        weight: a.weight,
        progress: a.progress,
        status: a.status,
        dueDate: a.dueDate,
        owner: a.owner,
        latestUpdate: a.latestUpdate,
      })),
    })),
  };
}
export type PlanDocument = ReturnType<typeof planDocument>;

/** A plan's figures as of `date`, or undefined when there is no such plan. */
export async function planFigures(db: Db, config: AppConfig, code: string, date: string): Promise<{ plan: { code: string; title: string }; figures: PlanFigures } | undefined> {
  const plan = await getPlan(db, code);
  if (!plan) return undefined;
  return { plan, figures: planProgress(actionInputsOf(await planActionRows(db, code)), date, config.plans) };
}

/** Every plan with its progress as of `date`. */
export async function plansOverview(db: Db, config: AppConfig, date: string) {
  const out = [];
  for (const p of await listPlans(db)) {
    const f = planProgress(actionInputsOf(await planActionRows(db, p.code)), date, config.plans);
    out.push({ code: p.code, title: p.title, actions: p.actions, progress: f.progress, progressDisplay: f.progressDisplay, updatedAt: p.updatedAt.toISOString() });
  }
  return out;
}
