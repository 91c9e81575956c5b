import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { callsRules } from '../src/calls/rules.ts';
import { callDropFolders } from '../src/demo/write-calls-demo.ts';
import { formatFromName, ingestCallFile, ingestEmailFile } from '../src/feeds/calls/ingest-file.ts';
import { defineJob } from './define.ts';

const feedFile = /\.(log|csv|gz)$|queue_log/i;

/**
 * Ingests each file dropped in `drop/calls/` (an Asterisk queue_log: `queue_log*` or `*.log`;
 * otherwise the generic calls CSV) and in `drop/emails/` (email contacts), oldest name first,
 * moves it to `processed/` or `failed/` with a report beside it, and queues the call compute.
 */
export const ingestCallsDropJob = defineJob({
  name: 'ingest-calls-drop',
  payload: z.object({}).default({}),
  retries: 2,
  backoffMs: 5000,
  cron: '* * * * *',
  async run(ctx) {
    const rules = callsRules(ctx.config);
    const dirs = callDropFolders(ctx.env.dataDir);
    const results = [];
    const days = new Set<string>();
    for (const [inbox, kind] of [[dirs.calls, 'calls'], [dirs.emails, 'emails']] as const) {
      await mkdir(dirs.processed(inbox), { recursive: true });
      await mkdir(dirs.failed(inbox), { recursive: true });
      const entries = await readdir(inbox, { withFileTypes: true });
      const files = entries.filter((e) => e.isFile() && feedFile.test(e.name) && !e.name.endsWith('.partial')).map((e) => e.name).sort();
      for (const name of files) {
        const file = path.join(inbox, name);
        const opts = { source: kind === 'emails' ? rules.config.emailSource : rules.config.source, zone: rules.zone };
        const result = kind === 'emails' ? await ingestEmailFile(ctx.db, file, opts) : await ingestCallFile(ctx.db, file, formatFromName(name), opts);
        const dest = result.status === 'succeeded' ? dirs.processed(inbox) : dirs.failed(inbox);
        await rename(file, path.join(dest, name));
        await writeFile(path.join(dest, `${name}.report.json`), JSON.stringify(result, null, 2));
        ctx.log(
          `ingest-calls-drop: ${name}: ${result.status}, ${result.rowsRead} lines read, ${result.inserted} inserted, ${result.updated} updated, ${result.rejected} rejected` +
            (result.error ? ` (${result.error})` : ''),
        );
        for (const d of result.touchedDays) days.add(d);
        results.push({ file: name, runId: result.runId, status: result.status, rejected: result.rejected });
      }
    }
    if (results.length > 0) await ctx.enqueue('compute-calls', `compute-calls-after-drop-${results[0]!.runId}`, { days: [...days].sort() });
    return { files: results };
  },
});
