import { z } from 'zod';
import { isValidZone, localDayKey } from '../../calendar/zone.ts';
import { priorities, type Priority } from '../../sla/policy.ts';
import type { HistoryRow } from '../../store/ticket-history.ts';
import type { FieldProblem, RowResult } from '../ingest-csv.ts';
import { instantProblem, integerProblem, MAX_NAME_CHARS, textProblem } from '../limits.ts';
import { compileDateFormat, dateParserFor } from './date-format.ts';
import { parseFlag, parsePriority, type NormalisedTicket } from './generic.ts';

/** A column of the tool's export, or several names of which the first present in the row is used. */
export const columnRef = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
export const valueMap = <T extends z.ZodType>(v: T) => z.record(z.string(), v).default({});
export type ColumnRef = z.infer<typeof columnRef>;

/**
 * Reads a mapped row's cells (every feed mapped with this configuration: tickets, plan actions):
 * the first named column present in the row, with its trimmed value (null when empty or one of
 * the mapping's missing values).
 */
export function cellReader(values: Record<string, string>, missing: ReadonlySet<string>) {
  return (ref: ColumnRef | undefined): { col: string; value: string | null } | null => {
    if (ref === undefined) return null;
    const names = Array.isArray(ref) ? ref : [ref];
    const col = names.find((n) => n in values) ?? names[0]!;
    const raw = values[col];
    const v = raw === undefined ? '' : raw.trim();
    return { col, value: v === '' || missing.has(v) ? null : v };
  };
}

/** Lower-cased, trimmed keys, for the case-insensitive value maps. */
export const lowerKeys = <T>(m: Record<string, T>) => new Map(Object.entries(m).map(([k, v]) => [k.trim().toLowerCase(), v]));

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
  const used = new Set<string>();
  const refs = [...Object.values(cols), mapping.eventLog?.updatedAt, mapping.eventLog?.sequence];
  for (const r of refs) for (const c of r === undefined ? [] : Array.isArray(r) ? r : [r]) used.add(c);
  const formats = mapping.dateFormats.length > 0 ? `${mapping.dateFormats.join(' or ')} or ISO 8601` : 'ISO 8601, e.g. 2025-03-14T09:30:00Z';

  return (values: Record<string, string>): RowResult<MappedRow> => {
    if (mapping.skipBlankRows && Object.values(values).every((v) => v.trim() === '')) {
      return { ok: false, problems: [], skipped: "blank row (every field empty)" };
    }
    const problems: FieldProblem[] = [];
    const warnings: string[] = [];
    const get = cellReader(values, missing);
    const required = (ref: string | string[], what: string) => {
      const g = get(ref)!;
      if (g.value === null) problems.push({ field: g.col, reason: `missing ${what}` });
      return g;
    };
    const instant = (ref: string | string[] | undefined, req: boolean, what: string): number | null => {
      const g = req ? required(ref!, what) : get(ref);
      if (!g || g.value === null) return null;
      const p = parseDate(g.value, zone);
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
    const priorityOf = (text: string): Priority | null => priorityMap.get(text.toLowerCase()) ?? parsePriority(text);

    const id = required(cols.id, 'ticket id');
    // Names stored in indexed columns: bounded, and never a NUL (a text column refuses it).
    for (const ref of [cols.id, cols.team, cols.channel, cols.category, cols.status, cols.kind]) {
      const g = get(ref);
      const bad = g?.value ? textProblem(g.value, MAX_NAME_CHARS) : null;
      if (bad) problems.push({ field: g!.col, reason: bad });
    }

    let kind: string | null = null;
    const k = get(cols.kind);
    if (k?.value) {
      kind = kindMap.get(k.value.toLowerCase()) ?? k.value.toLowerCase().replace(/[\s-]+/g, '_');
    } else kind = mapping.kind.default ?? null;
    if (!kind) problems.push({ field: k?.col ?? 'kind', reason: 'missing kind (and the mapping has no default kind)' });
    else if (!ctx.kinds.includes(kind)) {
      problems.push({ field: k?.col ?? 'kind', reason: `unknown kind "${k?.value ?? kind}" (expected ${ctx.kinds.join(', ')}, or a kind map entry)` });
    }

    const p = required(cols.priority, 'priority');
    const priority = p.value === null ? null : priorityOf(p.value);
    if (p.value !== null && !priority) problems.push({ field: p.col, reason: `unknown priority "${p.value}" (add it to the mapping's priority map)` });

    let vip = false;
    const v = get(cols.vip);
    if (v?.value) {
      const f = vipMap.get(v.value.toLowerCase()) ?? parseFlag(v.value);
      if (f === null) problems.push({ field: v.col, reason: `unreadable VIP flag "${v.value}" (expected true/false, yes/no, 1/0, or a vip map entry)` });
      else vip = f;
    }

    const openedAt = instant(cols.openedAt, true, 'opening time');
    const firstResponseAt = instant(cols.firstResponseAt, false, '');
    const resolvedAt = instant(cols.resolvedAt, false, '');
    const closedAt = instant(cols.closedAt, false, '');
    if (openedAt !== null && resolvedAt !== null && resolvedAt < openedAt) {
      problems.push({ field: get(cols.resolvedAt)!.col, reason: 'resolved before it was opened' });
    }

    let satisfaction: number | null = null;
    const s = get(cols.satisfaction);
    if (s?.value) {
      // Exports from continental tools write a decimal comma.
      const n = Number(/^-?\d+,\d+$/.test(s.value) ? s.value.replace(',', '.') : s.value);
      const range = Number.isFinite(n) ? integerProblem(Math.round(n)) : null;
      if (!Number.isFinite(n)) problems.push({ field: s.col, reason: `satisfaction "${s.value}" is not a number` });
      else if (range) problems.push({ field: s.col, reason: `satisfaction ${range}` });
      else satisfaction = Math.round(n);
    }

    const st = get(cols.status);
    const status = st?.value ? (statusMap.get(st.value.toLowerCase()) ?? st.value) : null;

    let version: string | null = null;
    let updatedAt: number | null = null;
    if (mapping.eventLog) {
      updatedAt = instant(mapping.eventLog.updatedAt, true, 'update time');
      const seq = get(mapping.eventLog.sequence);
      const n = seq?.value ? Number(seq.value) : 0;
      if (seq?.value && !Number.isInteger(n)) problems.push({ field: seq.col, reason: `sequence "${seq.value}" is not a whole number` });
      if (updatedAt !== null) version = versionKey(updatedAt, Number.isInteger(n) ? n : 0);
    }

    if (problems.length > 0 || id.value === null || !kind || !priority || openedAt === null) return { ok: false, problems };

    let extra: Record<string, string> | null = null;
    for (const [col, val] of Object.entries(values)) {
      const t = val.trim();
      if (!used.has(col) && col !== '' && t !== '' && !missing.has(t)) (extra ??= {})[col] = val;
    }
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
      extra,
    };
    const history: HistoryRow[] = [];
    const days = [localDayKey(zone, openedAt)];
    if (resolvedAt !== null) days.push(localDayKey(zone, resolvedAt));
    else if (closedAt !== null) days.push(localDayKey(zone, closedAt));
    if (mapping.eventLog && updatedAt !== null) {
      const at = new Date(updatedAt);
      if (mapping.eventLog.history.includes('status') && status) history.push({ externalId: id.value, at, field: 'status', value: status });
      if (mapping.eventLog.history.includes('priority')) history.push({ externalId: id.value, at, field: 'priority', value: priority });
      days.push(localDayKey(zone, updatedAt));
    }
    return { ok: true, item: { ticket, version, history }, warnings, days };
  };
}
