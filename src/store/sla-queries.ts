import { and, asc, count, desc, eq, gte, inArray, isNull, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.ts';
import { tickets, ticketSla } from '../../db/schema.ts';
import type { Grain } from '../sla/periods.ts';

export const sliceDims = ['kind', 'team', 'priority', 'vip', 'channel'] as const;
export type SliceDim = (typeof sliceDims)[number];
export type SliceFilter = Partial<Record<SliceDim, string>>;
/** How a ticket without a team (or channel) is shown and filtered. */
export const NONE = '(none)';

export const measures = ['received', 'resolved', 'met', 'breached', 'noTarget', 'resolvedWithTarget', 'resolvedMet'] as const;
export type Measure = (typeof measures)[number];

const dimColumn: Record<SliceDim, AnyPgColumn> = {
  kind: tickets.kind,
  team: tickets.team,
  priority: tickets.priority,
  vip: tickets.vip,
  channel: tickets.channel,
};

/**
 * The label of a dimension's value as the API shows it. The constant is inlined, not bound: the
 * same expression must appear in SELECT and GROUP BY, and two bound parameters would differ.
 */
const dimExpr = (d: SliceDim): SQL<string> =>
  d === 'vip' ? sql<string>`case when ${tickets.vip} then 'true' else 'false' end` : sql<string>`coalesce(${dimColumn[d]}, ${sql.raw(`'${NONE}'`)})`;

function sliceConditions(slice: SliceFilter): SQL[] {
  const out: SQL[] = [];
  for (const d of sliceDims) {
    const v = slice[d];
    if (v === undefined) continue;
    if (d === 'vip') out.push(eq(tickets.vip, v === 'true'));
    else if (v === NONE) out.push(isNull(dimColumn[d]));
    else out.push(eq(dimColumn[d], v));
  }
  return out;
}

/**
 * Which tickets a measure counts and by which local day (METRICS.md §2, "Attainment"): met by
 * the day of its outcome (resolution), breached by the day it breached — resolved or not —,
 * received and no-target by opening, resolved by the resolution the policy judged.
 */
export function measureOf(m: Measure): { day: AnyPgColumn; where?: SQL } {
  switch (m) {
    case 'received':
      return { day: ticketSla.openedDay };
    case 'resolved':
      return { day: ticketSla.resolvedDay };
    case 'met':
      return { day: ticketSla.outcomeDay, where: eq(ticketSla.outcome, 'met') };
    case 'breached':
      return { day: ticketSla.outcomeDay, where: eq(ticketSla.outcome, 'breached') };
    case 'noTarget':
      return { day: ticketSla.openedDay, where: eq(ticketSla.outcome, 'no_target') };
    case 'resolvedWithTarget':
      return { day: ticketSla.resolvedDay, where: ne(ticketSla.outcome, 'no_target') };
    case 'resolvedMet':
      return { day: ticketSla.resolvedDay, where: eq(ticketSla.outcome, 'met') };
  }
}

export function periodExpr(grain: Grain, day: AnyPgColumn): SQL<string> {
  const format = { day: 'YYYY-MM-DD', week: 'IYYY-"W"IW', month: 'YYYY-MM', quarter: 'YYYY-"Q"Q', year: 'YYYY' }[grain];
  return sql<string>`to_char(${day}, ${sql.raw(`'${format}'`)})`;
}

export type CountsQuery = { fromDay: string; toDay: string; grain: Grain; slice: SliceFilter; by: SliceDim[] };
export type CountRow = { period: string; dims: Record<string, string>; counts: Record<Measure, number> };

/** Every measure per period (and per `by` dimension) over per-ticket SLA state, in SQL. */
export async function attainmentCounts(db: Db, q: CountsQuery): Promise<CountRow[]> {
  const rows = new Map<string, CountRow>();
  for (const m of measures) {
    const { day, where } = measureOf(m);
    const period = periodExpr(q.grain, day);
    const dims = Object.fromEntries(q.by.map((d) => [d, dimExpr(d)]));
    const result = await db
      .select({ period, n: count(), ...dims })
      .from(ticketSla)
      .innerJoin(tickets, eq(tickets.id, ticketSla.ticketId))
      .where(and(gte(day, q.fromDay), lte(day, q.toDay), where, ...sliceConditions(q.slice)))
      .groupBy(period, ...q.by.map((d) => dimExpr(d)));
    for (const r of result as (Record<string, string | number> & { period: string; n: number })[]) {
      const rowDims = Object.fromEntries(q.by.map((d) => [d, String(r[d])]));
      const key = `${r.period}|${JSON.stringify(rowDims)}`;
      let row = rows.get(key);
      if (!row) {
        row = { period: r.period, dims: rowDims, counts: Object.fromEntries(measures.map((x) => [x, 0])) as Record<Measure, number> };
        rows.set(key, row);
      }
      row.counts[m] = Number(r.n);
    }
  }
  return [...rows.values()];
}

const listFields = {
  id: tickets.externalId,
  source: tickets.source,
  kind: tickets.kind,
  priority: tickets.priority,
  vip: tickets.vip,
  team: tickets.team,
  channel: tickets.channel,
  status: tickets.status,
  openedAt: tickets.openedAt,
  resolvedAt: ticketSla.resolvedAt,
  outcome: ticketSla.outcome,
  targetMinutes: ticketSla.targetMinutes,
  elapsedMs: ticketSla.elapsedMs,
  dueAt: ticketSla.dueAt,
  breachedAt: ticketSla.breachedAt,
  outcomeAt: ticketSla.outcomeAt,
  everBreached: ticketSla.everBreached,
  reopenCount: ticketSla.reopenCount,
  policyVersion: ticketSla.policyVersion,
  calendarId: ticketSla.calendarId,
};

export type TicketListQuery = {
  measure?: Measure;
  fromDay?: string;
  toDay?: string;
  /** Current state filters: open tickets only, or those with these outcomes. */
  open?: boolean;
  outcomes?: string[];
  dueBy?: Date;
  slice: SliceFilter;
  limit: number;
  offset: number;
};

function listConditions(q: TicketListQuery): SQL[] {
  const out: SQL[] = [...sliceConditions(q.slice)];
  if (q.measure) {
    const { day, where } = measureOf(q.measure);
    if (where) out.push(where);
    if (q.fromDay) out.push(gte(day, q.fromDay));
    if (q.toDay) out.push(lte(day, q.toDay));
  }
  if (q.open) out.push(isNull(ticketSla.resolvedAt));
  if (q.outcomes?.length) out.push(inArray(ticketSla.outcome, q.outcomes));
  if (q.dueBy) out.push(lte(ticketSla.dueAt, q.dueBy));
  return out;
}

/** The tickets behind a figure: the same predicates as attainmentCounts, listed and counted. */
export async function listSlaTickets(db: Db, q: TicketListQuery) {
  const where = and(...listConditions(q));
  const [{ total }] = (await db
    .select({ total: count() })
    .from(ticketSla)
    .innerJoin(tickets, eq(tickets.id, ticketSla.ticketId))
    .where(where)) as [{ total: number }];
  const rows = await db
    .select(listFields)
    .from(ticketSla)
    .innerJoin(tickets, eq(tickets.id, ticketSla.ticketId))
    .where(where)
    .orderBy(asc(ticketSla.dueAt), asc(tickets.openedAt), asc(tickets.id))
    .limit(q.limit)
    .offset(q.offset);
  return { total: Number(total), rows };
}

/** Open-ticket figures per team for the team leader's day (METRICS.md §2, "Daily view"). */
export async function openTicketsByTeam(db: Db, riskBy: Date) {
  const team = dimExpr('team');
  const open = isNull(ticketSla.resolvedAt);
  const base = () => db.select({ team, n: count() }).from(ticketSla).innerJoin(tickets, eq(tickets.id, ticketSla.ticketId));
  const [openByKind, breached, atRisk, notActioned] = await Promise.all([
    db
      .select({ team, kind: tickets.kind, n: count() })
      .from(ticketSla)
      .innerJoin(tickets, eq(tickets.id, ticketSla.ticketId))
      .where(open)
      .groupBy(team, tickets.kind),
    base().where(and(open, eq(ticketSla.outcome, 'breached'))).groupBy(team),
    base().where(and(open, eq(ticketSla.outcome, 'in_progress'), lte(ticketSla.dueAt, riskBy))).groupBy(team),
    base()
      .where(and(open, isNull(tickets.firstResponseAt), sql`lower(coalesce(${tickets.status}, 'new')) in ('new', 'assigned')`))
      .groupBy(team),
  ]);
  return { openByKind, breached, atRisk, notActioned };
}

/** The oldest open ticket of a team (its id for the link). */
export async function oldestOpenTicket(db: Db, team: string) {
  const [row] = await db
    .select({ id: tickets.externalId, openedAt: tickets.openedAt })
    .from(ticketSla)
    .innerJoin(tickets, eq(tickets.id, ticketSla.ticketId))
    .where(and(isNull(ticketSla.resolvedAt), ...sliceConditions({ team })))
    .orderBy(asc(tickets.openedAt))
    .limit(1);
  return row;
}

/** One ticket by its natural key, with its stored state. */
export async function slaTicket(db: Db, source: string, externalId: string) {
  const [row] = await db
    .select({ ...listFields, firstResponseAt: tickets.firstResponseAt, closedAt: tickets.closedAt, ticketResolvedAt: tickets.resolvedAt })
    .from(tickets)
    .leftJoin(ticketSla, eq(tickets.id, ticketSla.ticketId))
    .where(and(eq(tickets.source, source), eq(tickets.externalId, externalId)))
    .orderBy(desc(tickets.id))
    .limit(1);
  return row;
}
