import { and, count, desc, eq, gt, gte, inArray, lt, lte, max, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { ingestRuns, publishedMonths, tickets, type NewPublishedMonth, type PublishedMonth, type PublishWatermarks } from '../../db/schema.ts';

/** The month's latest published version (the one served), or undefined. */
export async function latestPublished(db: Db, month: string): Promise<PublishedMonth | undefined> {
  const [row] = await db.select().from(publishedMonths).where(eq(publishedMonths.month, month)).orderBy(desc(publishedMonths.version)).limit(1);
  return row;
}

/** When the month's latest version was issued (the frozen copy's header), without its bodies. */
export async function publishedStamp(db: Db, month: string) {
  const [row] = await db
    .select({ month: publishedMonths.month, version: publishedMonths.version, issuedAt: publishedMonths.issuedAt, hashes: publishedMonths.hashes, kpiFeedRevision: publishedMonths.kpiFeedRevision })
    .from(publishedMonths)
    .where(eq(publishedMonths.month, month))
    .orderBy(desc(publishedMonths.version))
    .limit(1);
  return row;
}

/** One frozen text of the month's latest version (only that column is read), with when it was issued. */
export async function publishedText(db: Db, month: string, column: 'reportJson' | 'reportCsv' | 'reportHtml' | 'kpiFeedJson' | 'kpiFeedCsv') {
  const [row] = await db
    .select({ text: publishedMonths[column], version: publishedMonths.version, issuedAt: publishedMonths.issuedAt, hashes: publishedMonths.hashes })
    .from(publishedMonths)
    .where(eq(publishedMonths.month, month))
    .orderBy(desc(publishedMonths.version))
    .limit(1);
  return row;
}

/** Every published version, newest month first, without the bodies. */
export async function listPublished(db: Db) {
  return db
    .select({
      month: publishedMonths.month,
      version: publishedMonths.version,
      issuedAt: publishedMonths.issuedAt,
      issuedBy: publishedMonths.issuedBy,
      kpiFeedRevision: publishedMonths.kpiFeedRevision,
      hashes: publishedMonths.hashes,
    })
    .from(publishedMonths)
    .orderBy(desc(publishedMonths.month), desc(publishedMonths.version));
}

/** The latest version of each month published before `month` and not before `fromMonth`, oldest first, with figures and evidence marks. */
export async function publishedBetween(db: Db, fromMonth: string, beforeMonth: string) {
  const rows = await db
    .select({
      month: publishedMonths.month,
      version: publishedMonths.version,
      issuedAt: publishedMonths.issuedAt,
      figures: publishedMonths.figures,
      watermarks: publishedMonths.watermarks,
      policyHashes: publishedMonths.policyHashes,
    })
    .from(publishedMonths)
    .where(and(gte(publishedMonths.month, fromMonth), lt(publishedMonths.month, beforeMonth)))
    .orderBy(publishedMonths.month, desc(publishedMonths.version));
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!latest.has(r.month)) latest.set(r.month, r);
  return [...latest.values()];
}

export class AlreadyPublishedError extends Error {}

/**
 * Stores a published version; `version` must be the next one. Two publishes racing for the same
 * number meet the unique index: the loser gets AlreadyPublishedError.
 */
export async function insertPublished(db: Db, row: NewPublishedMonth): Promise<PublishedMonth> {
  try {
    const [saved] = await db.insert(publishedMonths).values(row).returning();
    return saved!;
  } catch (e) {
    const latest = await publishedStamp(db, row.month).catch(() => undefined);
    if (latest && latest.version >= row.version!) throw new AlreadyPublishedError(`${row.month} version ${row.version} was published by another request just now`);
    throw e;
  }
}

/** The highest ingest run and ticket ids now: what "stored after publishing" is measured against. */
export async function currentWatermarks(db: Db): Promise<PublishWatermarks> {
  const [runs] = await db.select({ n: max(ingestRuns.id) }).from(ingestRuns);
  const [ticketRows] = await db.select({ n: max(tickets.id) }).from(tickets);
  return { ingestRunId: Number(runs?.n ?? 0), ticketId: Number(ticketRows?.n ?? 0) };
}

/**
 * Tickets dated in [from, to) (opened or resolved there) stored after the watermarks: `late` are
 * new since (id above the mark), `corrected` existed and were rewritten by a later run (a row is
 * rewritten only when its data changed: src/store/tickets.ts).
 */
export async function ticketsSince(db: Db, marks: PublishWatermarks, from: Date, to: Date): Promise<{ late: number; corrected: number }> {
  const inMonth = or(and(gte(tickets.openedAt, from), lt(tickets.openedAt, to)), and(gte(tickets.resolvedAt, from), lt(tickets.resolvedAt, to)));
  const [late] = await db.select({ n: count() }).from(tickets).where(and(gt(tickets.id, marks.ticketId), inMonth));
  const [corrected] = await db
    .select({ n: count() })
    .from(tickets)
    .where(and(lte(tickets.id, marks.ticketId), gt(tickets.ingestRunId, marks.ingestRunId), inMonth));
  return { late: Number(late?.n ?? 0), corrected: Number(corrected?.n ?? 0) };
}

/**
 * Rows inserted and updated per feed by ingest runs after the watermark that read rows dated in
 * `month` (their touched days): the evidence for feeds whose records carry no serial id.
 */
export async function runsSince(db: Db, marks: PublishWatermarks, month: string, feeds: readonly string[]): Promise<{ feed: string; inserted: number; updated: number }[]> {
  const touches: SQL = sql`exists (select 1 from jsonb_array_elements_text(${ingestRuns.touchedDays}) d where d like ${`${month}-%`})`;
  const rows = await db
    .select({ feed: ingestRuns.feed, inserted: sql<number>`coalesce(sum(${ingestRuns.inserted}), 0)`, updated: sql<number>`coalesce(sum(${ingestRuns.updated}), 0)` })
    .from(ingestRuns)
    .where(and(gt(ingestRuns.id, marks.ingestRunId), inArray(ingestRuns.feed, [...feeds]), touches))
    .groupBy(ingestRuns.feed);
  return rows.map((r) => ({ feed: r.feed, inserted: Number(r.inserted), updated: Number(r.updated) }));
}
