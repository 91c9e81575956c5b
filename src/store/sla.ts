import { and, asc, eq, gt, inArray, isNull, lte, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
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

/**
 * Tickets whose SLA state is missing or stale: never evaluated, changed since, evaluated under a
 * policy version no longer configured, or still open (their clock runs with `now`).
 * With a `window`, only the tickets changed since its `since` (by the `updated_at` index) and
 * the states whose `next_check_at` has come are looked at: a run costs what changed.
 * Keyset-paged by id so a large desk streams through in bounded memory.
 */
export async function* ticketsToEvaluate(db: Db, policyStamps: string[], pageSize = 5000, window?: ChangeWindow) {
  let after = 0;
  for (;;) {
    // JS dates hold milliseconds; PostgreSQL keeps microseconds.
    const changed = ne(ticketSla.ticketUpdatedAt, sql`date_trunc('milliseconds', ${tickets.updatedAt})`);
    let where: SQL | undefined;
    if (window) {
      const due = lte(ticketSla.nextCheckAt, window.now);
      const candidates = sql`${tickets.id} in (select id from tickets where updated_at >= ${window.since.toISOString()}::timestamptz
        union all select ticket_id from ticket_sla where next_check_at <= ${window.now.toISOString()}::timestamptz)`;
      where = and(gt(tickets.id, after), candidates, or(isNull(ticketSla.ticketId), changed, due));
    } else {
      const stale: SQL[] = [isNull(ticketSla.ticketId), changed, and(isNull(tickets.resolvedAt), isNull(tickets.closedAt))!];
      if (policyStamps.length > 0) stale.push(notInArray(ticketSla.policyVersion, policyStamps));
      where = and(gt(tickets.id, after), or(...stale));
    }
    const page = await db
      .select(ticketFields)
      .from(tickets)
      .leftJoin(ticketSla, eq(ticketSla.ticketId, tickets.id))
      .where(where)
      .orderBy(asc(tickets.id))
      .limit(pageSize);
    if (page.length === 0) return;
    const old = new Map((await db.select().from(ticketSla).where(inArray(ticketSla.ticketId, page.map((t) => t.id)))).map((r) => [r.ticketId, r]));
    /** `old`: the stored state before this evaluation, null when never evaluated. */
    yield page.map((t) => ({ ...t, old: old.get(t.id) ?? null }));
    after = page[page.length - 1]!.id;
  }
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
