/**
 * Service-plan progress and action status (METRICS.md §7). Pure: actions and the report date in,
 * figures out; no IO, no clock.
 */
import { addDays, dayKeyToDayNumber, daysInMonth } from '../calendar/zone.ts';
import type { PlansConfig } from './config.ts';

export type Level = 'strategic' | 'service';
export type Priority = 1 | 2 | 3 | 4;

/** A milestone of an action: done when its progress is 100 (or the export marks it completed). */
export type MilestoneInput = { code: string; title: string; progress: number | null; completed: boolean };

/** One action as the store holds it (dates are local `YYYY-MM-DD`). */
export type ActionInput = {
  code: string;
  title: string;
  section: string;
  priority: Priority;
  /** Own progress 0–100, or null (then its milestones', else 0). */
  progress: number | null;
  owner: string | null;
  startDate: string | null;
  dueDate: string | null;
  /** The day of the latest update. */
  updatedOn: string | null;
  latestUpdate: string | null;
  /** Cancelled in the performance system (its status icon): kept, shown, left out of the roll-up. */
  cancelled: boolean;
  milestones: MilestoneInput[];
};

export const statuses = ['Completed', 'Cancelled', 'Overdue', 'Neglected', 'Unassigned', 'Check Progress', 'Not Started', 'In Progress', 'Assigned'] as const;
export type ActionStatus = (typeof statuses)[number];

/** A section's level by its name ("Section 4: Strategic Level Outcomes" is strategic). */
export function levelOfSection(name: string, config: PlansConfig): Level {
  return new RegExp(config.strategicSectionPattern, 'i').test(name) ? 'strategic' : 'service';
}

/** An action's weight (METRICS.md §7): P1 3, P2 2, P3 1; P4 3 in a strategic section, 2 in a service-level one. */
export function actionWeight(priority: Priority, level: Level, config: PlansConfig): number {
  const w = config.weights;
  switch (priority) {
    case 1:
      return w.priority1;
    case 2:
      return w.priority2;
    case 3:
      return w.priority3;
    case 4:
      return level === 'strategic' ? w.priority4Strategic : w.priority4Service;
  }
}

/** An action's progress (METRICS.md §7): its own; without one, completed ÷ all milestones; else 0. */
export function actionProgress(a: Pick<ActionInput, 'progress' | 'milestones'>): number {
  if (a.progress !== null) return a.progress;
  if (a.milestones.length === 0) return 0;
  return (100 * a.milestones.filter((m) => m.completed).length) / a.milestones.length;
}

/** Σ(weight × progress) ÷ Σ weight, or null when nothing weighs. */
export function weightedMean(items: readonly { weight: number; progress: number }[]): number | null {
  let w = 0;
  let s = 0;
  for (const i of items) {
    w += i.weight;
    s += i.weight * i.progress;
  }
  return w > 0 ? s / w : null;
}

/**
 * A percentage as printed (METRICS.md §7: whole percent, rounded down by default). A hair of
 * tolerance keeps 48.99999999999 (floating-point noise of an exact 49) at 49.
 */
export function displayPercent(exact: number | null, mode: PlansConfig['display']): number | null {
  if (exact === null) return null;
  const eps = 1e-9;
  return mode === 'floor' ? Math.floor(exact + eps) : mode === 'ceil' ? Math.ceil(exact - eps) : Math.round(exact);
}

/** The local day `months` calendar months after `day` (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const nd = Math.min(d, daysInMonth(ny, nm));
  return `${ny}-${String(nm).padStart(2, '0')}-${String(nd).padStart(2, '0')}`;
}

/** Share of the time from start to due date elapsed by the end of `date`, 0–1 (null without both dates). */
export function elapsedShare(startDate: string | null, dueDate: string | null, date: string): number | null {
  if (!startDate || !dueDate) return null;
  const start = dayKeyToDayNumber(startDate);
  const due = dayKeyToDayNumber(dueDate);
  if (due <= start) return null;
  // Days are counted whole: at the end of the start day one day has elapsed.
  const elapsed = dayKeyToDayNumber(addDays(date, 1)) - start;
  return Math.min(1, Math.max(0, elapsed / (due - start + 1)));
}

/**
 * An action's status as of `date` (METRICS.md §7). The first rule that holds wins, in this order:
 * 1. Cancelled — cancelled in the performance system (whatever its progress);
 * 2. Completed — progress 100;
 * 3. Overdue — the due date has passed (due before `date`);
 * 4. Neglected — no update for longer than `neglectedAfterMonths` (an action never updated is
 *    judged from its start date; with neither, this rule does not apply);
 * 5. Unassigned — no owner;
 * 6. Check Progress — progress behind the elapsed share of start → due by more than the margin;
 * 7. Assigned — not begun (0%) and its start date still ahead;
 * 8. Not Started — 0%;
 * 9. In Progress.
 * The order puts what asks for action first: an overdue action is overdue even if also neglected.
 */
export function actionStatus(a: ActionInput, date: string, config: PlansConfig): ActionStatus {
  const progress = actionProgress(a);
  if (a.cancelled) return 'Cancelled';
  if (progress >= 100) return 'Completed';
  if (a.dueDate && a.dueDate < date) return 'Overdue';
  const lastSign = a.updatedOn ?? a.startDate;
  if (lastSign && lastSign <= date && addMonths(lastSign, config.neglectedAfterMonths) < date) return 'Neglected';
  if (!a.owner) return 'Unassigned';
  const share = elapsedShare(a.startDate, a.dueDate, date);
  if (share !== null && a.startDate! <= date && progress < share * 100 - config.checkProgressMargin) return 'Check Progress';
  if (progress === 0) return a.startDate && a.startDate > date ? 'Assigned' : 'Not Started';
  return 'In Progress';
}

export type ActionFigures = {
  code: string;
  title: string;
  priority: Priority;
  kind: Level;
  weight: number;
  progress: number;
  progressDisplay: number;
  status: ActionStatus;
  dueDate: string | null;
  owner: string | null;
  latestUpdate: string | null;
  updatedOn: string | null;
  milestones: { code: string; title: string; completed: boolean }[];
};
export type SectionFigures = { name: string; level: Level; weight: number; progress: number | null; progressDisplay: number | null; actions: ActionFigures[] };
export type PlanFigures = { date: string; progress: number | null; progressDisplay: number | null; sections: SectionFigures[] };

/**
 * The plan's roll-up as of `date` (METRICS.md §7): each section the weighted mean of its actions
 * (cancelled ones shown but not counted), the plan the weighted mean of its sections by their
 * level's weight. Sections in the order given (the store sorts them by name).
 */
export function planProgress(actions: readonly ActionInput[], date: string, config: PlansConfig): PlanFigures {
  const bySection = new Map<string, ActionInput[]>();
  for (const a of actions) {
    const list = bySection.get(a.section) ?? [];
    list.push(a);
    bySection.set(a.section, list);
  }
  const sections: SectionFigures[] = [...bySection].map(([name, list]) => {
    const level = levelOfSection(name, config);
    const figures = list.map((a): ActionFigures => {
      const progress = actionProgress(a);
      return {
        code: a.code,
        title: a.title,
        priority: a.priority,
        kind: level,
        weight: actionWeight(a.priority, level, config),
        progress,
        progressDisplay: displayPercent(progress, config.display)!,
        status: actionStatus(a, date, config),
        dueDate: a.dueDate,
        owner: a.owner,
        latestUpdate: a.latestUpdate,
        updatedOn: a.updatedOn,
        milestones: a.milestones.map((m) => ({ code: m.code, title: m.title, completed: m.completed })),
      };
    });
    const progress = weightedMean(figures.filter((f) => f.status !== 'Cancelled'));
    return { name, level, weight: config.sectionWeights[level], progress, progressDisplay: displayPercent(progress, config.display), actions: figures };
  });
  const progress = weightedMean(sections.flatMap((s) => (s.progress === null ? [] : [{ weight: s.weight, progress: s.progress }])));
  return { date, progress, progressDisplay: displayPercent(progress, config.display), sections };
}
