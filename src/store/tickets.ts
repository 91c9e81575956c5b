import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { NormalisedTicket } from '../feeds/tickets/generic.ts';

export type UpsertCounts = { inserted: number; updated: number; unchanged: number };

// Columns a feed sets; a row counts as changed only when one of them differs.
const dataColumns = [
  'kind', 'priority', 'vip', 'team', 'channel', 'category', 'status', 'opened_at',
  'first_response_at', 'resolved_at', 'closed_at', 'satisfaction', 'extra',
] as const;

const changedClause = sql.raw(
  `(${dataColumns.map((c) => `tickets.${c}`).join(', ')}) is distinct from (${dataColumns.map((c) => `excluded.${c}`).join(', ')})`,
);

// The batch goes as one JSON parameter read by jsonb_to_recordset: the statement text is the
// same for every batch. Binding 16 parameters per row (16,000 a batch) through the query builder
// took ~320 ms a 1,000-row batch on PostgreSQL; this takes ~50 ms (BENCHMARKS.md, bench:ingest).
const recordColumns =
  'external_id text, kind text, priority text, vip boolean, team text, channel text, category text, status text, ' +
  'opened_at timestamptz, first_response_at timestamptz, resolved_at timestamptz, closed_at timestamptz, satisfaction integer, extra jsonb';
const updateSet = sql.raw([...dataColumns.map((c) => `${c} = excluded.${c}`), 'ingest_run_id = excluded.ingest_run_id', 'updated_at = now()'].join(', '));
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/**
 * Upserts a batch on (source, external id). A row whose data is unchanged is not touched, so
 * ingesting the same file twice changes nothing (not even `updated_at`).
 */
export async function upsertTickets(db: Db, source: string, runId: number, batch: NormalisedTicket[]): Promise<UpsertCounts> {
  if (batch.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  // Within one statement a key may appear once; the file's last row for an id wins.
  const byId = new Map<string, NormalisedTicket>();
  for (const t of batch) byId.set(t.externalId, t);
  // Rows in key order: two ingests of overlapping files lock shared keys in the same order and
  // cannot deadlock on them (a remaining conflict is retried by the caller, retryOnConflict).
  const sorted = [...byId.values()].sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
  const json = JSON.stringify(
    sorted.map((t) => ({
      external_id: t.externalId,
      kind: t.kind,
      priority: t.priority,
      vip: t.vip,
      team: t.team,
      channel: t.channel,
      category: t.category,
      status: t.status,
      opened_at: t.openedAt.toISOString(),
      first_response_at: iso(t.firstResponseAt),
      resolved_at: iso(t.resolvedAt),
      closed_at: iso(t.closedAt),
      satisfaction: t.satisfaction,
      extra: t.extra,
    })),
  );
  const result = await db.execute<{ inserted: boolean }>(sql`
    insert into tickets (source, ingest_run_id, ${sql.raw(dataColumns.join(', '))}, external_id)
    select ${source}, ${runId}::bigint, ${sql.raw(dataColumns.map((c) => `u.${c}`).join(', '))}, u.external_id
    from jsonb_to_recordset(${json}::jsonb) as u(${sql.raw(recordColumns)})
    on conflict (source, external_id) do update set ${updateSet}
    where ${changedClause}
    returning (xmax = 0) as inserted`);
  // postgres.js answers an array of rows, PGlite `{ rows }`.
  const changed = (Array.isArray(result) ? result : (result as unknown as { rows: { inserted: boolean }[] }).rows) as { inserted: boolean }[];
  const inserted = changed.filter((r) => r.inserted).length;
  return { inserted, updated: changed.length - inserted, unchanged: batch.length - changed.length };
}
