/**
 * The evidence behind the data-quality flags (src/quality/flags.ts): quarantined rows and skew
 * warnings of current runs, last deliveries per feed, tickets without status history.
 */
import { and, eq, gte, inArray, like, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { executePrepared } from './prepared.ts';
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
 * The sources with history, one index probe each (a skip scan of ticket_history's key): a plain
 * `exists` per source is planned as a scan of all of ticket_history. A WITH clause: `hs` below.
 */
const historySources = sql`
  with recursive hs(source) as (
    (select source from ${ticketHistory} order by source limit 1)
    union all
    select (select h.source from ${ticketHistory} h where h.source > hs.source order by h.source limit 1) from hs where hs.source is not null)`;

/** Tickets without history per local day of [fromDay, toDay] in `zone` (needs `historySources` before it). */
const noHistoryDays = (zone: string, fromDay: string, toDay: string) => sql`
  select to_char(c.day, 'YYYY-MM-DD') as day, sum(c.n)::int as n
  from ${ticketNoHistoryDays} c
  where c.zone = ${zone} and c.day >= ${fromDay} and c.day <= ${toDay} and c.source in (select source from hs)
  group by c.day
  having sum(c.n) > 0`;

/**
 * Tickets opened on local days fromDay..toDay in `zone` with no status history, by day; only
 * sources that deliver history at all (a desk without a history feed is not flagged on every
 * ticket). From the stored day counts: days × sources rows, whatever the number of tickets.
 */
export async function ticketsWithoutHistory(db: Db, zone: string, fromDay: string, toDay: string) {
  await ensureZoneCounted(db, zone);
  const rows = rowsOf<{ day: string; n: number }>(await db.execute(sql`${historySources} ${noHistoryDays(zone, fromDay, toDay)}`));
  return rows.map((r) => ({ day: r.day, n: Number(r.n) }));
}

export type FlagEvidenceQuery = {
  /** Feeds whose quarantined rows and last deliveries are read. */
  feeds: readonly string[];
  /**
   * Rejected rows of runs started at or after this instant only: a row is exported after the day
   * it is about, so older runs cannot hold a recent period's rows (src/quality/flags.ts, rejectedSince).
   */
  since: Date;
  /** Feeds whose clock-skew warnings are read (none: no skew runs). */
  skewFeeds: readonly string[];
  /** Tickets without status history by local day, when asked (zone, days inclusive). */
  noHistory: { zone: string; fromDay: string; toDay: string } | null;
};

const epochMs = (column: string) => sql.raw(`floor(extract(epoch from ${column}) * 1000)::float8`);
/** A JSON array from a subquery's rows, `[]` when it has none. */
const jsonRows = (row: SQL, from: SQL) => sql`(select coalesce(json_agg(${row}), '[]'::json) from (${from}) x)`;
const jsonOf = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/**
 * Everything the data-quality flags of a request read, in one statement (one round trip, not one
 * per kind of evidence), each as a JSON array: the quarantined rows of current runs since `since`,
 * the current runs with clock-skew warnings, the last successful delivery per feed (the end of its
 * last successful run), and the tickets without history by day (as ticketsWithoutHistory).
 * Instants as epoch milliseconds, truncated as the drivers truncate them.
 */
export async function flagEvidence(db: Db, q: FlagEvidenceQuery) {
  if (q.noHistory) await ensureZoneCounted(db, q.noHistory.zone);
  const feeds = q.feeds.length > 0 ? q.feeds : [''];
  const skewFeeds = q.skewFeeds.length > 0 ? q.skewFeeds : [''];
  const rejected = jsonRows(
    sql`json_build_array(x.feed, x.raw, ${epochMs('x.started_at')}, x.touched_days)`,
    sql`select ${ingestRuns.feed}, ${rejectedRows.raw}, ${ingestRuns.startedAt}, ${ingestRuns.touchedDays} from ${rejectedRows}
      inner join ${ingestRuns} on ${ingestRuns.id} = ${rejectedRows.runId}
      where ${and(inArray(ingestRuns.feed, [...feeds]), gte(ingestRuns.startedAt, q.since), isCurrentRun())} limit ${MAX_REJECTED}`,
  );
  const skew =
    q.skewFeeds.length === 0
      ? sql`'[]'::json`
      : jsonRows(
          sql`json_build_array(x.feed, x.warnings, ${epochMs('x.started_at')}, x.touched_days)`,
          sql`select ${ingestRuns.feed}, ${ingestRuns.warnings}, ${ingestRuns.startedAt}, ${ingestRuns.touchedDays} from ${ingestRuns}
            where ${and(inArray(ingestRuns.feed, [...skewFeeds]), like(sql`${ingestRuns.warnings}::text`, '%before % arrived (the clocks of two systems%'), isCurrentRun())}`,
        );
  const delivered = jsonRows(
    sql`json_build_array(x.feed, ${epochMs('x.at')})`,
    sql`select ${ingestRuns.feed} as feed, max(coalesce(${ingestRuns.finishedAt}, ${ingestRuns.startedAt})) as at from ${ingestRuns}
      where ${and(inArray(ingestRuns.feed, [...feeds]), eq(ingestRuns.status, 'succeeded'))} group by ${ingestRuns.feed}`,
  );
  const h = q.noHistory;
  const noHistory = h ? jsonRows(sql`json_build_array(x.day, x.n)`, noHistoryDays(h.zone, h.fromDay, h.toDay)) : sql`'[]'::json`;
  const [row] = rowsOf<Record<'rejected' | 'skew' | 'delivered' | 'no_history', unknown>>(
    await executePrepared(db, 'flag-evidence', sql`${h ? historySources : sql``} select ${rejected} as rejected, ${skew} as skew, ${delivered} as delivered, ${noHistory} as no_history`),
  );
  return {
    rejected: jsonOf<[string, string, number, string[]][]>(row!.rejected).map(([feed, raw, runStartedAt, runTouchedDays]) => ({ feed, raw, runStartedAt, runTouchedDays })),
    skewRuns: jsonOf<[string, string[], number, string[]][]>(row!.skew).map(([feed, warnings, runStartedAt, runTouchedDays]) => ({ feed, warnings, runStartedAt, runTouchedDays })),
    delivered: jsonOf<[string, number | null][]>(row!.delivered).map(([feed, at]) => ({ feed, at })),
    withoutHistory: jsonOf<[string, number][]>(row!.no_history).map(([day, n]) => ({ day, n: Number(n) })),
  };
}
