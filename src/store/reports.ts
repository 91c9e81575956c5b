import { and, asc, count, eq, gt, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { metricValues, tickets, ticketSla } from '../../db/schema.ts';
import { NONE } from './sla-queries.ts';
import { rowsOf } from './sla-counts.ts';

const team = sql<string>`coalesce(${tickets.team}, ${sql.raw(`'${NONE}'`)})`;

/**
 * Backlog at the end of a local day, per team and kind (METRICS.md §2 `openAtEnd`): tickets
 * opened on or before that day and not resolved by its end, whatever has happened since. From the
 * stored counts (issue 12): received minus resolved summed over every day up to `lastDay` (whole
 * months from `sla_counts_month`, the rest of the last month from `sla_counts`), days × slices
 * rows however many tickets. Exact because a ticket's judged resolution is never before its
 * opening (src/sla/evaluate.ts starts every phase at the opening), so every resolution counted
 * by then belongs to a ticket received by then. Team and kind as the compute last saw them.
 */
export async function backlogByTeamAt(db: Db, lastDay: string) {
  const monthStart = `${lastDay.slice(0, 7)}-01`;
  const rows = rowsOf<{ team: string; kind: string; n: number | string }>(
    await db.execute(sql`
      select coalesce(team, ${NONE}) as team, kind, sum(n)::int as n
      from (
        select team, kind, received - resolved as n from sla_counts_month where month < ${monthStart}::date
        union all
        select team, kind, received - resolved from sla_counts where day >= ${monthStart}::date and day <= ${lastDay}::date
      ) c
      group by 1, 2
      having sum(n) <> 0`),
  );
  return rows.map((r) => ({ team: r.team, kind: r.kind, n: Number(r.n) }));
}

/**
 * "Assigned, still to be actioned" at an instant, per team (METRICS.md §2, daily view, as of a
 * month's end): open at the end of `lastDay` with no first response before `end` (the instant
 * the day ends). The feed's first response is the only dated sign of work started; the status
 * is the current one, so it cannot say what the status was back then. The tickets open at the
 * day's end are found by index as those still open (the open-state partial index, by opening
 * instant: `dayEnd` is the instant `lastDay` ends, so `opened_at < dayEnd` is `opened_day <=
 * lastDay`) and those resolved after it; only they are joined to `tickets`.
 */
export async function notActionedByTeamAt(db: Db, lastDay: string, dayEnd: Date, end: Date) {
  const open = db
    .select({ ticketId: ticketSla.ticketId })
    .from(ticketSla)
    .where(and(isNull(ticketSla.resolvedAt), lt(ticketSla.openedAt, dayEnd)))
    .unionAll(db.select({ ticketId: ticketSla.ticketId }).from(ticketSla).where(and(gt(ticketSla.resolvedDay, lastDay), lte(ticketSla.openedDay, lastDay))))
    .as('open');
  const rows = await db
    .select({ team, n: count() })
    .from(open)
    .innerJoin(tickets, eq(tickets.id, open.ticketId))
    .where(or(isNull(tickets.firstResponseAt), gte(tickets.firstResponseAt, end)))
    .groupBy(team);
  return rows.map((r) => ({ team: r.team, n: Number(r.n) }));
}

/**
 * Σ satisfaction and how many answered, of tickets resolved (judged resolution) in each local
 * month of [fromMonth, toMonth]: the sums the stored counts keep per resolution day, by month
 * (`sla_counts_month`), not a join of the year's resolutions with their tickets.
 */
export async function satisfactionByMonth(db: Db, fromMonth: string, toMonth: string) {
  const rows = rowsOf<{ month: string; total: number | string; n: number | string }>(
    await db.execute(sql`
      select to_char(month, 'YYYY-MM') as month, sum(satisfaction_total)::int as total, sum(satisfaction_n)::int as n
      from sla_counts_month
      where month >= ${`${fromMonth}-01`}::date and month <= ${`${toMonth}-01`}::date
      group by month
      having sum(satisfaction_n) > 0`),
  );
  return rows.map((r) => ({ month: r.month, total: Number(r.total), n: Number(r.n) }));
}

/**
 * Tickets opened in each local month of [fromMonth, toMonth] per channel text: the channel-shift
 * section's ticket contacts, from the stored counts (`received` of `sla_counts_month`, every
 * evaluated ticket on its opening day in the calendar's zone) instead of a scan of the months' tickets.
 */
export async function ticketsByChannelAndMonth(db: Db, fromMonth: string, toMonth: string) {
  const rows = rowsOf<{ month: string; channel: string | null; n: number | string }>(
    await db.execute(sql`
      select to_char(month, 'YYYY-MM') as month, channel, sum(received)::int as n
      from sla_counts_month
      where month >= ${`${fromMonth}-01`}::date and month <= ${`${toMonth}-01`}::date
      group by month, channel
      having sum(received) > 0`),
  );
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

export type MetricRange = { metric: string; grain: 'day' | 'month'; from: string; to: string; dimKeys: readonly string[] };
export type MetricRow = { period: string; dimKey: string; counts: Record<string, number> };

/**
 * Stored rows of several ranges at once (each a metric, grain, period range and slices), in one
 * statement: the report's call and email figures of three months and the channel shift's twelve
 * were eleven round trips. The answer of each range in period order, as `metricRowsOfSlices` gives it.
 */
export async function metricRowsOfRanges(db: Db, ranges: readonly MetricRange[]): Promise<MetricRow[][]> {
  const asked = ranges.filter((q) => q.dimKeys.length > 0);
  if (asked.length === 0) return ranges.map(() => []);
  const matches = (q: MetricRange) =>
    and(eq(metricValues.metric, q.metric), eq(metricValues.grain, q.grain), inArray(metricValues.dimKey, [...q.dimKeys]), gte(metricValues.period, q.from), lte(metricValues.period, q.to));
  const rows = await db
    .select({ metric: metricValues.metric, grain: metricValues.grain, period: metricValues.period, dimKey: metricValues.dimKey, counts: metricValues.counts })
    .from(metricValues)
    .where(or(...asked.map(matches)))
    .orderBy(asc(metricValues.period));
  // A row can answer more than one range (a month's calls of all queues: its own figures and the channel shift's).
  return ranges.map((q) => {
    const keys = new Set(q.dimKeys);
    return rows
      .filter((r) => r.metric === q.metric && r.grain === q.grain && keys.has(r.dimKey) && r.period >= q.from && r.period <= q.to)
      .map((r) => ({ period: r.period, dimKey: r.dimKey, counts: r.counts }));
  });
}
