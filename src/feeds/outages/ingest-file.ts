import type { Db } from '../../../db/client.ts';
import { localDayKey } from '../../calendar/zone.ts';
import { createSystems, listSystems, systemsByName, upsertOutages, type SystemRow } from '../../store/availability.ts';
import { ingestCsvFile, type IngestOptions, type IngestResult } from '../ingest-csv.ts';
import { normaliseOutageRow, type NormalisedOutage } from './generic.ts';

export type OutageIngestOptions = Partial<IngestOptions> & {
  /** Zone of a calendar id (naive times are read in the system's core-hours zone). */
  zoneOf: (calendarId: string) => string;
  /** Calendar of systems the file names that are not configured. */
  defaultCalendarId?: string;
};

/**
 * Streams a generic outages CSV into `outages` (source `import`), upserted on (system, kind,
 * start) so re-running a file changes nothing. A system not configured yet is created with the
 * default core-hours calendar and named in the run's warnings (ARCHITECTURE.md, "Interfaces").
 */
export async function ingestOutageFile(db: Db, file: string, opts: OutageIngestOptions): Promise<IngestResult> {
  const calendarId = opts.defaultCalendarId ?? 'service-desk';
  const known = systemsByName(await listSystems(db));
  const announced = new Set<string>();
  const zoneOfSystem = (name: string) => opts.zoneOf(known.get(name.toLowerCase())?.calendarId ?? calendarId);
  return ingestCsvFile<NormalisedOutage>(
    db,
    file,
    {
      feed: 'outages',
      normalise(values) {
        const r = normaliseOutageRow(values, zoneOfSystem);
        if (!r.ok) return r;
        const key = r.outage.system.toLowerCase();
        const warnings = [...r.warnings];
        if (!known.has(key) && !announced.has(key)) {
          announced.add(key);
          warnings.push(`system "${r.outage.system}" is not configured: created with calendar ${calendarId}`);
        }
        const zone = zoneOfSystem(r.outage.system);
        const days = [localDayKey(zone, r.outage.start.getTime())];
        if (r.outage.end) days.push(localDayKey(zone, r.outage.end.getTime()));
        return { ok: true, item: r.outage, warnings, days };
      },
      async write(tx, runId, items) {
        const missing = new Map<string, string>();
        for (const o of items) if (!known.has(o.system.toLowerCase())) missing.set(o.system.toLowerCase(), o.system);
        const created = await createSystems(tx, [...missing.values()].map((name) => ({ name, calendarId, source: 'import' as const })));
        for (const s of created) known.set(s.name.toLowerCase(), s);
        return upsertOutages(
          tx,
          items.map((o) => ({
            systemId: (known.get(o.system.toLowerCase()) as SystemRow).id,
            startAt: o.start,
            endAt: o.end,
            kind: o.kind,
            reason: o.reason,
            ref: o.ref,
            source: 'import' as const,
            ingestRunId: runId,
          })),
        );
      },
    },
    { source: opts.source ?? 'generic', batchSize: opts.batchSize, onProgress: opts.onProgress, afterBatch: opts.afterBatch },
  );
}
