import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { feedCursors, ingestRuns, rejectedRows, seenFeedFiles, tickets, ticketVersions } from '../../db/schema.ts';
import type { HistoryRow } from './ticket-history.ts';
import type { NormalisedTicket } from '../feeds/tickets/generic.ts';
import { upsertTickets, type UpsertCounts } from './tickets.ts';

/**
 * Upserts tickets that carry a version (event logs, API pulls): a ticket is written only when its
 * version is at least the stored one, so rows arriving out of order, twice, or across batches and
 * files leave the latest state. Items without a version are written as plain upserts.
 */
export async function upsertVersionedTickets(
  db: Db,
  source: string,
  runId: number,
  items: { ticket: NormalisedTicket; version: string | null }[],
): Promise<UpsertCounts> {
  const latest = new Map<string, { ticket: NormalisedTicket; version: string | null }>();
  for (const it of items) {
    const cur = latest.get(it.ticket.externalId);
    if (!cur || it.version === null || cur.version === null || it.version >= cur.version) latest.set(it.ticket.externalId, it);
  }
  const ids = [...latest.keys()];
  const stored = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db
      .select({ id: ticketVersions.externalId, version: ticketVersions.version })
      .from(ticketVersions)
      .where(and(eq(ticketVersions.source, source), inArray(ticketVersions.externalId, ids.slice(i, i + 5000))));
    for (const r of rows) stored.set(r.id, r.version);
  }
  const fresh = [...latest.values()].filter((it) => it.version === null || !stored.has(it.ticket.externalId) || it.version >= stored.get(it.ticket.externalId)!);
  const counts = await upsertTickets(db, source, runId, fresh.map((it) => it.ticket));
  // Key order, like upsertTickets: overlapping ingests lock shared keys in the same order.
  const versioned = fresh.filter((it) => it.version !== null).sort((a, b) => (a.ticket.externalId < b.ticket.externalId ? -1 : a.ticket.externalId > b.ticket.externalId ? 1 : 0));
  if (versioned.length > 0) {
    await db
      .insert(ticketVersions)
      .values(versioned.map((it) => ({ source, externalId: it.ticket.externalId, version: it.version! })))
      .onConflictDoUpdate({
        target: [ticketVersions.source, ticketVersions.externalId],
        set: { version: sql`excluded.version` },
        setWhere: sql`excluded.version > ${ticketVersions.version}`,
      });
  }
  return { ...counts, unchanged: counts.unchanged + (items.length - fresh.length) };
}

/** A pull's saved cursor, or undefined before its first page. */
export async function getFeedCursor<T extends Record<string, unknown>>(db: Db, name: string): Promise<T | undefined> {
  const [row] = await db.select().from(feedCursors).where(eq(feedCursors.name, name));
  return row?.cursor as T | undefined;
}

/** Saved inside the page's transaction, so a restart resumes exactly after the last committed page. */
export async function saveFeedCursor(db: Db, name: string, cursor: Record<string, unknown>): Promise<void> {
  await db
    .insert(feedCursors)
    .values({ name, cursor })
    .onConflictDoUpdate({ target: feedCursors.name, set: { cursor, updatedAt: sql`now()` } });
}

/** The drop-folder file with this content hash, if one was already ingested. */
export async function findSeenFile(db: Db, sha256: string) {
  const [row] = await db.select().from(seenFeedFiles).where(eq(seenFeedFiles.sha256, sha256));
  return row;
}

/** Records (or, after a failed attempt, replaces) what became of a content hash. */
export async function recordSeenFile(db: Db, row: { sha256: string; file: string; runId: number | null; status: string }): Promise<void> {
  await db
    .insert(seenFeedFiles)
    .values(row)
    .onConflictDoUpdate({ target: seenFeedFiles.sha256, set: { file: row.file, runId: row.runId, status: row.status, seenAt: sql`now()` } });
}

/** Ingest runs, newest first, optionally of one feed; `before` pages by id. */
export async function listRuns(db: Db, opts: { limit: number; feed?: string; before?: number }) {
  const where = and(opts.feed ? eq(ingestRuns.feed, opts.feed) : undefined, opts.before ? sql`${ingestRuns.id} < ${opts.before}` : undefined);
  return db.select().from(ingestRuns).where(where).orderBy(desc(ingestRuns.id)).limit(opts.limit);
}

/**
 * Adds history rows like addTicketHistory (a row already stored is left alone; the tickets it
 * touches are marked changed and as having history) but as one statement with a single JSON parameter: an event
 * log brings two history rows per line, and binding them one parameter per value is what made
 * large files slow. Returns how many rows were new.
 */
export async function addTicketHistoryBulk(db: Db, source: string, runId: number, rows: HistoryRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db.execute<{ external_id: string }>(sql`
    insert into ticket_history (source, external_id, at, field, value, ingest_run_id)
    select ${source}, u.external_id, u.at, u.field, u.value, ${runId}::bigint
    from json_to_recordset(${JSON.stringify(rows.map((r) => ({ external_id: r.externalId, at: r.at.toISOString(), field: r.field, value: r.value })))}::json)
      as u(external_id text, at timestamptz, field text, value text)
    on conflict do nothing
    returning external_id`);
  const list = (Array.isArray(inserted) ? inserted : (inserted as { rows: { external_id: string }[] }).rows) as { external_id: string }[];
  const touched = [...new Set(list.map((r) => r.external_id))];
  if (touched.length > 0) {
    await db.update(tickets).set({ updatedAt: sql`now()`, hasHistory: true }).where(and(eq(tickets.source, source), inArray(tickets.externalId, touched)));
  }
  return list.length;
}

/** One page of a run's rejected rows in file order, and how many the run has in all. */
export async function rejectedRowsPage(db: Db, runId: number, opts: { limit: number; offset: number }) {
  const [total] = await db.select({ n: count() }).from(rejectedRows).where(eq(rejectedRows.runId, runId));
  const rows = await db
    .select({ line: rejectedRows.line, field: rejectedRows.field, reason: rejectedRows.reason, raw: rejectedRows.raw, file: rejectedRows.file })
    .from(rejectedRows)
    .where(eq(rejectedRows.runId, runId))
    .orderBy(asc(rejectedRows.line), asc(rejectedRows.id))
    .limit(opts.limit)
    .offset(opts.offset);
  return { total: Number(total?.n ?? 0), rows };
}
