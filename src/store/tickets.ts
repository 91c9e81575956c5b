import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { tickets } from '../../db/schema.ts';
import type { NormalisedTicket } from '../feeds/tickets/generic.ts';

export type UpsertCounts = { inserted: number; updated: number; unchanged: number };

// Columns a feed sets; a row counts as changed only when one of them differs.
const dataColumns = [
  'kind', 'priority', 'vip', 'team', 'channel', 'category', 'status', 'opened_at',
  'first_response_at', 'resolved_at', 'closed_at', 'satisfaction', 'extra',
] as const;

const setFromExcluded = {
  ...Object.fromEntries(
    Object.entries(tickets)
      .filter(([, col]) => (dataColumns as readonly string[]).includes((col as { name?: string }).name ?? ''))
      .map(([key, col]) => [key, sql.raw(`excluded.${(col as { name: string }).name}`)]),
  ),
  ingestRunId: sql.raw('excluded.ingest_run_id'),
  updatedAt: sql`now()`,
};
const changedClause = sql.raw(
  `(${dataColumns.map((c) => `tickets.${c}`).join(', ')}) is distinct from (${dataColumns.map((c) => `excluded.${c}`).join(', ')})`,
);

/**
 * Upserts a batch on (source, external id). A row whose data is unchanged is not touched, so
 * ingesting the same file twice changes nothing (not even `updated_at`).
 */
export async function upsertTickets(db: Db, source: string, runId: number, batch: NormalisedTicket[]): Promise<UpsertCounts> {
  if (batch.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  // Within one statement a key may appear once; the file's last row for an id wins.
  const byId = new Map<string, NormalisedTicket>();
  for (const t of batch) byId.set(t.externalId, t);
  const rows = [...byId.values()].map((t) => ({ ...t, source, ingestRunId: runId }));
  const changed = await db
    .insert(tickets)
    .values(rows)
    .onConflictDoUpdate({
      target: [tickets.source, tickets.externalId],
      set: setFromExcluded,
      setWhere: changedClause,
    })
    .returning({ inserted: sql<boolean>`(xmax = 0)` });
  const inserted = changed.filter((r) => r.inserted).length;
  return { inserted, updated: changed.length - inserted, unchanged: batch.length - changed.length };
}
