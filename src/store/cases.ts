import { and, asc, count, eq, gte, isNotNull, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.ts';
import { cases, type CaseRow, type NewCaseRow } from '../../db/schema.ts';
import type { NormalisedCase } from '../feeds/cases/mapping.ts';
import type { Grain } from '../sla/periods.ts';
import { NONE, periodExpr } from './sla-queries.ts';
import { rowsOf } from './sla-counts.ts';

export type UpsertCounts = { inserted: number; updated: number; unchanged: number };

// Columns a feed sets; a row counts as changed only when one of them differs.
const dataColumns = [
  'kind', 'department', 'stage', 'parent_id', 'decision', 'received_at', 'responded_at', 'extended_to', 'extension_reason',
  'clarification_requested_at', 'clarification_received_at', 'fee_requested_at', 'fee_received_at', 'id_requested_at', 'id_received_at',
  'extra', 'received_day', 'start_day', 'waiting_for', 'due_day', 'due_at', 'extended', 'responded_day', 'working_days_to_respond',
] as const;
const changed = sql.raw(`(${dataColumns.map((c) => `cases.${c}`).join(', ')}) is distinct from (${dataColumns.map((c) => `excluded.${c}`).join(', ')})`);
const updateSet = Object.fromEntries(
  [...dataColumns, 'ingest_run_id'].map((c) => [c.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase()), sql.raw(`excluded.${c}`)]),
);

/** `now` as a typed parameter (both drivers bind it as text). */
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const at = (ms: number | null) => (ms === null ? null : new Date(ms));

/** The row stored for a normalised case (feed facts plus its clock). */
function rowOf(source: string, runId: number, c: NormalisedCase): NewCaseRow {
  return {
    source,
    externalId: c.externalId,
    kind: c.kind,
    department: c.department,
    stage: c.stage,
    parentId: c.parentId,
    decision: c.decision,
    receivedAt: new Date(c.receivedAt),
    respondedAt: at(c.respondedAt),
    extendedTo: c.extendedTo,
    extensionReason: c.extensionReason ?? null,
    clarificationRequestedAt: at(c.clarificationRequestedAt),
    clarificationReceivedAt: at(c.clarificationReceivedAt),
    feeRequestedAt: at(c.feeRequestedAt),
    feeReceivedAt: at(c.feeReceivedAt),
    idRequestedAt: at(c.idRequestedAt),
    idReceivedAt: at(c.idReceivedAt),
    extra: c.extra,
    receivedDay: c.clock.receivedDay,
    startDay: c.clock.startDay,
    waitingFor: c.clock.waitingFor,
    dueDay: c.clock.dueDay,
    dueAt: at(c.clock.dueAt),
    extended: c.clock.extended,
    respondedDay: c.clock.respondedDay,
    workingDaysToRespond: c.clock.workingDaysToRespond,
    ingestRunId: runId,
  };
}

/**
 * Upserts a batch on (source, external id); a row whose data is unchanged is not touched, so
 * ingesting the same file twice changes nothing. The file's last row for an id wins.
 */
export async function upsertCases(db: Db, source: string, runId: number, batch: NormalisedCase[]): Promise<UpsertCounts> {
  if (batch.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const byId = new Map<string, NormalisedCase>();
  for (const c of batch) byId.set(c.externalId, c);
  const done = await db
    .insert(cases)
    .values([...byId.values()].map((c) => rowOf(source, runId, c)))
    .onConflictDoUpdate({ target: [cases.source, cases.externalId], set: { ...updateSet, updatedAt: sql`now()` }, setWhere: changed })
    .returning({ inserted: sql<boolean>`(xmax = 0)` });
  const inserted = done.filter((r) => r.inserted).length;
  return { inserted, updated: done.length - inserted, unchanged: batch.length - done.length };
}

export const caseDims = ['kind', 'department'] as const;
export type CaseDim = (typeof caseDims)[number];
export type CaseSlice = Partial<Record<CaseDim, string>>;

export const caseMeasures = ['received', 'responded', 'met', 'late', 'extended', 'escalated'] as const;
export type CaseMeasure = (typeof caseMeasures)[number];
/** Current-state lists (no period): open, overdue, stopped now. */
export const caseStates = ['open', 'overdue', 'stopped'] as const;
export type CaseState = (typeof caseStates)[number];

const dimColumn: Record<CaseDim, AnyPgColumn> = { kind: cases.kind, department: cases.department };
const dimExpr = (d: CaseDim): SQL<string> => sql<string>`coalesce(${dimColumn[d]}, ${sql.raw(`'${NONE}'`)})`;

function sliceConditions(slice: CaseSlice): SQL[] {
  return caseDims.flatMap((d) => {
    const v = slice[d];
    if (v === undefined) return [];
    return [v === NONE ? isNull(dimColumn[d]) : eq(dimColumn[d], v)];
  });
}

/**
 * Which cases a measure counts and by which local day (METRICS.md §6, "Attainment"): met by the
 * day of the response (at or before the end of the due day), late by the due day once the
 * deadline passed, answered or not (the rule of `caseOutcome` in src/casework/clock.ts);
 * received and extended by receipt; escalated = cases linked to an earlier stage (`parent_id`).
 */
export function caseMeasureOf(m: CaseMeasure, now: Date): { day: AnyPgColumn; where?: SQL } {
  switch (m) {
    case 'received':
      return { day: cases.receivedDay };
    case 'responded':
      return { day: cases.respondedDay, where: isNotNull(cases.respondedAt) };
    case 'met':
      return { day: cases.respondedDay, where: sql`${cases.dueAt} is not null and ${cases.respondedAt} <= ${cases.dueAt}` };
    case 'late':
      return {
        day: cases.dueDay,
        where: sql`${cases.dueAt} is not null and (${cases.respondedAt} > ${cases.dueAt} or (${cases.respondedAt} is null and ${cases.dueAt} < ${ts(now)}))`,
      };
    case 'extended':
      return { day: cases.receivedDay, where: eq(cases.extended, true) };
    case 'escalated':
      return { day: cases.receivedDay, where: isNotNull(cases.parentId) };
  }
}

function stateCondition(s: CaseState, now: Date): SQL {
  switch (s) {
    case 'open':
      return sql`${cases.respondedAt} is null and ${cases.dueAt} >= ${ts(now)}`;
    case 'overdue':
      return sql`${cases.respondedAt} is null and ${cases.dueAt} < ${ts(now)}`;
    case 'stopped':
      return sql`${cases.dueAt} is null and ${cases.respondedAt} is null`;
  }
}

/** The outcome column of the lists, the same rule as `caseOutcome`. */
const outcomeSql = (now: Date) =>
  sql<string>`case when ${cases.dueAt} is null then 'stopped' when ${cases.respondedAt} is not null then (case when ${cases.respondedAt} <= ${cases.dueAt} then 'met' else 'late' end) when ${cases.dueAt} < ${ts(now)} then 'overdue' else 'open' end`;

export type CaseCountsQuery = { fromDay: string; toDay: string; grain: Grain; slice: CaseSlice; by: CaseDim[]; now: Date };
export type CaseCountRow = { period: string; dims: Record<string, string>; counts: Record<CaseMeasure, number>; respondedWorkingDays: number };

/** Every measure per period (and per `by` dimension), counted in SQL. */
export async function caseCounts(db: Db, q: CaseCountsQuery): Promise<CaseCountRow[]> {
  const rows = new Map<string, CaseCountRow>();
  const rowFor = (period: string, dims: Record<string, string>) => {
    const key = `${period}|${JSON.stringify(dims)}`;
    let row = rows.get(key);
    if (!row) {
      row = { period, dims, counts: Object.fromEntries(caseMeasures.map((x) => [x, 0])) as Record<CaseMeasure, number>, respondedWorkingDays: 0 };
      rows.set(key, row);
    }
    return row;
  };
  // Every measure in one statement (a union of one grouped count per measure), not one round trip each.
  const parts = caseMeasures.map((m) => {
    const { day, where } = caseMeasureOf(m, q.now);
    const period = periodExpr(q.grain, day);
    const dims = q.by.map((d) => sql`, ${dimExpr(d)} as ${sql.identifier(d)}`);
    return sql`(select ${m}::text as measure, ${period} as period, count(*)::int as n, sum(${cases.workingDaysToRespond}) as wd${sql.join(dims)}
      from ${cases} where ${and(gte(day, q.fromDay), lte(day, q.toDay), where, ...sliceConditions(q.slice))}
      group by ${sql.join([period, ...q.by.map((d) => dimExpr(d))], sql`, `)})`;
  });
  const result = rowsOf<Record<string, string | number | null> & { measure: CaseMeasure; period: string; n: number | string; wd: number | string | null }>(
    await db.execute(sql.join(parts, sql` union all `)),
  );
  for (const r of result) {
    const row = rowFor(r.period, Object.fromEntries(q.by.map((d) => [d, String(r[d])])));
    row.counts[r.measure] = Number(r.n);
    if (r.measure === 'responded') row.respondedWorkingDays = Number(r.wd ?? 0);
  }
  return [...rows.values()];
}

/** Cases open, overdue and stopped now, for a slice. */
export async function caseStateCounts(db: Db, slice: CaseSlice, now: Date): Promise<Record<CaseState, number>> {
  // The three counts in one statement.
  const where = and(...sliceConditions(slice));
  const [r] = rowsOf<Record<CaseState, number | string>>(
    await db.execute(sql`select ${sql.join(caseStates.map((s) => sql`count(*) filter (where ${stateCondition(s, now)})::int as ${sql.identifier(s)}`), sql`, `)}
      from ${cases}${where ? sql` where ${where}` : sql``}`),
  );
  return Object.fromEntries(caseStates.map((s) => [s, Number(r![s])])) as Record<CaseState, number>;
}

const listFields = (now: Date) => ({
  id: cases.externalId,
  source: cases.source,
  kind: cases.kind,
  department: cases.department,
  stage: cases.stage,
  parentId: cases.parentId,
  receivedAt: cases.receivedAt,
  startDay: cases.startDay,
  dueDay: cases.dueDay,
  dueAt: cases.dueAt,
  extended: cases.extended,
  extendedTo: cases.extendedTo,
  respondedAt: cases.respondedAt,
  workingDaysToRespond: cases.workingDaysToRespond,
  waitingFor: cases.waitingFor,
  outcome: outcomeSql(now),
});

export type CaseListQuery = {
  measure?: CaseMeasure;
  state?: CaseState;
  fromDay?: string;
  toDay?: string;
  /** Open cases due on these local days (the team leader's week). */
  dueFrom?: string;
  dueTo?: string;
  slice: CaseSlice;
  now: Date;
  limit: number;
  offset: number;
};

/** The cases behind a figure: the same predicates as caseCounts, listed and counted. */
export async function listCases(db: Db, q: CaseListQuery) {
  const conds: SQL[] = [...sliceConditions(q.slice)];
  if (q.measure) {
    const { day, where } = caseMeasureOf(q.measure, q.now);
    if (where) conds.push(where);
    if (q.fromDay) conds.push(gte(day, q.fromDay));
    if (q.toDay) conds.push(lte(day, q.toDay));
  }
  if (q.state) conds.push(stateCondition(q.state, q.now));
  if (q.dueFrom) conds.push(gte(cases.dueDay, q.dueFrom), isNull(cases.respondedAt));
  if (q.dueTo) conds.push(lte(cases.dueDay, q.dueTo), isNull(cases.respondedAt));
  const where = and(...conds);
  const [{ total }] = (await db.select({ total: count() }).from(cases).where(where)) as [{ total: number }];
  const rows = await db
    .select(listFields(q.now))
    .from(cases)
    .where(where)
    .orderBy(asc(cases.dueAt), asc(cases.receivedAt), asc(cases.externalId))
    .limit(q.limit)
    .offset(q.offset);
  return { total: Number(total), rows };
}

/** One case by its external id (in a source, or any source when there is one match). */
export async function findCases(db: Db, externalId: string, source?: string): Promise<CaseRow[]> {
  return db.select().from(cases).where(and(eq(cases.externalId, externalId), source ? eq(cases.source, source) : undefined)).limit(5);
}
