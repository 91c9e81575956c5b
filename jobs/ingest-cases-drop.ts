import { z } from 'zod';
import { caseDropFolders } from '../src/config/drop-folders.ts';
import { caseFeedNames, caseMappingNamed } from '../src/feeds/cases/ingest-file.ts';
import { ingestCases } from '../src/services/cases.ts';
import { defineJob } from './define.ts';
import { type DropFileResult, failOnErrored, processDropFolder, logIngested } from './drop-folder.ts';


const feedFile = /\.(csv|csv\.gz)$/i;

type CasesDropResult = { runId: number; rejected: number };

/**
 * Ingests each complete casework file dropped in `drop/cases/`, oldest name first, with
 * `caseFeeds.dropPreset`, through the same drop-folder rules as tickets and calls
 * (jobs/drop-folder.ts: taken once complete, claimed before reading, failed twice → `failed/`).
 * Ingest upserts on (source, id), so a file dropped twice changes nothing the second time.
 * Case figures are computed on request: nothing to queue after.
 */
export const ingestCasesDropJob = defineJob({
  name: 'ingest-cases-drop',
  payload: z.object({}).default({}),
  retries: 2,
  backoffMs: 5000,
  cron: '* * * * *',
  async run(ctx) {
    const preset = ctx.config.caseFeeds.dropPreset;
    if (!caseMappingNamed(ctx.config, preset)) {
      throw new Error(`caseFeeds.dropPreset: unknown preset "${preset}" (known: ${caseFeedNames(ctx.config).join(', ')}); files left in the drop folder`);
    }
    const dirs = caseDropFolders(ctx.env.dataDir);
    const results: DropFileResult<CasesDropResult>[] = await processDropFolder(ctx, {
      feed: 'cases',
      inbox: dirs.inbox,
      processed: dirs.processed,
      failed: dirs.failed,
      accepts: (name) => feedFile.test(name),
      async ingest(file, name) {
        const result = await ingestCases(ctx.db, file, ctx.config, { preset });
        logIngested(ctx, 'ingest-cases-drop', name, result);
        return { status: result.status, report: result, result: { runId: result.runId, rejected: result.rejected } };
      },
    });
    failOnErrored('cases', results);
    return { files: results.map((r) => ({ file: r.file, status: r.status, attempt: r.attempt, ...('result' in r ? { runId: r.result.runId, rejected: r.result.rejected } : { errors: r.errors }) })) };
  },
});
