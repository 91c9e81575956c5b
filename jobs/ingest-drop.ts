import { z } from 'zod';
import { dropFolders } from '../src/config/drop-folders.ts';
import { sha256File } from '../src/feeds/file-hash.ts';
import { ingestTicketFeedFile, mappingNamed, feedNames, ticketFeedsOf } from '../src/feeds/tickets/mapped-feed.ts';
import { findSeenFile, recordSeenFile } from '../src/store/ticket-feeds.ts';
import type { JobContext } from './context.ts';
import { defineJob } from './define.ts';
import { type DropFolder, type DropOutcome, failOnErrored, processDropFolder, logIngested } from './drop-folder.ts';

// The folder layout is configuration's (src/config/drop-folders.ts); re-exported beside the job.
export { dropFolders };

const feedFile = /\.(csv|csv\.gz)$/i;

/**
 * The ticket drop folder: each file is read with the configured `ticketFeeds.dropPreset`; a file
 * whose content (SHA-256) was already ingested successfully is not ingested again: it goes to
 * `processed/` with a report naming the earlier run.
 */
export function ticketDropFolder(ctx: JobContext) {
  const preset = ticketFeedsOf(ctx.config).dropPreset;
  const dirs = dropFolders(ctx.env.dataDir);
  return {
    feed: 'tickets',
    ...dirs,
    accepts: (name: string) => feedFile.test(name),
    async ingest(file: string, name: string): Promise<DropOutcome<{ runId: number | null; rejected: number }>> {
      const sha256 = await sha256File(file);
      const seen = await findSeenFile(ctx.db, sha256);
      if (seen?.status === 'succeeded') {
        const message = `same content (SHA-256) as "${seen.file}", ingested by run ${seen.runId} on ${seen.seenAt.toISOString()}; not ingested again`;
        ctx.log(`ingest-drop: ${name}: duplicate, ${message}`);
        return {
          status: 'duplicate',
          report: { status: 'duplicate', file: name, sha256, duplicateOf: { runId: seen.runId, file: seen.file, seenAt: seen.seenAt.toISOString() }, message },
          result: { runId: seen.runId, rejected: 0 },
        };
      }
      // Read from its claim folder (.claims/ID/NAME): runs and reports still name it NAME.
      const result = await ingestTicketFeedFile(ctx.db, file, ctx.config, { preset });
      // A failed file is recorded too, but may be dropped again once fixed (same content retried).
      await recordSeenFile(ctx.db, { sha256, file: name, runId: result.runId, status: result.status });
      logIngested(ctx, 'ingest-drop', name, result);
      return { status: result.status, report: { ...result, sha256 }, result: { runId: result.runId, rejected: result.rejected } };
    },
  } satisfies DropFolder<{ runId: number | null; rejected: number }>;
}

/**
 * Ingests each complete ticket file dropped in `drop/tickets/` (jobs/drop-folder.ts: settled,
 * claimed by one worker, a file failing twice moved to `failed/`), oldest name first, moves it to
 * `processed/` or `failed/` with a report beside it, and queues the SLA compute.
 */
export const ingestDropJob = defineJob({
  name: 'ingest-drop',
  payload: z.object({}).default({}),
  retries: 2,
  backoffMs: 5000,
  cron: '* * * * *',
  async run(ctx) {
    const preset = ticketFeedsOf(ctx.config).dropPreset;
    // A misconfigured preset is the operator's mistake, not the files': leave them in the inbox.
    if (preset !== 'generic' && !mappingNamed(ctx.config, preset)) {
      throw new Error(`ticketFeeds.dropPreset: unknown preset "${preset}" (known: ${feedNames(ctx.config).join(', ')}); files left in the drop folder`);
    }
    const results = await processDropFolder(ctx, ticketDropFolder(ctx));
    const first = results.find((r) => r.status === 'succeeded' || r.status === 'failed');
    if (first && 'result' in first && first.result.runId !== null) await ctx.enqueue('compute-sla', `compute-sla-after-ingest-${first.result.runId}`, {});
    failOnErrored('tickets', results);
    return { files: results.map((r) => ({ file: r.file, status: r.status, attempt: r.attempt, ...('result' in r ? r.result : { errors: r.errors }) })) };
  },
});
