import type { Db } from '../../../db/client.ts';
import { localDayKey } from '../../calendar/zone.ts';
import { plainFirst } from '../../store/bulk-plain.ts';
import { stageTicket, upsertStagedTickets, upsertTickets, type StagedTicket } from '../../store/tickets.ts';
import { ingestCsvFile, type CsvFeed, type IngestOptions, type IngestResult } from '../ingest-csv.ts';
import { normaliseGenericTicket, type NormalisedTicket } from './generic.ts';

export type TicketIngestOptions = IngestOptions & { zone: string; kinds: readonly string[] };
export type TicketIngestResult = IngestResult;

/** The generic ticket CSV (ARCHITECTURE.md, "Generic feed files"), upserted on (source, id). */
export function genericTicketFeed(opts: { source: string; zone: string; kinds: readonly string[] }): CsvFeed<NormalisedTicket> {
  return {
    feed: 'tickets',
    normalise(values) {
      const r = normaliseGenericTicket(values, opts);
      if (!r.ok) return r;
      const days = [localDayKey(opts.zone, r.ticket.openedAt.getTime())];
      if (r.ticket.resolvedAt) days.push(localDayKey(opts.zone, r.ticket.resolvedAt.getTime()));
      return { ok: true, item: r.ticket, warnings: r.warnings, days };
    },
    write: (tx, runId, items) => upsertTickets(tx, opts.source, runId, items),
  };
}

/**
 * genericTicketFeed as the file ingest runs it: each accepted ticket kept as its staging line
 * until its batch is written (stageTicket), not as the normalised object.
 */
export function stagedGenericTicketFeed(opts: { source: string; zone: string; kinds: readonly string[] }): CsvFeed<NormalisedTicket, StagedTicket> {
  // One guess a run of which write path to try first: a run that met stored tickets merges its next batches directly.
  const hint = plainFirst();
  return { ...genericTicketFeed(opts), stage: stageTicket, write: (tx, runId, items) => upsertStagedTickets(tx, opts.source, runId, items, hint) };
}

/** Streams a generic ticket CSV into the store; see ingestCsvFile for the guarantees. */
export function ingestTicketFile(db: Db, file: string, opts: TicketIngestOptions): Promise<TicketIngestResult> {
  return ingestCsvFile(db, file, stagedGenericTicketFeed(opts), opts);
}
