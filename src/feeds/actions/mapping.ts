import { z } from 'zod';
import { localDayKey } from '../../calendar/zone.ts';
import type { FieldProblem, RowResult } from '../ingest-csv.ts';
import { dateParserFor } from '../tickets/date-format.ts';
import { columnRef, ticketMappingSchema, valueMap } from '../tickets/mapping.ts';
import { cellReader, expectedDates, isBlankRow, lowerKeys } from '../mapped-cells.ts';

/**
 * How a performance system's action export becomes plan actions (METRICS.md §7): the same
 * mapping configuration as the ticket feeds (delimiter, date formats, zone, missing values,
 * blank rows, column names or lists of them, case-insensitive value maps), with the action's
 * own columns and maps.
 */
export const actionMappingSchema = ticketMappingSchema
  .pick({ delimiter: true, dateFormats: true, zone: true, missingValues: true, skipBlankRows: true })
  .extend({
    columns: z.object({
      code: columnRef,
      title: columnRef,
      section: columnRef,
      priority: columnRef,
      progress: columnRef.optional(),
      dueDate: columnRef.optional(),
      startDate: columnRef.optional(),
      desiredOutcome: columnRef.optional(),
      latestUpdate: columnRef.optional(),
      statusIcon: columnRef.optional(),
      parent: columnRef.optional(),
      type: columnRef.optional(),
      owner: columnRef.optional(),
      updated: columnRef.optional(),
    }),
    /** Tool value → priority 1–4 (case-insensitive); unmapped: 1–4, P1–P4, "1 - High", High/Medium/Low/Ongoing. */
    priority: z.object({ map: valueMap(z.number().int().min(1).max(4)) }).default({ map: {} }),
    /** Tool value → action or milestone; unmapped values containing "milestone" are milestones. */
    type: z.object({ map: valueMap(z.enum(['action', 'milestone'])) }).default({ map: {} }),
    /** Status icon texts that mean cancelled and completed (case-insensitive). */
    statusIcons: z
      .object({ cancelled: z.array(z.string()).default(['Cancelled', 'Canceled']), completed: z.array(z.string()).default(['Completed', 'Complete']) })
      .default({ cancelled: ['Cancelled', 'Canceled'], completed: ['Completed', 'Complete'] }),
  });
export type ActionMappingInput = z.input<typeof actionMappingSchema>;
export type ActionMapping = z.infer<typeof actionMappingSchema>;

/** One action or milestone row, normalised (dates local `YYYY-MM-DD`). */
export type NormalisedAction = {
  code: string;
  title: string;
  section: string;
  priority: 1 | 2 | 3 | 4;
  type: 'action' | 'milestone';
  parent: string | null;
  desiredOutcome: string | null;
  owner: string | null;
  startDate: string | null;
  dueDate: string | null;
  progress: number | null;
  statusIcon: string | null;
  latestUpdate: string | null;
  updatedOn: string | null;
};

/** The stored status icons that the plan's rules read (METRICS.md §7). */
export const CANCELLED = 'Cancelled';
export const COMPLETED = 'Completed';

const priorityWords: Record<string, 1 | 2 | 3 | 4> = { high: 1, medium: 2, low: 3, ongoing: 4 };

/** 1–4, P1–P4, "1 - High", or High / Medium / Low / Ongoing; null otherwise. */
export function parseActionPriority(text: string): 1 | 2 | 3 | 4 | null {
  const t = text.trim().toLowerCase();
  const d = /^p?([1-4])(?:\b|$)/.exec(t);
  if (d) return Number(d[1]) as 1 | 2 | 3 | 4;
  const w = /^([a-z]+)/.exec(t);
  return (w && priorityWords[w[1]!]) ?? null;
}

/** "72", "72%", "72.5 %" → 72.5; null when not a number. */
export function parseProgress(text: string): number | null {
  const m = /^(-?\d+(?:[.,]\d+)?)\s*%?$/.exec(text.trim());
  return m ? Number(m[1]!.replace(',', '.')) : null;
}

type Cell = { col: string; value: string | null };

/** The priority: mapped, or 1–4, P1–P4, High / Medium / Low / Ongoing; required. */
function readPriority(pr: Cell, priorityMap: Map<string, number>, problems: FieldProblem[]): 1 | 2 | 3 | 4 | null {
  if (pr.value === null) {
    problems.push({ field: pr.col, reason: 'missing priority' });
    return null;
  }
  const priority = (priorityMap.get(pr.value.toLowerCase()) as 1 | 2 | 3 | 4 | undefined) ?? parseActionPriority(pr.value);
  if (priority === null) problems.push({ field: pr.col, reason: `unknown priority "${pr.value}" (expected 1–4, P1–P4, High, Medium, Low or Ongoing, or a priority map entry)` });
  return priority;
}

/** Progress in per cent, 0–100; null when empty or not readable. */
function readProgress(pg: Cell | null, problems: FieldProblem[]): number | null {
  if (!pg?.value) return null;
  const progress = parseProgress(pg.value);
  if (progress === null) problems.push({ field: pg.col, reason: `progress "${pg.value}" is not a number` });
  else if (progress < 0 || progress > 100) {
    problems.push({ field: pg.col, reason: `progress ${pg.value} is outside 0–100` });
    return null;
  }
  return progress;
}

/** Compiles a mapping into a row normaliser (pure): the row's cells in, the action (or every problem, naming the tool's column) out. */
export function compileActionMapping(mapping: ActionMapping, zone: string) {
  const tz = mapping.zone ?? zone;
  const parseDate = dateParserFor(mapping.dateFormats);
  const missing = new Set(mapping.missingValues.map((v) => v.trim()));
  const priorityMap = lowerKeys(mapping.priority.map);
  const typeMap = lowerKeys(mapping.type.map);
  const cols = mapping.columns;
  const cancelledIcons = new Set(mapping.statusIcons.cancelled.map((t) => t.trim().toLowerCase()));
  const completedIcons = new Set(mapping.statusIcons.completed.map((t) => t.trim().toLowerCase()));
  // Icons that mean cancelled or completed are stored as those words, the ones the plan's rules read.
  const iconOf = (text: string | null) =>
    text === null ? null : cancelledIcons.has(text.toLowerCase()) ? CANCELLED : completedIcons.has(text.toLowerCase()) ? COMPLETED : text;
  const formats = expectedDates(mapping.dateFormats, 'ISO 8601, e.g. 2026-03-31');

  return (values: Record<string, string>): RowResult<NormalisedAction> => {
    if (mapping.skipBlankRows && isBlankRow(values)) return { ok: false, problems: [], skipped: 'blank row (every field empty)' };
    const problems: FieldProblem[] = [];
    const get = cellReader(values, missing);
    const required = (ref: typeof cols.code, what: string) => {
      const g = get(ref)!;
      if (g.value === null) problems.push({ field: g.col, reason: `missing ${what}` });
      return g.value;
    };
    const dayOf = (ref: typeof cols.dueDate): string | null => {
      const g = get(ref);
      if (!g || g.value === null) return null;
      const p = parseDate(g.value, tz);
      if (!p) {
        problems.push({ field: g.col, reason: `unreadable date "${g.value}" (expected ${formats})` });
        return null;
      }
      return localDayKey(tz, p.ms);
    };

    const code = required(cols.code, 'action code');
    const title = required(cols.title, 'action title');
    const section = required(cols.section, 'section');

    const priority = readPriority(get(cols.priority)!, priorityMap, problems);
    const progress = readProgress(get(cols.progress), problems);

    const ty = get(cols.type);
    const type: 'action' | 'milestone' = ty?.value ? (typeMap.get(ty.value.toLowerCase()) ?? (/milestone/i.test(ty.value) ? 'milestone' : 'action')) : 'action';
    const parent = get(cols.parent)?.value ?? null;
    if (type === 'milestone' && !parent) problems.push({ field: get(cols.parent)?.col ?? 'Parent', reason: 'a milestone needs its parent action code' });

    const startDate = dayOf(cols.startDate);
    const dueDate = dayOf(cols.dueDate);
    const updatedOn = dayOf(cols.updated);
    if (startDate && dueDate && dueDate < startDate) problems.push({ field: get(cols.dueDate)!.col, reason: `due date ${dueDate} is before the start date ${startDate}` });

    if (problems.length > 0 || !code || !title || !section || priority === null) return { ok: false, problems };
    return {
      ok: true,
      item: {
        code,
        title,
        section,
        priority,
        type,
        parent,
        desiredOutcome: get(cols.desiredOutcome)?.value ?? null,
        owner: get(cols.owner)?.value ?? null,
        startDate,
        dueDate,
        progress,
        statusIcon: iconOf(get(cols.statusIcon)?.value ?? null),
        latestUpdate: get(cols.latestUpdate)?.value ?? null,
        updatedOn,
      },
    };
  };
}
