import { z } from 'zod';
import { callsRules } from '../src/calls/rules.ts';
import { callDropFolders } from '../src/config/drop-folders.ts';
import { formatFromName, ingestCallFile, ingestEmailFile } from '../src/feeds/calls/ingest-file.ts';
import { defineJob } from './define.ts';
import { type DropFileResult, failOnErrored, processDropFolder, logIngested } from './drop-folder.ts';

const feedFile = /\.(log|csv|gz)$|queue_log/i;

type CallsDropResult = { runId: number; rejected: number; touchedDays: string[] };

/**
 * Ingests each complete file dropped in `drop/calls/` (an Asterisk queue_log: `queue_log*` or
 * `*.log`; otherwise the generic calls CSV) and in `drop/emails/` (email contacts), oldest name
 * first, through the same drop-folder rules as tickets (jobs/drop-folder.ts), and queues the
 * call compute.
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
    const results: DropFileResult<CallsDropResult>[] = [];
    for (const [inbox, kind] of [[dirs.calls, 'calls'], [dirs.emails, 'emails']] as const) {
      const opts = { source: kind === 'emails' ? rules.config.emailSource : rules.config.source, zone: rules.zone, clockSkewSeconds: rules.config.clockSkewSeconds };
      results.push(
        ...(await processDropFolder(ctx, {
          feed: kind,
          inbox,
          processed: dirs.processed(inbox),
          failed: dirs.failed(inbox),
          accepts: (name) => feedFile.test(name),
          async ingest(file, name) {
            const result = kind === 'emails' ? await ingestEmailFile(ctx.db, file, opts) : await ingestCallFile(ctx.db, file, formatFromName(name), opts);
            logIngested(ctx, 'ingest-calls-drop', name, result, 'lines');
            return { status: result.status, report: result, result: { runId: result.runId, rejected: result.rejected, touchedDays: result.touchedDays } };
          },
        })),
      );
    }
    const done = results.flatMap((r) => ('result' in r ? [r.result] : []));
    const days = new Set(done.flatMap((r) => r.touchedDays));
    if (done.length > 0) await ctx.enqueue('compute-calls', `compute-calls-after-drop-${done[0]!.runId}`, { days: [...days].sort() });
    failOnErrored('calls', results);
    return { files: results.map((r) => ({ file: r.file, status: r.status, attempt: r.attempt, ...('result' in r ? { runId: r.result.runId, rejected: r.result.rejected } : { errors: r.errors }) })) };
  },
});
