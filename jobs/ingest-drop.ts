import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { slaRules } from '../src/sla/rules.ts';
import { ingestTicketFile } from '../src/feeds/tickets/ingest-file.ts';
import { defineJob } from './define.ts';

/** Folders of the drop area under the data directory. */
export function dropFolders(dataDir: string) {
  const root = path.join(dataDir, 'drop', 'tickets');
  return { inbox: root, processed: path.join(root, 'processed'), failed: path.join(root, 'failed') };
}

const feedFile = /\.(csv|csv\.gz)$/i;

/**
 * Ingests each ticket file dropped in `drop/tickets/`, oldest name first, then moves it to
 * `processed/` or `failed/` with a report beside it, and queues the SLA compute.
 */
export const ingestDropJob = defineJob({
  name: 'ingest-drop',
  payload: z.object({}).default({}),
  retries: 2,
  backoffMs: 5000,
  cron: '* * * * *',
  async run(ctx) {
    const dirs = dropFolders(ctx.env.dataDir);
    await mkdir(dirs.processed, { recursive: true });
    await mkdir(dirs.failed, { recursive: true });
    const entries = await readdir(dirs.inbox, { withFileTypes: true });
    const files = entries.filter((e) => e.isFile() && feedFile.test(e.name)).map((e) => e.name).sort();
    const results = [];
    for (const name of files) {
      const file = path.join(dirs.inbox, name);
      const result = await ingestTicketFile(ctx.db, file, {
        source: ctx.config.ticketSource,
        zone: slaRules(ctx.config).zone,
        kinds: ctx.config.kinds,
      });
      const dest = result.status === 'succeeded' ? dirs.processed : dirs.failed;
      await rename(file, path.join(dest, name));
      await writeFile(path.join(dest, `${name}.report.json`), JSON.stringify(result, null, 2));
      ctx.log(
        `ingest-drop: ${name}: ${result.status}, ${result.rowsRead} rows read, ${result.inserted} inserted, ${result.updated} updated, ${result.rejected} rejected` +
          (result.error ? ` (${result.error})` : ''),
      );
      results.push({ file: name, runId: result.runId, status: result.status, rejected: result.rejected });
    }
    if (results.length > 0) await ctx.enqueue('compute-sla', `compute-sla-after-ingest-${results[0]!.runId}`, {});
    return { files: results };
  },
});
