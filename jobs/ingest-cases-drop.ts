import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { freeName } from '../src/feeds/file-hash.ts';
import { caseFeedNames, caseMappingNamed } from '../src/feeds/cases/ingest-file.ts';
import { ingestCases } from '../src/services/cases.ts';
import { defineJob } from './define.ts';

/** Folders of the casework drop area under the data directory. */
export function caseDropFolders(dataDir: string) {
  const root = path.join(dataDir, 'drop', 'cases');
  return { inbox: root, processed: path.join(root, 'processed'), failed: path.join(root, 'failed') };
}

const feedFile = /\.(csv|csv\.gz)$/i;

/**
 * Ingests each casework file dropped in `drop/cases/`, oldest name first, with
 * `caseFeeds.dropPreset`, and moves it to `processed/` or `failed/` with a report beside it.
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
    await mkdir(dirs.processed, { recursive: true });
    await mkdir(dirs.failed, { recursive: true });
    const entries = await readdir(dirs.inbox, { withFileTypes: true });
    const files = entries.filter((e) => e.isFile() && feedFile.test(e.name)).map((e) => e.name).sort();
    const results = [];
    for (const name of files) {
      const result = await ingestCases(ctx.db, path.join(dirs.inbox, name), ctx.config, { preset });
      const dest = result.status === 'succeeded' ? dirs.processed : dirs.failed;
      const target = await freeName(dest, name);
      await rename(path.join(dirs.inbox, name), path.join(dest, target));
      await writeFile(path.join(dest, `${target}.report.json`), JSON.stringify(result, null, 2));
      ctx.log(`ingest-cases-drop: ${name}: ${result.status}, ${result.rowsRead} rows read, ${result.inserted} inserted, ${result.updated} updated, ${result.rejected} rejected${result.error ? ` (${result.error})` : ''}`);
      results.push({ file: name, runId: result.runId, status: result.status, rejected: result.rejected });
    }
    return { files: results };
  },
});
