import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { tickets } from '../../db/schema.ts';
import { historyOf, ticketFields, toSlaTicket, type HistoryEntry } from './sla.ts';
import type { SlaTicket } from '../sla/evaluate.ts';

/** Tickets opened in [from, to) with their status history, for the engine, with the slice they belong to. */
export async function ticketsOpenedBetween(db: Db, from: Date, to: Date, slice: { kind?: string; team?: string; priority?: string }) {
  const where = [gte(tickets.openedAt, from), lt(tickets.openedAt, to)];
  if (slice.kind) where.push(eq(tickets.kind, slice.kind));
  if (slice.team) where.push(eq(tickets.team, slice.team));
  if (slice.priority) where.push(eq(tickets.priority, slice.priority));
  const rows = await db
    .select(ticketFields)
    .from(tickets)
    .where(and(...where))
    .orderBy(asc(tickets.id));
  const bySource = new Map<string, string[]>();
  for (const r of rows) {
    let ids = bySource.get(r.source);
    if (!ids) bySource.set(r.source, (ids = []));
    ids.push(r.externalId);
  }
  const histories = new Map<string, Map<string, HistoryEntry[]>>();
  for (const [source, ids] of bySource) histories.set(source, await historyOf(db, source, ids));
  return rows.map((r): { ticket: SlaTicket; priority: string } => ({
    ticket: toSlaTicket(r, histories.get(r.source)!.get(r.externalId) ?? []),
    priority: r.priority,
  }));
}
