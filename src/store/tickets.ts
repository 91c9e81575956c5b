import type { Db } from '../../db/client.ts';
import type { NormalisedTicket } from '../feeds/tickets/generic.ts';
import { bulkUpsertStagedTickets, bulkUpsertTickets, type StagedTicket } from './bulk-tickets.ts';
import type { PlainFirst } from './bulk-plain.ts';

export type { StagedTicket, UpsertCounts } from './bulk-tickets.ts';
export { stageTicket } from './bulk-tickets.ts';
import type { UpsertCounts } from './bulk-tickets.ts';

/**
 * Upserts a batch on (source, external id). A row whose data is unchanged is not touched, so
 * ingesting the same file twice changes nothing (not even `updated_at`). The batch goes through
 * the bulk path (COPY into a staging table, one set-based merge: src/store/bulk-tickets.ts);
 * before it, a JSON recordset a batch took ~50 ms per 1,000 rows on PostgreSQL (BENCHMARKS.md).
 */
export function upsertTickets(db: Db, source: string, runId: number, batch: NormalisedTicket[]): Promise<UpsertCounts> {
  return bulkUpsertTickets(db, source, runId, batch);
}

/**
 * upsertTickets for tickets already staged (stageTicket), as the file ingest's batches hold them;
 * `hint`, kept for a run, tells which write path to try first (bulk-plain.ts).
 */
export function upsertStagedTickets(db: Db, source: string, runId: number, batch: readonly StagedTicket[], hint?: PlainFirst): Promise<UpsertCounts> {
  return bulkUpsertStagedTickets(db, source, runId, batch, hint);
}
