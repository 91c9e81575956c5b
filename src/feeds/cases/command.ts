import path from 'node:path';
import type { Runtime } from '../../runtime.ts';
import { ingestCases } from '../../services/cases.ts';
import { listRejectedRows } from '../../store/ingest-runs.ts';

/** `attain ingest cases FILE [--preset NAME] [--source NAME]`: ingest, print counts, warnings and rejected rows; throws when the file failed. */
export async function ingestCasesCommand(rt: Runtime, file: string, opts: { preset?: string; source?: string }): Promise<void> {
  const result = await ingestCases(rt.handle.db, path.resolve(file), rt.config, opts);
  console.log(
    `${result.file}: ${result.rowsRead} rows read, ${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged, ${result.rejected} rejected (ingest run ${result.runId}, preset ${result.preset}, source ${result.source})`,
  );
  for (const w of result.warnings.slice(0, 20)) console.log(`  warning: ${w}`);
  if (result.rejected > 0) {
    const rows = await listRejectedRows(rt.handle.db, result.runId);
    for (const r of rows.slice(0, 10)) console.log(`  rejected ${r.file} line ${r.line}${r.field ? ` (${r.field})` : ''}: ${r.reason}`);
    if (rows.length > 10) console.log(`  … ${rows.length - 10} more; every rejected row is kept in rejected_rows (run_id = ${result.runId})`);
  }
  if (result.status === 'failed') throw new Error(`${result.error} (rows before the failure were kept; re-run the file once fixed)`);
  console.log('casework figures are computed on request: GET /api/v1/cases/attainment');
}
