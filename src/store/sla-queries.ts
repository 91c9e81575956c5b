import { and, asc, count, desc, eq, gte, inArray, isNull, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.ts';
import { slaCounts, slaCountsMonth, tickets, ticketSla } from '../../db/schema.ts';
import { executePrepared } from './prepared.ts';
import { withoutParallelWorkers } from './serial-plan.ts';
import { rowsOf } from './sla-counts.ts';
import type { Grain } from '../sla/periods.ts';

export const sliceDims = ['kind', 'team', 'priority', 'vip', 'channel'] as const;
export type SliceDim = (typeof sliceDims)[number];
export type SliceFilter = Partial<Record<SliceDim, string>>;
/** How a ticket without a team (or channel) is shown and filtered. */
export const NONE = '(none)';

export const measures = ['received', 'resolved', 'met', 'breached', 'noTarget', 'resolvedWithTarget', 'resolvedMet'] as const;
export type Measure = (typeof measures)[number];

/**
 * The slice as the SLA state was evaluated (ticket_sla's copy of the ticket's): the stored counts
 * were added under it, so a drill-down filtered on it lists exactly the tickets a count counted,
 * and ticket_sla's own indexes serve it.
 */
const dimColumn: Record<SliceDim, AnyPgColumn> = {
  kind: ticketSla.kind,
  team: ticketSla.team,
  priority: ticketSla.priority,
  vip: ticketSla.vip,
  channel: ticketSla.channel,
};
const countsDimColumn: Record<SliceDim, AnyPgColumn> = {
  kind: slaCounts.kind,
  team: slaCounts.team,
  priority: slaCounts.priority,
  vip: slaCounts.vip,
  channel: slaCounts.channel,
};

/**
 * The label of a dimension's value as the API shows it. The constant is inlined, not bound: the
 * same expression must appear in SELECT and GROUP BY, and two bound parameters would differ.
 */
const dimExpr = (d: SliceDim, columns = dimColumn): SQL<string> =>
  d === 'vip' ? sql<string>`case when ${columns.vip} then 'true' else 'false' end` : sql<string>`coalesce(${columns[d]}, ${sql.raw(`'${NONE}'`)})`;

function sliceConditions(slice: SliceFilter, columns = dimColumn): SQL[] {
  const out: SQL[] = [];
  for (const d of sliceDims) {
    const v = slice[d];
    if (v === undefined) continue;
    if (d === 'vip') out.push(eq(columns.vip, v === 'true'));
    else if (v === NONE) out.push(isNull(columns[d]));
    else out.push(eq(columns[d], v));
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

/** A count table as one source for attainmentCounts: `day` is the day, or the month's first day. */
type CountSource = { table: typeof slaCounts | typeof slaCountsMonth; day: AnyPgColumn; dims: Record<SliceDim, AnyPgColumn> };
const daySource: CountSource = { table: slaCounts, day: slaCounts.day, dims: countsDimColumn };
const monthSource: CountSource = {
  table: slaCountsMonth,
  day: slaCountsMonth.month,
  dims: { kind: slaCountsMonth.kind, team: slaCountsMonth.team, priority: slaCountsMonth.priority, vip: slaCountsMonth.vip, channel: slaCountsMonth.channel },
};

/** One source's rows as (day, dims, counts × sign), filtered by `where` and the slice. */
function sourceRows(src: CountSource, q: CountsQuery, where: SQL, sign: 1 | -1): SQL {
  const dims = sliceDims.map((d) => sql`${src.dims[d]} as ${sql.raw(d)}`);
  const counts = measures.map((m) => sql`${sql.raw(String(sign))} * ${src.table[m]} as ${sql.raw(`"${m}"`)}`);
  return sql`select ${src.day} as day, ${sql.join([...dims, ...counts], sql`, `)} from ${src.table} where ${and(where, ...sliceConditions(q.slice, src.dims))}`;
}

const monthStart = (day: string) => `${day.slice(0, 7)}-01`;

/** One counts query's statement: period, `by` dims and every measure, grouped. */
function countsSql(q: CountsQuery): SQL {
  const rowsSql =
    q.grain === 'day' || q.grain === 'week'
      ? sourceRows(daySource, q, sql`${slaCounts.day} >= ${q.fromDay} and ${slaCounts.day} <= ${q.toDay}`, 1)
      : sql`${sourceRows(monthSource, q, sql`${slaCountsMonth.month} >= ${monthStart(q.fromDay)} and ${slaCountsMonth.month} <= ${monthStart(q.toDay)}`, 1)}
        union all
        ${sourceRows(daySource, q, sql`((${slaCounts.day} >= ${monthStart(q.fromDay)} and ${slaCounts.day} < ${q.fromDay}) or (${slaCounts.day} > ${q.toDay} and ${slaCounts.day} < (${monthStart(q.toDay)}::date + interval '1 month')))`, -1)}`;
  const x = { day: sql.raw('x.day'), ...Object.fromEntries(sliceDims.map((d) => [d, sql.raw(`x.${d}`)])) } as unknown as Record<'day' | SliceDim, AnyPgColumn>;
  const period = periodExpr(q.grain, x.day);
  const dimOf = (d: SliceDim) => dimExpr(d, x);
  const select = [sql`${period} as period`, ...q.by.map((d) => sql`${dimOf(d)} as ${sql.raw(d)}`), ...measures.map((m) => sql`sum(x.${sql.raw(`"${m}"`)})::int as ${sql.raw(`"${m}"`)}`)];
  return sql`
      select ${sql.join(select, sql`, `)}
      from (${rowsSql}) x
      group by ${sql.join([period, ...q.by.map(dimOf)], sql`, `)}
      having ${sql.join(measures.map((m) => sql`sum(x.${sql.raw(`"${m}"`)}) <> 0`), sql` or `)}`;
}

const countRowOf = (by: readonly SliceDim[], r: Record<string, string | number>): CountRow => ({
  period: String(r.period),
  dims: Object.fromEntries(by.map((d) => [d, String(r[d])])),
  counts: Object.fromEntries(measures.map((m) => [m, Number(r[m])])) as Record<Measure, number>,
});

/**
 * Every measure per period (and per `by` dimension), summed from the stored counts
 * (src/store/sla-counts.ts). Months, quarters and years read the month roll-up
 * (`sla_counts_month`, 12 × slices rows a year) and take back the days of their first and last
 * month outside [fromDay, toDay] from the day counts; days and weeks read the day counts. A
 * period and slice appears when any of its counts is above zero, as when it was counted from
 * tickets.
 */
export async function attainmentCounts(db: Db, q: CountsQuery): Promise<CountRow[]> {
  const result = rowsOf<Record<string, string | number>>(await executePrepared(db, 'sla-attainment-counts', countsSql(q)));
  return result.map((r) => countRowOf(q.by, r));
}

/**
 * Several counts queries with the same `by` in one statement (one round trip, e.g. the team
 * leader's today and month to date): each query's rows exactly as attainmentCounts gives them.
 */
export async function attainmentCountsOf(db: Db, qs: readonly CountsQuery[]): Promise<CountRow[][]> {
  const by = qs[0]!.by;
  if (qs.some((q) => q.by.join() !== by.join())) throw new Error('attainmentCountsOf: every query must ask for the same dimensions');
  // A constant per query says whose row it is; each query keeps its own grouping.
  const parts = qs.map((q, i) => sql`select ${sql.raw(String(i))} as q, c.* from (${countsSql(q)}) c`);
  const result = rowsOf<Record<string, string | number>>(await executePrepared(db, 'sla-attainment-counts-of', sql.join(parts, sql` union all `)));
  const out: CountRow[][] = qs.map(() => []);
  for (const r of result) out[Number(r.q)]!.push(countRowOf(by, r));
  return out;
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
  // A period or open-state filter is selective: ordering by an expression of the due time keeps
  // PostgreSQL from walking the due-time index over every state (to skip sorting a few hundred
  // rows) and lets it find the matching states by their own indexes. Same order: null stays last.
  const byDue = q.measure !== undefined || q.open === true ? sql`${ticketSla.dueAt} + interval '0 ms'` : asc(ticketSla.dueAt);
  const [counted, rows] = await Promise.all([
    // Every predicate is on ticket_sla (its own copy of the slice): the count needs no join.
    db.select({ total: count() }).from(ticketSla).where(where).prepare('sla-tickets-count').execute(),
    withoutParallelWorkers(db, (tx) =>
      tx
        .select(listFields)
        .from(ticketSla)
        .innerJoin(tickets, eq(tickets.id, ticketSla.ticketId))
        .where(where)
        .orderBy(byDue, asc(tickets.openedAt), asc(tickets.id))
        .limit(q.limit)
        .offset(q.offset)
        .prepare('sla-tickets-list')
        .execute(),
    ),
  ]);
  return { total: Number(counted[0]!.total), rows };
}

const epochMs = (column: string) => `floor(extract(epoch from ${column}) * 1000)::float8`;
/** A JSON array of a subquery's rows, `[]` when it has none. */
const jsonRows = (row: string, from: string) => `(select coalesce(json_agg(${row}), '[]'::json) from (${from}) x)`;
const jsonOf = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const teamOf = (column: string) => `coalesce(${column}, '${NONE}')`;

/** The first open state of teams after `where` by the open-by-team index (the skip scan below). */
const firstOpen = (where: string) => `(select s.team, s.ticket_id from ticket_sla s where s.resolved_at is null and ${where} order by s.team, s.opened_at, s.ticket_id limit 1)`;

export type TeamOpenFigures = {
  openByKind: { team: string; kind: string; n: number }[];
  breached: { team: string; n: number }[];
  atRisk: { team: string; n: number }[];
  notActioned: { team: string; n: number }[];
  /** The oldest open ticket of every team with open tickets. */
  oldest: Map<string, { id: string; openedAt: Date }>;
};

/**
 * Open-ticket figures per team for the team leader's day (METRICS.md §2, "Daily view"), in one
 * statement (one round trip, not four), each part a JSON array:
 * - open by kind and open breached from the open-state counts (`sla_open_counts`, kept by
 *   triggers on ticket_sla; a few rows per team);
 * - at risk from the running states due before the horizon (their partial index);
 * - "not actioned", the only part that needs the ticket's own status and first response: the
 *   tickets without a first response (their partial index) joined to the open states by key;
 * - the oldest open ticket of every team: each team's first entry of the open-by-team index,
 *   found by a skip scan (one probe per team, not a walk over every open state), then those few
 *   tickets' ids by primary key; teamless open states are one more probe.
 */
export async function teamOpenFigures(db: Db, riskBy: Date): Promise<TeamOpenFigures> {
  const [row] = rowsOf<Record<'open_counts' | 'at_risk' | 'not_actioned' | 'oldest', unknown>>(
    await executePrepared(db, 'sla-team-open-figures', sql`
      with recursive o(team, ticket_id) as (
        ${sql.raw(firstOpen('s.team is not null'))}
        union all
        select n.team, n.ticket_id from o cross join lateral ${sql.raw(firstOpen('s.team > o.team'))} n
      ), teamless as ${sql.raw(firstOpen('s.team is null'))}
      select
        ${sql.raw(jsonRows('json_build_array(x.team, x.kind, x.outcome, x.n)', `select ${teamOf('team')} as team, kind, outcome, sum(n)::int as n from sla_open_counts group by 1, 2, 3`))} as open_counts,
        (select coalesce(json_agg(json_build_array(x.team, x.n)), '[]'::json) from (
          select ${sql.raw(teamOf('team'))} as team, count(*)::int as n from ticket_sla
          where resolved_at is null and outcome = 'in_progress' and due_at <= ${riskBy.toISOString()}::timestamptz group by 1) x) as at_risk,
        ${sql.raw(
          jsonRows(
            'json_build_array(x.team, x.n)',
            `select ${teamOf('s.team')} as team, count(*)::int as n
            from tickets t join ticket_sla s on s.ticket_id = t.id
            where s.resolved_at is null and t.first_response_at is null and lower(coalesce(t.status, 'new')) in ('new', 'assigned')
            group by 1`,
          ),
        )} as not_actioned,
        ${sql.raw(
          jsonRows(
            `json_build_array(x.team, x.id, ${epochMs('x.opened_at')})`,
            `select ${teamOf('y.team')} as team, t.external_id as id, t.opened_at
            from (select * from o union all select * from teamless) y join tickets t on t.id = y.ticket_id`,
          ),
        )} as oldest`),
  );
  const openCounts = jsonOf<[string, string, string, number][]>(row!.open_counts).map(([team, kind, outcome, n]) => ({ team, kind, outcome, n }));
  const sums = <K extends string>(key: (r: (typeof openCounts)[number]) => K | null) => {
    const out = new Map<K, number>();
    for (const r of openCounts) {
      const k = key(r);
      if (k !== null) out.set(k, (out.get(k) ?? 0) + Number(r.n));
    }
    return out;
  };
  // As `group by … having sum(n) > 0` would give them.
  const openByKind = [...sums((r) => JSON.stringify([r.team, r.kind]))].filter(([, v]) => v > 0).map(([k, v]) => {
    const [t, kind] = JSON.parse(k) as [string, string];
    return { team: t, kind, n: v };
  });
  const breached = [...sums((r) => (r.outcome === 'breached' ? r.team : null))].filter(([, v]) => v > 0).map(([t, v]) => ({ team: t, n: v }));
  const pairs = (v: unknown) => jsonOf<[string, number][]>(v).map(([team, n]) => ({ team, n: Number(n) }));
  const oldest = jsonOf<[string, string, number][]>(row!.oldest).map(([team, id, openedAt]) => [team, { id, openedAt: new Date(openedAt) }] as const);
  return { openByKind, breached, atRisk: pairs(row!.at_risk), notActioned: pairs(row!.not_actioned), oldest: new Map(oldest) };
}

/** Open by kind, open breached, at risk and not actioned per team (teamOpenFigures without the oldest). */
export async function openTicketsByTeam(db: Db, riskBy: Date) {
  const { oldest: _, ...open } = await teamOpenFigures(db, riskBy);
  return open;
}

/** The oldest open ticket of every team with open tickets (teamOpenFigures). */
export async function oldestOpenByTeam(db: Db): Promise<Map<string, { id: string; openedAt: Date }>> {
  return (await teamOpenFigures(db, new Date(0))).oldest;
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
