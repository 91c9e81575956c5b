import type { Db } from '../../../db/client.ts';
import { localDayMemo } from '../../calendar/day-cache.ts';
import { dayNumberToDayKey } from '../../calendar/zone.ts';
import { plainFirst } from '../../store/bulk-plain.ts';
import { stageTicket, upsertStagedTickets, upsertTickets, type StagedTicket } from '../../store/tickets.ts';
import { ingestCsvFile, type CsvFeed, type IngestOptions, type IngestResult } from '../ingest-csv.ts';
import { normaliseGenericTicket, type NormalisedTicket } from './generic.ts';

export type TicketIngestOptions = IngestOptions & { zone: string; kinds: readonly string[] };
export type TicketIngestResult = IngestResult;

/**
 * The local day key of an instant (localDayKey), memoised: the zone lookup per UTC quarter hour
 * (localDayMemo), the key's text per day. Two a ticket, on the ingest's hot path.
 */
function dayKeyMemo(zone: string): (ms: number) => string {
  const dayOf = localDayMemo(zone, 100_000);
  const keys = new Map<number, string>();
  return (ms) => {
    const day = dayOf(ms);
    let key = keys.get(day);
    if (key === undefined) {
      key = dayNumberToDayKey(day);
      if (keys.size >= 100_000) keys.clear();
      keys.set(day, key);
    }
    return key;
  };
}

/** The generic ticket CSV (ARCHITECTURE.md, "Generic feed files"), upserted on (source, id). */
export function genericTicketFeed(opts: { source: string; zone: string; kinds: readonly string[] }): CsvFeed<NormalisedTicket> {
  const dayKey = dayKeyMemo(opts.zone);
  return {
    feed: 'tickets',
    normalise(values) {
      const r = normaliseGenericTicket(values, opts);
      if (!r.ok) return r;
      const days = [dayKey(r.ticket.openedAt.getTime())];
      if (r.ticket.resolvedAt) days.push(dayKey(r.ticket.resolvedAt.getTime()));
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
