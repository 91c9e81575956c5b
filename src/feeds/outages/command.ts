import path from 'node:path';
import { calendarOf } from '../../reports/availability.ts';
import type { Runtime } from '../../runtime.ts';
import { syncConfiguredSystems } from '../../store/availability.ts';
import { listRejectedRows } from '../../store/ingest-runs.ts';
import { ingestOutageFile } from './ingest-file.ts';

/** `attain ingest outages FILE`: ingest, print counts, warnings and rejected rows; throws when the file failed. */
export async function ingestOutagesCommand(rt: Runtime, file: string): Promise<void> {
  // Configured systems first, so the file's names find their calendars and are not re-created.
  await syncConfiguredSystems(rt.handle.db, rt.config.systems);
  const result = await ingestOutageFile(rt.handle.db, path.resolve(file), { zoneOf: (id) => calendarOf(rt.config, id)?.zone ?? 'Europe/London' });
  console.log(
    `${result.file}: ${result.rowsRead} rows read, ${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged, ${result.rejected} rejected (ingest run ${result.runId})`,
  );
  for (const w of result.warnings.slice(0, 20)) console.log(`  warning: ${w}`);
  if (result.rejected > 0) {
    const rows = await listRejectedRows(rt.handle.db, result.runId);
    for (const r of rows.slice(0, 10)) console.log(`  rejected line ${r.line}${r.field ? ` (${r.field})` : ''}: ${r.reason}`);
    if (rows.length > 10) console.log(`  … ${rows.length - 10} more; every rejected row is kept in rejected_rows (run_id = ${result.runId})`);
  }
  if (result.status === 'failed') throw new Error(`${result.error} (rows before the failure were kept; re-run the file once fixed)`);
  console.log('availability is computed on request: GET /api/v1/availability');
}
