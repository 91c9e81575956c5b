import { z } from 'zod';
import { isValidZone, localDayKey } from '../../calendar/zone.ts';
import { priorities, type Priority } from '../../sla/policy.ts';
import type { HistoryRow } from '../../store/ticket-history.ts';
import type { FieldProblem, RowResult } from '../ingest-csv.ts';
import { instantProblem, integerProblem, MAX_NAME_CHARS, textProblem } from '../limits.ts';
import { compileDateFormat, dateParserFor } from './date-format.ts';
import { parseFlag, parsePriority, type NormalisedTicket } from './generic.ts';
import { cellReader, columnsUsed, expectedDates, extraColumns, isBlankRow, lowerKeys } from '../mapped-cells.ts';

/** A column of the tool's export, or several names of which the first present in the row is used. */
export const columnRef = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
export const valueMap = <T extends z.ZodType>(v: T) => z.record(z.string(), v).default({});
export type ColumnRef = z.infer<typeof columnRef>;

// The cells of a mapped row (every feed mapped with this configuration: tickets, cases, plan actions).
export { cellReader, lowerKeys };

/**
 * How one tool's export (or API record) becomes a normalised ticket (METRICS.md §2, "Tickets"):
 * column names, value maps, date formats and the zone of naive timestamps. The presets are
 * built-in mappings of this shape; `ticketFeeds.mappings` in ATTAIN_CONFIG adds more.
 */
export const ticketMappingSchema = z.object({
  /** Tickets from this mapping are stored under this source (with the ticket id, the natural key). */
  source: z.string().min(1).optional(),
  delimiter: z.string().length(1).default(','),
  /** Tried in order, then ISO 8601; e.g. `dd/MM/yyyy HH:mm`, `d/M/yyyy H:mm`, `dd/MMM/yy h:mm a`. */
  dateFormats: z
    .array(z.string().min(1))
    .default([])
    .refine((fs) => fs.every((f) => { try { compileDateFormat(f); return true; } catch { return false; } }), 'a date format needs yyyy, MM and dd'),
  /** Zone of naive timestamps; default the SLA calendar's zone. */
  zone: z.string().refine(isValidZone, 'unknown time zone (expected an IANA name such as Europe/London)').optional(),
  /** Values that mean "no value" besides the empty string, e.g. `?` or `NULL`. */
  missingValues: z.array(z.string()).default([]),
  /** Rows with every field empty (`;;;;`) are skipped and counted in the run's warnings. */
  skipBlankRows: z.boolean().default(true),
  columns: z.object({
    id: columnRef,
    priority: columnRef,
    openedAt: columnRef,
    kind: columnRef.optional(),
    vip: columnRef.optional(),
    team: columnRef.optional(),
    channel: columnRef.optional(),
    category: columnRef.optional(),
    status: columnRef.optional(),
    firstResponseAt: columnRef.optional(),
    resolvedAt: columnRef.optional(),
    closedAt: columnRef.optional(),
    satisfaction: columnRef.optional(),
  }),
  /** Tool value → kind (case-insensitive); `default` when the row has none or no kind column. */
  kind: z.object({ default: z.string().optional(), map: valueMap(z.string()) }).default({ map: {} }),
  /** Tool value → priority (case-insensitive); unmapped values are read as in the generic feed (P1–P5, high…). */
  priority: z.object({ map: valueMap(z.enum(priorities)) }).default({ map: {} }),
  /** Tool value → VIP (case-insensitive); unmapped values as in the generic feed (true/false, yes/no, 1/0). */
  vip: z.object({ map: valueMap(z.boolean()) }).default({ map: {} }),
  /**
   * Tool status → status stored (case-insensitive), so that the policy's classes apply: a status
   * beginning with Awaiting / Pending / On hold pauses the clock; Resolved, Closed, Done,
   * Completed, Cancelled mean resolved. Unmapped statuses are stored as they are.
   */
  status: z.object({ map: valueMap(z.string().min(1)) }).default({ map: {} }),
  /**
   * An audit-style event log: one row per update of a ticket. Each row gives the ticket's state
   * at `updatedAt` (the latest, by `updatedAt` then `sequence`, wins) and a status and priority
   * history entry at that instant.
   */
  eventLog: z
    .object({
      updatedAt: columnRef,
      sequence: columnRef.optional(),
      history: z.array(z.enum(['status', 'priority'])).default(['status', 'priority']),
    })
    .optional(),
});
export type TicketMappingInput = z.input<typeof ticketMappingSchema>;
export type TicketMapping = z.infer<typeof ticketMappingSchema>;

/** What one mapped row yields: the ticket, its version for event logs, its history rows. */
export type MappedRow = { ticket: NormalisedTicket; version: string | null; history: HistoryRow[] };

export type MappingContext = { zone: string; kinds: readonly string[] };

/** A fixed-width text that sorts as (instant, sequence): the event-log version of a row. */
export function versionKey(ms: number, sequence: number): string {
  return `${String(ms).padStart(15, '0')}|${String(sequence).padStart(12, '0')}`;
}

type Cell = { col: string; value: string | null } | null;
/** One row being read: its cells, what is wrong with it so far, and its warnings. */
type TicketRow = { get: (ref: ColumnRef | undefined) => Cell; problems: FieldProblem[]; warnings: string[] };

/** A row's reader, with its required cells and instants (unreadable or out-of-range ones named as problems). */
function ticketRow(get: TicketRow['get'], parse: (text: string) => ReturnType<ReturnType<typeof dateParserFor>>, formats: string) {
  const problems: FieldProblem[] = [];
  const warnings: string[] = [];
  const required = (ref: string | string[], what: string) => {
    const g = get(ref)!;
    if (g.value === null) problems.push({ field: g.col, reason: `missing ${what}` });
    return g;
  };
  const instant = (ref: string | string[] | undefined, req: boolean, what: string): number | null => {
    const g = req ? required(ref!, what) : get(ref);
    if (!g || g.value === null) return null;
    const p = parse(g.value);
    if (!p) {
      problems.push({ field: g.col, reason: `unreadable date "${g.value}" (expected ${formats})` });
      return null;
    }
    const range = instantProblem(p.ms);
    if (range) {
      problems.push({ field: g.col, reason: `${g.col} "${g.value}": ${range}` });
      return null;
    }
    if (p.ambiguous) warnings.push(`${g.col} "${g.value}" falls in the repeated hour of the clock change; read as the first occurrence`);
    return p.ms;
  };
  return { get, problems, warnings, required, instant };
}

/** The kind: mapped, or the tool's value in snake case, or the mapping's default; one of the policy's kinds. */
function readKind(row: TicketRow, mapping: TicketMapping, kindMap: Map<string, string>, kinds: readonly string[]): string | null {
  const k = row.get(mapping.columns.kind);
  const kind = k?.value ? (kindMap.get(k.value.toLowerCase()) ?? k.value.toLowerCase().replace(/[\s-]+/g, '_')) : (mapping.kind.default ?? null);
  if (!kind) row.problems.push({ field: k?.col ?? 'kind', reason: 'missing kind (and the mapping has no default kind)' });
  else if (!kinds.includes(kind)) {
    row.problems.push({ field: k?.col ?? 'kind', reason: `unknown kind "${k?.value ?? kind}" (expected ${kinds.join(', ')}, or a kind map entry)` });
  }
  return kind;
}

/** The VIP flag: mapped, or true/false, yes/no, 1/0; false when empty. */
function readVip(row: TicketRow, ref: ColumnRef | undefined, vipMap: Map<string, boolean>): boolean {
  const v = row.get(ref);
  if (!v?.value) return false;
  const f = vipMap.get(v.value.toLowerCase()) ?? parseFlag(v.value);
  if (f === null) row.problems.push({ field: v.col, reason: `unreadable VIP flag "${v.value}" (expected true/false, yes/no, 1/0, or a vip map entry)` });
  return f ?? false;
}

/** A satisfaction score, rounded to a whole number (a decimal comma read as a point). */
function readSatisfaction(row: TicketRow, ref: ColumnRef | undefined): number | null {
  const s = row.get(ref);
  if (!s?.value) return null;
  // Exports from continental tools write a decimal comma.
  const n = Number(/^-?\d+,\d+$/.test(s.value) ? s.value.replace(',', '.') : s.value);
  const range = Number.isFinite(n) ? integerProblem(Math.round(n)) : null;
  if (!Number.isFinite(n)) row.problems.push({ field: s.col, reason: `satisfaction "${s.value}" is not a number` });
  else if (range) row.problems.push({ field: s.col, reason: `satisfaction ${range}` });
  else return Math.round(n);
  return null;
}

/** An event log row's sequence number (0 when none); null when it is not a whole number. */
function readSequence(row: TicketRow, ref: ColumnRef | undefined): number {
  const seq = row.get(ref);
  const n = seq?.value ? Number(seq.value) : 0;
  if (seq?.value && !Number.isInteger(n)) row.problems.push({ field: seq.col, reason: `sequence "${seq.value}" is not a whole number` });
  return Number.isInteger(n) ? n : 0;
}

/** An event log row's history entries (status, priority at its update time) and the local days it touches. */
function historyAndDays(mapping: TicketMapping, zone: string, t: { id: string; status: string | null; priority: Priority; openedAt: number; resolvedAt: number | null; closedAt: number | null; updatedAt: number | null }) {
  const history: HistoryRow[] = [];
  const days = [localDayKey(zone, t.openedAt)];
  if (t.resolvedAt !== null) days.push(localDayKey(zone, t.resolvedAt));
  else if (t.closedAt !== null) days.push(localDayKey(zone, t.closedAt));
  if (mapping.eventLog && t.updatedAt !== null) {
    const at = new Date(t.updatedAt);
    if (mapping.eventLog.history.includes('status') && t.status) history.push({ externalId: t.id, at, field: 'status', value: t.status });
    if (mapping.eventLog.history.includes('priority')) history.push({ externalId: t.id, at, field: 'priority', value: t.priority });
    days.push(localDayKey(zone, t.updatedAt));
  }
  return { history, days };
}

/**
 * Compiles a mapping into a row normaliser (pure): the row's values by column name in, the
 * mapped ticket (or every problem, each naming the tool's own column) out.
 */
export function compileMapping(mapping: TicketMapping, ctx: MappingContext) {
  const zone = mapping.zone ?? ctx.zone;
  const parseDate = dateParserFor(mapping.dateFormats);
  const missing = new Set(mapping.missingValues.map((v) => v.trim()));
  const kindMap = lowerKeys(mapping.kind.map);
  const priorityMap = lowerKeys(mapping.priority.map);
  const vipMap = lowerKeys(mapping.vip.map);
  const statusMap = lowerKeys(mapping.status.map);
  const cols = mapping.columns;
  const used = columnsUsed([...Object.values(cols), mapping.eventLog?.updatedAt, mapping.eventLog?.sequence]);
  const formats = expectedDates(mapping.dateFormats, 'ISO 8601, e.g. 2025-03-14T09:30:00Z');

  return (values: Record<string, string>): RowResult<MappedRow> => {
    if (mapping.skipBlankRows && isBlankRow(values)) return { ok: false, problems: [], skipped: 'blank row (every field empty)' };
    const row = ticketRow(cellReader(values, missing), (text) => parseDate(text, zone), formats);
    const { get, problems, warnings, required, instant } = row;

    const id = required(cols.id, 'ticket id');
    // Names stored in indexed columns: bounded, and never a NUL (a text column refuses it).
    for (const ref of [cols.id, cols.team, cols.channel, cols.category, cols.status, cols.kind]) {
      const g = get(ref);
      const bad = g?.value ? textProblem(g.value, MAX_NAME_CHARS) : null;
      if (bad) problems.push({ field: g!.col, reason: bad });
    }
    const kind = readKind(row, mapping, kindMap, ctx.kinds);
    const p = required(cols.priority, 'priority');
    const priority = p.value === null ? null : (priorityMap.get(p.value.toLowerCase()) ?? parsePriority(p.value));
    if (p.value !== null && !priority) problems.push({ field: p.col, reason: `unknown priority "${p.value}" (add it to the mapping's priority map)` });
    const vip = readVip(row, cols.vip, vipMap);

    const openedAt = instant(cols.openedAt, true, 'opening time');
    const firstResponseAt = instant(cols.firstResponseAt, false, '');
    const resolvedAt = instant(cols.resolvedAt, false, '');
    const closedAt = instant(cols.closedAt, false, '');
    if (openedAt !== null && resolvedAt !== null && resolvedAt < openedAt) {
      problems.push({ field: get(cols.resolvedAt)!.col, reason: 'resolved before it was opened' });
    }
    const satisfaction = readSatisfaction(row, cols.satisfaction);
    const st = get(cols.status);
    const status = st?.value ? (statusMap.get(st.value.toLowerCase()) ?? st.value) : null;

    let version: string | null = null;
    let updatedAt: number | null = null;
    if (mapping.eventLog) {
      updatedAt = instant(mapping.eventLog.updatedAt, true, 'update time');
      const sequence = readSequence(row, mapping.eventLog.sequence);
      if (updatedAt !== null) version = versionKey(updatedAt, sequence);
    }

    if (problems.length > 0 || id.value === null || !kind || !priority || openedAt === null) return { ok: false, problems };
    const ticket: NormalisedTicket = {
      externalId: id.value,
      kind,
      priority,
      vip,
      team: get(cols.team)?.value ?? null,
      channel: get(cols.channel)?.value ?? null,
      category: get(cols.category)?.value ?? null,
      status,
      openedAt: new Date(openedAt),
      firstResponseAt: firstResponseAt === null ? null : new Date(firstResponseAt),
      resolvedAt: resolvedAt === null ? null : new Date(resolvedAt),
      closedAt: closedAt === null ? null : new Date(closedAt),
      satisfaction,
      extra: extraColumns(values, used, missing),
    };
    const { history, days } = historyAndDays(mapping, zone, { id: id.value, status, priority, openedAt, resolvedAt, closedAt, updatedAt });
    return { ok: true, item: { ticket, version, history }, warnings, days };
  };
}
