/**
 * The casework feed row (METRICS.md §6, "A case"): the generic casework CSV and any
 * case-management tool's export, read through a mapping of the same shape as the ticket feeds'
 * (columns, value maps, date formats, zone of naive times). Pure: text in, a case with its
 * clock, or every problem with the column it is in, out.
 */
import { z } from 'zod';
import { localDayKey } from '../../calendar/zone.ts';
import { caseClock, CaseClockError, type CaseClock, type CaseFacts } from '../../casework/clock.ts';
import type { CaseRules } from '../../casework/policy.ts';
import type { FieldProblem, RowResult } from '../ingest-csv.ts';
import { dateParserFor, type DateParser } from '../tickets/date-format.ts';
import { cellReader, columnsUsed, expectedDates, extraColumns, isBlankRow, lowerKeys } from '../mapped-cells.ts';
import { columnRef, ticketMappingSchema } from '../tickets/mapping.ts';

const caseColumns = {
  id: columnRef,
  kind: columnRef.optional(),
  receivedAt: columnRef,
  respondedAt: columnRef.optional(),
  department: columnRef.optional(),
  extendedTo: columnRef.optional(),
  extensionReason: columnRef.optional(),
  clarificationRequestedAt: columnRef.optional(),
  clarificationReceivedAt: columnRef.optional(),
  feeRequestedAt: columnRef.optional(),
  feeReceivedAt: columnRef.optional(),
  idRequestedAt: columnRef.optional(),
  idReceivedAt: columnRef.optional(),
  stage: columnRef.optional(),
  parentId: columnRef.optional(),
  outcome: columnRef.optional(),
};

/** How one tool's casework export becomes a case; `caseFeeds.mappings` in ATTAIN_CONFIG names more. */
export const caseMappingSchema = ticketMappingSchema
  // The file-level settings every mapped feed shares (source, delimiter, date formats, zone, missing values).
  .pick({ source: true, delimiter: true, dateFormats: true, zone: true, missingValues: true, kind: true })
  .extend({ columns: z.object(caseColumns) });
export type CaseMapping = z.infer<typeof caseMappingSchema>;

/** The generic casework CSV: the column names, ISO 8601 times. */
export const genericCaseMapping: CaseMapping = caseMappingSchema.parse({
  columns: {
    id: 'id', kind: 'kind', receivedAt: 'received_at', respondedAt: 'responded_at', department: 'department',
    extendedTo: 'extended_to', extensionReason: 'extension_reason',
    clarificationRequestedAt: 'clarification_requested_at', clarificationReceivedAt: 'clarification_received_at',
    feeRequestedAt: 'fee_requested_at', feeReceivedAt: 'fee_received_at', idRequestedAt: 'id_requested_at', idReceivedAt: 'id_received_at',
    stage: 'stage', parentId: 'parent_id', outcome: 'outcome',
  },
});

export type NormalisedCase = CaseFacts & {
  externalId: string;
  kind: string;
  department: string | null;
  stage: number | null;
  parentId: string | null;
  /** The case's own result (the feed's `outcome`: upheld, information provided…), data only. */
  decision: string | null;
  extra: Record<string, string> | null;
  clock: CaseClock;
};

type Cell = { col: string; value: string | null } | null;
type WaitFacts = Pick<CaseFacts, 'clarificationRequestedAt' | 'clarificationReceivedAt' | 'feeRequestedAt' | 'feeReceivedAt' | 'idRequestedAt' | 'idReceivedAt'>;

/** Each wait (clarification, fee, identity): received only after asked, asked only after the case arrived. */
function checkWaits(facts: WaitFacts, receivedAt: number | null, colName: (key: keyof typeof caseColumns) => string, problems: FieldProblem[]) {
  for (const [asked, got] of [['clarificationRequestedAt', 'clarificationReceivedAt'], ['feeRequestedAt', 'feeReceivedAt'], ['idRequestedAt', 'idReceivedAt']] as const) {
    const a = facts[asked];
    const b = facts[got];
    if (b !== null && a === null) problems.push({ field: colName(got), reason: `${colName(got)} without ${colName(asked)}` });
    else if (a !== null && b !== null && b < a) problems.push({ field: colName(got), reason: `${colName(got)} is before ${colName(asked)}` });
    else if (a !== null && receivedAt !== null && a < receivedAt) problems.push({ field: colName(asked), reason: `${colName(asked)} is before the case was received` });
  }
}

/** extended_to is a local date; a tool may write it with a time (read in the zone, date kept). */
function readExtendedTo(ext: Cell, parseDate: DateParser, zone: string, formats: string, problems: FieldProblem[]): string | null {
  if (!ext?.value) return null;
  const p = /^\d{4}-\d{2}-\d{2}$/.test(ext.value) ? parseDate(`${ext.value}T00:00`, zone) : parseDate(ext.value, zone);
  if (!p) {
    problems.push({ field: ext.col, reason: `unreadable date "${ext.value}" (expected a local date YYYY-MM-DD or ${formats})` });
    return null;
  }
  return localDayKey(zone, p.ms);
}

/** A stage, 1–9 ("Stage 2" or "2"). */
function readStage(st: Cell, problems: FieldProblem[]): number | null {
  if (!st?.value) return null;
  const n = Number(st.value.replace(/^stage\s*/i, ''));
  if (!Number.isInteger(n) || n < 1 || n > 9) {
    problems.push({ field: st.col, reason: `stage "${st.value}" is not a whole number 1–9` });
    return null;
  }
  return n;
}

/** The case's clock under the policy in force at receipt; a problem on the received column when there is none or it cannot be computed. */
function clockOf(facts: CaseFacts, kind: string, rules: CaseRules, zone: string, receivedCol: string): { clock: CaseClock } | { problems: FieldProblem[] } {
  const local = localDayKey(zone, facts.receivedAt);
  const found = rules.policyFor(kind, local);
  if (!found) return { problems: [{ field: receivedCol, reason: `no ${kind} policy in force on ${local} (the earliest starts later)` }] };
  try {
    return { clock: caseClock(facts, found.policy, found.calendar, rules.coveredYears(found.calendar.id)) };
  } catch (e) {
    if (e instanceof CaseClockError) return { problems: [{ field: receivedCol, reason: e.message }] };
    throw e;
  }
}

/** Compiles a mapping into a row normaliser; each case's clock is computed with the policy in force at receipt. */
export function compileCaseMapping(mapping: CaseMapping, rules: CaseRules) {
  const zone = mapping.zone ?? rules.zone;
  const parseDate = dateParserFor(mapping.dateFormats);
  const missing = new Set(mapping.missingValues.map((v) => v.trim()));
  const kindMap = lowerKeys(mapping.kind.map);
  const cols = mapping.columns;
  const used = columnsUsed(Object.values(cols));
  const formats = expectedDates(mapping.dateFormats, 'ISO 8601, e.g. 2025-03-14T09:30:00Z or 2025-03-14 09:30');

  return (values: Record<string, string>): RowResult<NormalisedCase> => {
    if (isBlankRow(values)) return { ok: false, problems: [], skipped: 'blank row (every field empty)' };
    const problems: FieldProblem[] = [];
    const warnings: string[] = [];
    const get = cellReader(values, missing);
    const instant = (key: keyof typeof caseColumns, required: boolean): number | null => {
      const g = get(cols[key]);
      if (!g || g.value === null) {
        if (required) problems.push({ field: g?.col ?? String(key), reason: `missing ${g?.col ?? String(key)}` });
        return null;
      }
      const p = parseDate(g.value, zone);
      if (!p) {
        problems.push({ field: g.col, reason: `unreadable date "${g.value}" (expected ${formats})` });
        return null;
      }
      if (p.ambiguous) warnings.push(`${g.col} "${g.value}" falls in the repeated hour of the clock change; read as the first occurrence`);
      return p.ms;
    };
    const colName = (key: keyof typeof caseColumns) => get(cols[key])?.col ?? String(key);

    const id = get(cols.id)!;
    if (id.value === null) problems.push({ field: id.col, reason: 'missing case id' });
    const k = get(cols.kind);
    const kind = k?.value ? (kindMap.get(k.value.toLowerCase()) ?? k.value.toLowerCase()) : (mapping.kind.default ?? null);
    if (!kind) problems.push({ field: k?.col ?? 'kind', reason: 'missing kind (and the mapping has no default kind)' });
    else if (!rules.kinds.includes(kind)) problems.push({ field: k?.col ?? 'kind', reason: `unknown kind "${k?.value ?? kind}" (expected ${rules.kinds.join(', ')}, or a kind map entry)` });

    const receivedAt = instant('receivedAt', true);
    const respondedAt = instant('respondedAt', false);
    const facts: WaitFacts = {
      clarificationRequestedAt: instant('clarificationRequestedAt', false),
      clarificationReceivedAt: instant('clarificationReceivedAt', false),
      feeRequestedAt: instant('feeRequestedAt', false),
      feeReceivedAt: instant('feeReceivedAt', false),
      idRequestedAt: instant('idRequestedAt', false),
      idReceivedAt: instant('idReceivedAt', false),
    };
    if (receivedAt !== null && respondedAt !== null && respondedAt < receivedAt) problems.push({ field: colName('respondedAt'), reason: 'responded before it was received' });
    checkWaits(facts, receivedAt, colName, problems);
    const extendedTo = readExtendedTo(get(cols.extendedTo), parseDate, zone, formats, problems);
    const stage = readStage(get(cols.stage), problems);
    if (problems.length > 0 || id.value === null || !kind || receivedAt === null) return { ok: false, problems };

    const extensionReason = get(cols.extensionReason)?.value ?? null;
    const caseFacts: CaseFacts = { receivedAt, respondedAt, extendedTo, extensionReason, ...facts };
    const c = clockOf(caseFacts, kind, rules, zone, colName('receivedAt'));
    if ('problems' in c) return { ok: false, problems: c.problems };
    const { clock } = c;
    const days = [clock.receivedDay];
    if (clock.respondedDay) days.push(clock.respondedDay);
    if (clock.dueDay) days.push(clock.dueDay);
    return {
      ok: true,
      item: {
        ...caseFacts,
        externalId: id.value,
        kind,
        department: get(cols.department)?.value ?? null,
        stage,
        parentId: get(cols.parentId)?.value ?? null,
        decision: get(cols.outcome)?.value ?? null,
        extra: extraColumns(values, used, missing),
        clock,
      },
      warnings,
      days,
    };
  };
}
