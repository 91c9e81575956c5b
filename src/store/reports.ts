import { and, asc, count, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, or, sql, sum } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { metricValues, tickets, ticketSla } from '../../db/schema.ts';
import { NONE } from './sla-queries.ts';

const team = sql<string>`coalesce(${tickets.team}, ${sql.raw(`'${NONE}'`)})`;

/** Opened on or before `lastDay` and not resolved by its end (the judged resolution, local days). */
const openAtEndOf = (lastDay: string) => and(lte(ticketSla.openedDay, lastDay), or(isNull(ticketSla.resolvedDay), gt(ticketSla.resolvedDay, lastDay)));

/**
 * Backlog at the end of a local day, per team and kind (METRICS.md §2 `openAtEnd`): tickets
 * opened on or before that day and not resolved by its end, whatever has happened since.
 */
export async function backlogByTeamAt(db: Db, lastDay: string) {
  const rows = await db
    .select({ team, kind: tickets.kind, n: count() })
    .from(ticketSla)
    .innerJoin(tickets, eq(tickets.id, ticketSla.ticketId))
    .where(openAtEndOf(lastDay))
    .groupBy(team, tickets.kind);
  return rows.map((r) => ({ team: r.team, kind: r.kind, n: Number(r.n) }));
}

/**
 * "Assigned, still to be actioned" at an instant, per team (METRICS.md §2, daily view, as of a
 * month's end): open at the end of `lastDay` with no first response before `end` (the instant
 * the day ends). The feed's first response is the only dated sign of work started; the status
 * is the current one, so it cannot say what the status was back then.
 */
export async function notActionedByTeamAt(db: Db, lastDay: string, end: Date) {
  const rows = await db
    .select({ team, n: count() })
    .from(ticketSla)
    .innerJoin(tickets, eq(tickets.id, ticketSla.ticketId))
    .where(and(openAtEndOf(lastDay), or(isNull(tickets.firstResponseAt), gte(tickets.firstResponseAt, end))))
    .groupBy(team);
  return rows.map((r) => ({ team: r.team, n: Number(r.n) }));
}

/** Σ satisfaction and how many answered, of tickets resolved (judged resolution) in each month of [fromDay, toDay]. */
export async function satisfactionByMonth(db: Db, fromDay: string, toDay: string) {
  const month = sql<string>`to_char(${ticketSla.resolvedDay}, 'YYYY-MM')`;
  const rows = await db
    .select({ month, total: sum(tickets.satisfaction), n: count() })
    .from(ticketSla)
    .innerJoin(tickets, eq(tickets.id, ticketSla.ticketId))
    .where(and(gte(ticketSla.resolvedDay, fromDay), lte(ticketSla.resolvedDay, toDay), isNotNull(tickets.satisfaction)))
    .groupBy(month);
  return rows.map((r) => ({ month: r.month, total: Number(r.total ?? 0), n: Number(r.n) }));
}

/** Tickets opened in [from, to) per local month (in `zone`) and channel text: the channel-shift section's ticket contacts. */
export async function ticketsByChannelAndMonth(db: Db, zone: string, from: Date, to: Date) {
  const month = sql<string>`to_char(${tickets.openedAt} at time zone ${zone}, 'YYYY-MM')`;
  const rows = await db
    .select({ month, channel: tickets.channel, n: count() })
    .from(tickets)
    .where(and(gte(tickets.openedAt, from), lt(tickets.openedAt, to)))
    // By position: the zone is a bound parameter, and PostgreSQL does not match `$1` in the
    // select list with `$4` in GROUP BY.
    .groupBy(sql`1`, sql`2`);
  return rows.map((r) => ({ month: r.month, channel: r.channel, n: Number(r.n) }));
}

/** Stored rows of a metric for several slices at once (dim keys), by period: one query, not one per queue or mailbox. */
export async function metricRowsOfSlices(db: Db, q: { metric: string; grain: 'day' | 'month'; from: string; to: string; dimKeys: readonly string[] }) {
  if (q.dimKeys.length === 0) return [];
  return db
    .select({ period: metricValues.period, dimKey: metricValues.dimKey, counts: metricValues.counts })
    .from(metricValues)
    .where(and(eq(metricValues.metric, q.metric), eq(metricValues.grain, q.grain), inArray(metricValues.dimKey, [...q.dimKeys]), gte(metricValues.period, q.from), lte(metricValues.period, q.to)))
    .orderBy(asc(metricValues.period));
}
