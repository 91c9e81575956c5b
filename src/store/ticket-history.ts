import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { ticketHistory, tickets } from '../../db/schema.ts';

export type HistoryRow = { externalId: string; at: Date; field: 'status' | 'priority'; value: string };

/**
 * Adds history rows (a row already stored is left alone) and marks the tickets they belong to as
 * changed, so the next compute re-evaluates exactly those, and as having history (which takes
 * them out of the no-history day counts). Returns how many rows were new.
 */
export async function addTicketHistory(db: Db, source: string, runId: number, rows: HistoryRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db
    .insert(ticketHistory)
    .values(rows.map((r) => ({ ...r, source, ingestRunId: runId })))
    .onConflictDoNothing()
    .returning({ externalId: ticketHistory.externalId });
  const touched = [...new Set(inserted.map((r) => r.externalId))];
  if (touched.length > 0) {
    await db
      .update(tickets)
      .set({ updatedAt: sql`now()`, hasHistory: true })
      .where(and(eq(tickets.source, source), inArray(tickets.externalId, touched)));
  }
  return inserted.length;
}
