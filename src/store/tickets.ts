import type { Db } from '../../db/client.ts';
import type { NormalisedTicket } from '../feeds/tickets/generic.ts';
import { bulkUpsertTickets } from './bulk-tickets.ts';

export type { UpsertCounts } from './bulk-tickets.ts';
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
