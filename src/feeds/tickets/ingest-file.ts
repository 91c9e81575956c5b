import path from 'node:path';
import type { Db } from '../../../db/client.ts';
import type { NewRejectedRow } from '../../../db/schema.ts';
import { localDayKey } from '../../calendar/zone.ts';
import { finishIngestRun, quarantineRows, recordIngestProgress, startIngestRun, type RunProgress } from '../../store/ingest-runs.ts';
import { upsertTickets } from '../../store/tickets.ts';
import { readCsvRecords } from '../csv-records.ts';
import { normaliseGenericTicket, type NormalisedTicket } from './generic.ts';

export type TicketIngestOptions = {
  source: string;
  zone: string;
  kinds: readonly string[];
  batchSize?: number;
  onProgress?: (p: RunProgress) => void;
  /** Called after each committed batch; a test uses it to fail a run half-way. */
  afterBatch?: (batchNo: number) => void | Promise<void>;
};

export type TicketIngestResult = RunProgress & { runId: number; file: string; status: 'succeeded' | 'failed'; error?: string };

const MAX_WARNINGS = 100;

/**
 * Streams a generic ticket CSV into the store in batches (ARCHITECTURE.md, "Generic feed files").
 * Bad rows go to the quarantine with line, field and reason; the rest goes in. A file that
 * cannot be read at all fails the run with a clear reason; what was committed before stays,
 * and re-running the file gives the same database (upserts on source + id).
 */
export async function ingestTicketFile(db: Db, file: string, opts: TicketIngestOptions): Promise<TicketIngestResult> {
  const name = path.basename(file);
  const batchSize = opts.batchSize ?? 1000;
  const runId = await startIngestRun(db, { feed: 'tickets', source: opts.source, file: name });
  const p: RunProgress = { rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, warnings: [], touchedDays: [] };
  const days = new Set<string>();
  let batch: NormalisedTicket[] = [];
  let rejected: NewRejectedRow[] = [];
  let batchNo = 0;
  let ambiguous = 0;

  const flush = async () => {
    const counts = await db.transaction(async (tx) => {
      const c = await upsertTickets(tx, opts.source, runId, batch);
      await quarantineRows(tx, rejected);
      return c;
    });
    p.inserted += counts.inserted;
    p.updated += counts.updated;
    p.unchanged += counts.unchanged;
    p.rejected += rejected.length;
    p.touchedDays = [...days].sort();
    batch = [];
    rejected = [];
    await recordIngestProgress(db, runId, p);
    opts.onProgress?.(p);
    batchNo += 1;
    await opts.afterBatch?.(batchNo);
  };

  try {
    for await (const rec of readCsvRecords(file)) {
      p.rowsRead += 1;
      if (rec.fieldCountError) {
        rejected.push({ runId, file: name, line: rec.line, field: null, reason: rec.fieldCountError, raw: rec.raw });
      } else {
        const r = normaliseGenericTicket(rec.values, { zone: opts.zone, kinds: opts.kinds });
        if (r.ok) {
          batch.push(r.ticket);
          days.add(localDayKey(opts.zone, r.ticket.openedAt.getTime()));
          if (r.ticket.resolvedAt) days.add(localDayKey(opts.zone, r.ticket.resolvedAt.getTime()));
          for (const w of r.warnings) {
            ambiguous += 1;
            if (p.warnings.length < MAX_WARNINGS) p.warnings.push(`line ${rec.line}: ${w}`);
          }
        } else {
          rejected.push({
            runId,
            file: name,
            line: rec.line,
            field: r.problems[0]!.field,
            reason: r.problems.map((x) => `${x.field}: ${x.reason}`).join('; '),
            raw: rec.raw,
          });
        }
      }
      if (batch.length + rejected.length >= batchSize) await flush();
    }
    if (batch.length + rejected.length > 0 || batchNo === 0) await flush();
    if (ambiguous > MAX_WARNINGS) p.warnings.push(`… ${ambiguous - MAX_WARNINGS} more ambiguous timestamps`);
    await finishIngestRun(db, runId, p);
    return { ...p, runId, file: name, status: 'succeeded' };
  } catch (e) {
    const error = (e as Error).message;
    await finishIngestRun(db, runId, p, error);
    return { ...p, runId, file: name, status: 'failed', error };
  }
}
