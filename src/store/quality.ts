/**
 * The evidence behind the data-quality flags (src/quality/flags.ts): quarantined rows and skew
 * warnings of current runs, last deliveries per feed, tickets without status history.
 */
import { and, eq, gte, inArray, like, max, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rowsOf } from './sla-counts.ts';
import { ingestRuns, rejectedRows, ticketHistory, ticketNoHistoryDays, ticketNoHistoryZones, tickets } from '../../db/schema.ts';

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

/** Zones known to be counted, per database: a counted zone stays counted, so a request need not ask again. */
const countedZones = new WeakMap<Db, Set<string>>();

/**
 * Builds the no-history day counts of `zone` once (the triggers of migration 0018 keep them
 * from then on). The share lock waits for ticket writes in flight and holds new ones off until
 * the counts are complete, so no write falls between the count and the triggers.
 */
async function ensureZoneCounted(db: Db, zone: string): Promise<void> {
  const seen = countedZones.get(db) ?? new Set<string>();
  countedZones.set(db, seen);
  if (seen.has(zone)) return;
  const known = await db.select({ zone: ticketNoHistoryZones.zone }).from(ticketNoHistoryZones).where(eq(ticketNoHistoryZones.zone, zone));
  if (known.length > 0) {
    seen.add(zone);
    return;
  }
  await db.transaction(async (tx) => {
    await tx.execute(sql`lock table ${tickets} in share mode`);
    const added = await tx.insert(ticketNoHistoryZones).values({ zone }).onConflictDoNothing().returning();
    if (added.length === 0) return; // another request counted it meanwhile
    await tx.execute(sql`
      insert into ${ticketNoHistoryDays} (zone, source, day, n)
      select ${zone}, source, (opened_at at time zone ${zone})::date, count(*)::int from ${tickets} where not has_history group by 2, 3`);
  });
  seen.add(zone);
}

/**
 * Tickets opened on local days fromDay..toDay in `zone` with no status history, by day; only
 * sources that deliver history at all (a desk without a history feed is not flagged on every
 * ticket). From the stored day counts: days × sources rows, whatever the number of tickets.
 */
export async function ticketsWithoutHistory(db: Db, zone: string, fromDay: string, toDay: string) {
  await ensureZoneCounted(db, zone);
  // The sources with history, one index probe each (a skip scan of ticket_history's key): a plain
  // `exists` per source is planned as a scan of all of ticket_history.
  const rows = rowsOf<{ day: string; n: number }>(
    await db.execute(sql`
      with recursive hs(source) as (
        (select source from ${ticketHistory} order by source limit 1)
        union all
        select (select h.source from ${ticketHistory} h where h.source > hs.source order by h.source limit 1) from hs where hs.source is not null)
      select to_char(c.day, 'YYYY-MM-DD') as day, sum(c.n)::int as n
      from ${ticketNoHistoryDays} c
      where c.zone = ${zone} and c.day >= ${fromDay} and c.day <= ${toDay} and c.source in (select source from hs)
      group by c.day
      having sum(c.n) > 0`),
  );
  return rows.map((r) => ({ day: r.day, n: Number(r.n) }));
}
