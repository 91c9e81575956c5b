/**
 * The evidence behind the data-quality flags (src/quality/flags.ts): quarantined rows and skew
 * warnings of current runs, last deliveries per feed, tickets without status history.
 */
import { and, eq, gte, inArray, like, lt, max, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { ingestRuns, rejectedRows, ticketHistory, tickets } from '../../db/schema.ts';

/** Rejected rows are few; this bounds one request's read all the same. */
const MAX_REJECTED = 50_000;

/**
 * A run is current unless a later successful run of the same feed, source and file replaced it:
 * re-ingesting a corrected file clears the first run's quarantine from the flags (the rows stay
 * stored for `GET /api/v1/feeds/runs/{id}/rejected`).
 */
function isCurrentRun() {
  return sql`not exists (select 1 from ${ingestRuns} later where later.feed = ${ingestRuns.feed} and later.source = ${ingestRuns.source} and later.file = ${ingestRuns.file} and later.status = 'succeeded' and later.id > ${ingestRuns.id})`;
}

/**
 * `since`: a row is exported after the day it is about, so runs started before the period (less
 * a day for zones) cannot hold its rows; this keeps a recent period from reading all history.
 */
export async function currentRejectedRows(db: Db, feeds: readonly string[], since: Date) {
  if (feeds.length === 0) return [];
  return db
    .select({ feed: ingestRuns.feed, raw: rejectedRows.raw, runStartedAt: ingestRuns.startedAt, runTouchedDays: ingestRuns.touchedDays })
    .from(rejectedRows)
    .innerJoin(ingestRuns, eq(ingestRuns.id, rejectedRows.runId))
    .where(and(inArray(ingestRuns.feed, [...feeds]), gte(ingestRuns.startedAt, since), isCurrentRun()))
    .limit(MAX_REJECTED);
}

/** Current runs whose warnings say some calls were answered before they arrived (calls.clockSkewSeconds). */
export async function currentSkewRuns(db: Db, feeds: readonly string[]) {
  if (feeds.length === 0) return [];
  return db
    .select({ feed: ingestRuns.feed, warnings: ingestRuns.warnings, runStartedAt: ingestRuns.startedAt, runTouchedDays: ingestRuns.touchedDays })
    .from(ingestRuns)
    .where(and(inArray(ingestRuns.feed, [...feeds]), like(sql`${ingestRuns.warnings}::text`, '%before % arrived (the clocks of two systems%'), isCurrentRun()));
}

/** The end of the last successful run of each feed: when it last delivered. */
export async function lastDeliveries(db: Db, feeds: readonly string[]) {
  if (feeds.length === 0) return [];
  return db
    .select({ feed: ingestRuns.feed, at: max(sql<Date>`coalesce(${ingestRuns.finishedAt}, ${ingestRuns.startedAt})`) })
    .from(ingestRuns)
    .where(and(inArray(ingestRuns.feed, [...feeds]), eq(ingestRuns.status, 'succeeded')))
    .groupBy(ingestRuns.feed);
}

/**
 * Tickets opened in [from, to) with no status history, by local opening day in `zone`; only
 * sources that deliver history at all (a desk without a history feed is not flagged on every ticket).
 */
export async function ticketsWithoutHistory(db: Db, zone: string, from: Date, to: Date) {
  const day = sql<string>`to_char(${tickets.openedAt} at time zone ${zone}, 'YYYY-MM-DD')`;
  const rows = await db
    .select({ day, n: sql<number>`count(*)::int` })
    .from(tickets)
    .where(
      and(
        gte(tickets.openedAt, from),
        lt(tickets.openedAt, to),
        sql`exists (select 1 from ${ticketHistory} h where h.source = ${tickets.source})`,
        sql`not exists (select 1 from ${ticketHistory} h where h.source = ${tickets.source} and h.external_id = ${tickets.externalId})`,
      ),
    )
    .groupBy(sql`1`);
  return rows.map((r) => ({ day: r.day, n: Number(r.n) }));
}
