import { and, asc, eq, gt, inArray, isNull, lte, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { idArray, rowsOf } from './sla-counts.ts';
import type { Db } from '../../db/client.ts';
import type { SlaTicket } from '../sla/evaluate.ts';
import type { Priority } from '../sla/policy.ts';
import { ticketHistory, tickets, ticketSla } from '../../db/schema.ts';
export { saveSlaStates } from './sla-counts.ts';

export const ticketFields = {
  id: tickets.id,
  source: tickets.source,
  externalId: tickets.externalId,
  firstResponseAt: tickets.firstResponseAt,
  kind: tickets.kind,
  priority: tickets.priority,
  vip: tickets.vip,
  team: tickets.team,
  channel: tickets.channel,
  satisfaction: tickets.satisfaction,
  status: tickets.status,
  openedAt: tickets.openedAt,
  resolvedAt: tickets.resolvedAt,
  closedAt: tickets.closedAt,
  updatedAt: tickets.updatedAt,
};

/** Where the incremental compute looks: tickets changed since `since`, and states due for a check at `now`. */
export type ChangeWindow = { since: Date; now: Date };

/** A ticket to evaluate: its fields, its stored state before this evaluation (null when never evaluated) and its status history. */
export type Candidate = Awaited<ReturnType<typeof readPage>>[number];

/**
 * Tickets whose SLA state is missing or stale: never evaluated, changed since, evaluated under a
 * policy version no longer configured, or still open (their clock runs with `now`).
 * With a `window`, only the tickets changed since its `since` (by the `updated_at` index) and
 * the states whose `next_check_at` has come are looked at: their ids are read first, so a run
 * costs what changed whatever the planner guesses of the window. Without one, keyset-paged by id
 * so a large desk streams through in bounded memory. Each page carries the stored states and
 * the status histories (two queries a page).
 */
export async function* ticketsToEvaluate(db: Db, policyStamps: string[], pageSize = 10_000, window?: ChangeWindow) {
  // JS dates hold milliseconds; PostgreSQL keeps microseconds.
  const changed = ne(ticketSla.ticketUpdatedAt, sql`date_trunc('milliseconds', ${tickets.updatedAt})`);
  if (window) {
    const ids = await changedTicketIds(db, window);
    const stale = or(isNull(ticketSla.ticketId), changed, lte(ticketSla.nextCheckAt, window.now));
    for (let i = 0; i < ids.length; i += pageSize) {
      const page = await readPage(db, and(sql`${tickets.id} = any(${idArray(ids.slice(i, i + pageSize))})`, stale), eq(ticketSla.ticketId, tickets.id));
      if (page.length > 0) yield page;
    }
    return;
  }
  const stale: SQL[] = [isNull(ticketSla.ticketId), changed, and(isNull(tickets.resolvedAt), isNull(tickets.closedAt))!];
  if (policyStamps.length > 0) stale.push(notInArray(ticketSla.policyVersion, policyStamps));
  let after = 0;
  for (;;) {
    // The bound on ticket_sla too: a merge join would otherwise scan its index from the start on every page.
    const page = await readPage(db, and(gt(tickets.id, after), or(...stale)), and(eq(ticketSla.ticketId, tickets.id), gt(ticketSla.ticketId, after))!, pageSize);
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.id;
  }
}

/** Ids of the tickets changed since the window's start and of the states due by its end, ascending. */
async function changedTicketIds(db: Db, window: ChangeWindow): Promise<number[]> {
  const rows = rowsOf<{ id: string | number }>(
    await db.execute(sql`
      select id from tickets where updated_at >= ${window.since.toISOString()}::timestamptz
      union select ticket_id from ticket_sla where next_check_at <= ${window.now.toISOString()}::timestamptz
      order by 1`),
  );
  return rows.map((r) => Number(r.id));
}

/** The tickets matching `where` (ascending id, at most `limit`) with their stored state (joined on `join`) and status history. */
async function readPage(db: Db, where: SQL | undefined, join: SQL, limit?: number) {
  const query = db
    .select({ ...ticketFields, old: ticketSla })
    .from(tickets)
    .leftJoin(ticketSla, join)
    .where(where)
    .orderBy(asc(tickets.id));
  const page = await (limit === undefined ? query : query.limit(limit));
  const histories = await statusHistories(db, page.map((t) => t.id));
  // Added in place: a spread of each row is V8's slow generic clone (BENCHMARKS.md, bench:sla).
  return page.map((t) => Object.assign(t, { history: histories.get(t.id) ?? [] }));
}

/** Status history of the given tickets, by ticket id, oldest first (as historyOf orders it). */
async function statusHistories(db: Db, ids: number[]): Promise<Map<number, HistoryEntry[]>> {
  const out = new Map<number, HistoryEntry[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ id: tickets.id, at: ticketHistory.at, value: ticketHistory.value })
    .from(tickets)
    .innerJoin(ticketHistory, and(eq(ticketHistory.source, tickets.source), eq(ticketHistory.externalId, tickets.externalId)))
    .where(and(sql`${tickets.id} = any(${idArray(ids)})`, eq(ticketHistory.field, 'status')))
    .orderBy(asc(tickets.id), asc(ticketHistory.at), asc(ticketHistory.id));
  for (const r of rows) {
    let list = out.get(r.id);
    if (!list) out.set(r.id, (list = []));
    list.push({ at: r.at, field: 'status', value: r.value });
  }
  return out;
}

export type HistoryEntry = { at: Date; field: 'status' | 'priority'; value: string };

/** Status and priority history of the given tickets of one source, oldest first. */
export async function historyOf(db: Db, source: string, externalIds: string[]): Promise<Map<string, HistoryEntry[]>> {
  const out = new Map<string, HistoryEntry[]>();
  for (let i = 0; i < externalIds.length; i += 5000) {
    const rows = await db
      .select({ externalId: ticketHistory.externalId, at: ticketHistory.at, field: ticketHistory.field, value: ticketHistory.value })
      .from(ticketHistory)
      .where(and(eq(ticketHistory.source, source), inArray(ticketHistory.externalId, externalIds.slice(i, i + 5000))))
      .orderBy(asc(ticketHistory.at), asc(ticketHistory.id));
    for (const r of rows) {
      let list = out.get(r.externalId);
      if (!list) out.set(r.externalId, (list = []));
      list.push({ at: r.at, field: r.field, value: r.value });
    }
  }
  return out;
}

type StoredTicket = {
  kind: string;
  priority: string;
  vip: boolean;
  openedAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  firstResponseAt: Date | null;
};

/**
 * A stored ticket and its history as the SLA engine takes them: a ticket closed without a
 * resolution time counts as resolved when closed.
 */
export function toSlaTicket(t: StoredTicket, history: readonly HistoryEntry[]): SlaTicket {
  return {
    kind: t.kind,
    priority: t.priority as Priority,
    vip: t.vip,
    openedAt: t.openedAt.getTime(),
    resolvedAt: (t.resolvedAt ?? t.closedAt)?.getTime() ?? null,
    firstResponseAt: t.firstResponseAt?.getTime() ?? null,
    statusHistory: history.filter((h) => h.field === 'status').map((h) => ({ at: h.at.getTime(), status: h.value })),
  };
}
