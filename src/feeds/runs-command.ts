import { openRuntime } from '../runtime.ts';
import { getIngestRun, listRejectedRows } from '../store/ingest-runs.ts';
import { listRuns } from '../store/ticket-feeds.ts';

/** `attain runs [--limit N] [--feed NAME]`: recent ingest runs, newest first, one line each. */
export async function runsCommand(opts: { limit?: string; feed?: string }): Promise<void> {
  const limit = Number(opts.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1) throw new Error('--limit: expected a whole number ≥ 1');
  const rt = await openRuntime();
  try {
    const runs = await listRuns(rt.handle.db, { limit, feed: opts.feed });
    if (runs.length === 0) console.log('no ingest runs yet');
    for (const r of runs) {
      console.log(
        `${r.id}\t${r.startedAt.toISOString()}\t${r.feed}\t${r.source}\t${r.file}\t${r.status}\t${r.rowsRead} read, ${r.inserted} inserted, ${r.updated} updated, ${r.rejected} rejected` +
          (r.error ? `\t${r.error}` : ''),
      );
    }
  } finally {
    await rt.handle.close();
  }
}

/** `attain rejected RUN`: every rejected row of a run with line, field, reason and the raw text. */
export async function rejectedCommand(args: string[]): Promise<void> {
  const id = Number(args[0]);
  if (!Number.isSafeInteger(id) || id < 1) throw new Error('usage: attain rejected RUN (the run id that `attain runs` lists)');
  const rt = await openRuntime();
  try {
    const run = await getIngestRun(rt.handle.db, id);
    if (!run) throw new Error(`ingest run ${id} does not exist`);
    const rows = await listRejectedRows(rt.handle.db, id);
    console.log(`run ${id} (${run.feed}, ${run.file}): ${rows.length} rejected row${rows.length === 1 ? '' : 's'}`);
    for (const r of rows) console.log(`line ${r.line}\t${r.field ?? '-'}\t${r.reason}\t${r.raw}`);
  } finally {
    await rt.handle.close();
  }
}

/**
 * Prints what became of an ingested file (counts, the first warnings and rejected rows, where to
 * see the rest) and throws when the file failed: the tail of every `attain ingest …` command.
 */
export async function printIngestResult(
  db: Parameters<typeof listRejectedRows>[0],
  result: { file: string; runId: number; rowsRead: number; inserted: number; updated: number; unchanged: number; rejected: number; warnings: string[]; status: string; error?: string },
  maxWarnings = 20,
): Promise<void> {
  console.log(
    `${result.file}: ${result.rowsRead} rows read, ${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged, ${result.rejected} rejected (ingest run ${result.runId})`,
  );
  for (const w of result.warnings.slice(0, maxWarnings)) console.log(`  warning: ${w}`);
  if (result.rejected > 0) {
    const rows = await listRejectedRows(db, result.runId);
    for (const r of rows.slice(0, 10)) console.log(`  rejected line ${r.line}${r.field ? ` (${r.field})` : ''}: ${r.reason}`);
    if (rows.length > 10) console.log(`  … ${rows.length - 10} more; every rejected row is kept in rejected_rows (run_id = ${result.runId})`);
  }
  if (result.status === 'failed') throw new Error(`${result.error} (rows before the failure were kept; re-run the file once fixed)`);
}
