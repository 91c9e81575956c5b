import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { freeName, sha256File } from '../src/feeds/file-hash.ts';
import { ingestTicketFeedFile, mappingNamed, feedNames, ticketFeedsOf } from '../src/feeds/tickets/mapped-feed.ts';
import { findSeenFile, recordSeenFile } from '../src/store/ticket-feeds.ts';
import { defineJob } from './define.ts';

/** Folders of the drop area under the data directory. */
export function dropFolders(dataDir: string) {
  const root = path.join(dataDir, 'drop', 'tickets');
  return { inbox: root, processed: path.join(root, 'processed'), failed: path.join(root, 'failed') };
}

const feedFile = /\.(csv|csv\.gz)$/i;

/**
 * Ingests each ticket file dropped in `drop/tickets/`, oldest name first, with the configured
 * `ticketFeeds.dropPreset`, then moves it to `processed/` or `failed/` with a report beside it,
 * and queues the SLA compute. A file whose content (SHA-256) was already ingested successfully
 * is not ingested again: it goes to `processed/` with a report naming the earlier run.
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
    const dirs = dropFolders(ctx.env.dataDir);
    await mkdir(dirs.processed, { recursive: true });
    await mkdir(dirs.failed, { recursive: true });
    const entries = await readdir(dirs.inbox, { withFileTypes: true });
    const files = entries.filter((e) => e.isFile() && feedFile.test(e.name)).map((e) => e.name).sort();
    const results = [];
    let ingested = 0;
    const move = async (name: string, dest: string, report: unknown) => {
      const target = await freeName(dest, name);
      await rename(path.join(dirs.inbox, name), path.join(dest, target));
      await writeFile(path.join(dest, `${target}.report.json`), JSON.stringify(report, null, 2));
    };
    for (const name of files) {
      const file = path.join(dirs.inbox, name);
      const sha256 = await sha256File(file);
      const seen = await findSeenFile(ctx.db, sha256);
      if (seen?.status === 'succeeded') {
        const message = `same content (SHA-256) as "${seen.file}", ingested by run ${seen.runId} on ${seen.seenAt.toISOString()}; not ingested again`;
        await move(name, dirs.processed, { status: 'duplicate', file: name, sha256, duplicateOf: { runId: seen.runId, file: seen.file, seenAt: seen.seenAt.toISOString() }, message });
        ctx.log(`ingest-drop: ${name}: duplicate, ${message}`);
        results.push({ file: name, runId: seen.runId, status: 'duplicate' as const, rejected: 0 });
        continue;
      }
      const result = await ingestTicketFeedFile(ctx.db, file, ctx.config, { preset });
      // A failed file is recorded too, but may be dropped again once fixed (same content retried).
      await recordSeenFile(ctx.db, { sha256, file: name, runId: result.runId, status: result.status });
      await move(name, result.status === 'succeeded' ? dirs.processed : dirs.failed, { ...result, sha256 });
      ctx.log(
        `ingest-drop: ${name}: ${result.status}, ${result.rowsRead} rows read, ${result.inserted} inserted, ${result.updated} updated, ${result.rejected} rejected` +
          (result.error ? ` (${result.error})` : ''),
      );
      ingested += 1;
      results.push({ file: name, runId: result.runId, status: result.status, rejected: result.rejected });
    }
    const first = results.find((r) => r.status !== 'duplicate');
    if (ingested > 0 && first) await ctx.enqueue('compute-sla', `compute-sla-after-ingest-${first.runId}`, {});
    return { files: results };
  },
});
