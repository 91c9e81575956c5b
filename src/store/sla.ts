import { and, asc, eq, gt, inArray, isNull, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { SlaTicket } from '../sla/evaluate.ts';
import type { Priority } from '../sla/policy.ts';
import { ticketHistory, tickets, ticketSla, type NewTicketSla } from '../../db/schema.ts';

export const ticketFields = {
  id: tickets.id,
  source: tickets.source,
  externalId: tickets.externalId,
  firstResponseAt: tickets.firstResponseAt,
  kind: tickets.kind,
  priority: tickets.priority,
  vip: tickets.vip,
  team: tickets.team,
  status: tickets.status,
  openedAt: tickets.openedAt,
  resolvedAt: tickets.resolvedAt,
  closedAt: tickets.closedAt,
  updatedAt: tickets.updatedAt,
};

/**
 * Tickets whose SLA state is missing or stale: never evaluated, changed since, evaluated under a
 * policy version no longer configured, or still open (their clock runs with `now`).
 * Keyset-paged by id so a large desk streams through in bounded memory.
 */
export async function* ticketsToEvaluate(db: Db, policyStamps: string[], pageSize = 5000) {
  let after = 0;
  for (;;) {
    const stale: SQL[] = [
      isNull(ticketSla.ticketId),
      // JS dates hold milliseconds; PostgreSQL keeps microseconds.
      ne(ticketSla.ticketUpdatedAt, sql`date_trunc('milliseconds', ${tickets.updatedAt})`),
      and(isNull(tickets.resolvedAt), isNull(tickets.closedAt))!,
    ];
    if (policyStamps.length > 0) stale.push(notInArray(ticketSla.policyVersion, policyStamps));
    const page = await db
      .select({
        ...ticketFields,
        // Flat: drizzle turns a nested left-joined object into null when its first fields are null.
        oldOutcome: ticketSla.outcome,
        oldOutcomeAt: ticketSla.outcomeAt,
        oldBreachedAt: ticketSla.breachedAt,
        oldTicketUpdatedAt: ticketSla.ticketUpdatedAt,
        oldOpenedAt: ticketSla.openedAt,
        oldResolvedAt: ticketSla.resolvedAt,
      })
      .from(tickets)
      .leftJoin(ticketSla, eq(ticketSla.ticketId, tickets.id))
      .where(and(gt(tickets.id, after), or(...stale)))
      .orderBy(asc(tickets.id))
      .limit(pageSize);
    if (page.length === 0) return;
    yield page.map(({ oldOutcome, oldOutcomeAt, oldBreachedAt, oldTicketUpdatedAt, oldOpenedAt, oldResolvedAt, ...t }) => ({
      ...t,
      /** The stored state before this evaluation, null when never evaluated. */
      old:
        oldOutcome === null
          ? null
          : { outcome: oldOutcome, outcomeAt: oldOutcomeAt, breachedAt: oldBreachedAt, ticketUpdatedAt: oldTicketUpdatedAt!, openedAt: oldOpenedAt!, resolvedAt: oldResolvedAt },
    }));
    after = page[page.length - 1]!.id;
  }
}

/** Writes per-ticket states, replacing what was there. */
export async function saveSlaStates(db: Db, rows: NewTicketSla[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await db
      .insert(ticketSla)
      .values(chunk)
      .onConflictDoUpdate({
        target: ticketSla.ticketId,
        set: {
          policyVersion: sql`excluded.policy_version`,
          calendarId: sql`excluded.calendar_id`,
          reopenCount: sql`excluded.reopen_count`,
          openedDay: sql`excluded.opened_day`,
          resolvedDay: sql`excluded.resolved_day`,
          outcomeDay: sql`excluded.outcome_day`,
          responseTargetMinutes: sql`excluded.response_target_minutes`,
          responseOutcome: sql`excluded.response_outcome`,
          responseDueAt: sql`excluded.response_due_at`,
          responseOutcomeAt: sql`excluded.response_outcome_at`,
          openedAt: sql`excluded.opened_at`,
          resolvedAt: sql`excluded.resolved_at`,
          targetMinutes: sql`excluded.target_minutes`,
          elapsedMs: sql`excluded.elapsed_ms`,
          outcome: sql`excluded.outcome`,
          dueAt: sql`excluded.due_at`,
          breachedAt: sql`excluded.breached_at`,
          outcomeAt: sql`excluded.outcome_at`,
          everBreached: sql`excluded.ever_breached`,
          ticketUpdatedAt: sql`excluded.ticket_updated_at`,
          evaluatedAt: sql`excluded.evaluated_at`,
        },
      });
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
