import type { Db } from '../../../db/client.ts';
import { localDayKey, parseTimestamp } from '../../calendar/zone.ts';
import { addTicketHistory, type HistoryRow } from '../../store/ticket-history.ts';
import { ingestCsvFile, type CsvFeed, type FieldProblem, type IngestOptions, type IngestResult, type RowResult } from '../ingest-csv.ts';
import { instantProblem, MAX_NAME_CHARS, textProblem } from '../limits.ts';
import { parsePriority } from './generic.ts';

/**
 * One generic ticket-history row (`id, at, field, value`; ARCHITECTURE.md): field `status` or
 * `priority`; a priority is normalised like the ticket feed's; naive times read in `zone`.
 */
export function normaliseHistoryRow(values: Record<string, string>, zone: string): RowResult<HistoryRow> {
  const problems: FieldProblem[] = [];
  const warnings: string[] = [];
  const id = values.id?.trim() ?? '';
  if (!id) problems.push({ field: 'id', reason: 'missing id' });
  else if (textProblem(id, MAX_NAME_CHARS)) problems.push({ field: 'id', reason: textProblem(id, MAX_NAME_CHARS)! });
  const atText = values.at?.trim() ?? '';
  const at = atText ? parseTimestamp(atText, zone) : null;
  if (!atText) problems.push({ field: 'at', reason: 'missing at' });
  else if (!at) problems.push({ field: 'at', reason: `unreadable date "${atText}" (expected ISO 8601, e.g. 2025-03-14T09:30:00Z or 2025-03-14 09:30)` });
  else if (instantProblem(at.ms)) problems.push({ field: 'at', reason: `at "${atText}": ${instantProblem(at.ms)}` });
  else if (at.ambiguous) warnings.push(`at "${atText}" falls in the repeated hour of the clock change; read as the first occurrence`);
  const field = values.field?.trim().toLowerCase() ?? '';
  let value = values.value?.trim() ?? '';
  if (field !== 'status' && field !== 'priority') {
    problems.push({ field: 'field', reason: `unknown field "${values.field ?? ''}" (expected status or priority)` });
  } else if (!value) {
    problems.push({ field: 'value', reason: `missing ${field} value` });
  } else if (textProblem(value, MAX_NAME_CHARS)) {
    problems.push({ field: 'value', reason: textProblem(value, MAX_NAME_CHARS)! });
  } else if (field === 'priority') {
    const p = parsePriority(value);
    if (!p) problems.push({ field: 'value', reason: `unknown priority "${value}"` });
    else value = p;
  }
  if (problems.length > 0 || !at || instantProblem(at.ms)) return { ok: false, problems };
  return { ok: true, item: { externalId: id, at: new Date(at.ms), field: field as HistoryRow['field'], value }, warnings, days: [localDayKey(zone, at.ms)] };
}

export function ticketHistoryFeed(opts: { source: string; zone: string }): CsvFeed<HistoryRow> {
  return {
    feed: 'ticket-history',
    normalise: (values) => normaliseHistoryRow(values, opts.zone),
    async write(tx, runId, items) {
      const inserted = await addTicketHistory(tx, opts.source, runId, items);
      return { inserted, updated: 0, unchanged: items.length - inserted };
    },
  };
}

/** `attain ingest ticket-history FILE`: history rows are added once; their tickets re-evaluate. */
export function ingestTicketHistoryFile(db: Db, file: string, opts: IngestOptions & { zone: string }): Promise<IngestResult> {
  return ingestCsvFile(db, file, ticketHistoryFeed(opts), opts);
}
