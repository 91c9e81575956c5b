import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { localDayKey } from '../calendar/zone.ts';
import { callDropFolders } from '../config/drop-folders.ts';
import { demoEmailCsvLines, demoQueueLogLines } from './calls.ts';

async function writeLines(file: string, lines: Iterable<string>) {
  // Written under a temporary name and renamed, so the drop job never reads half a file.
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  for (const line of lines) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  await rename(partial, file);
}

const holdsFeed = async (dir: string) =>
  (await readdir(dir).catch(() => [] as string[])).some((f) => !f.endsWith('.partial') && !f.endsWith('.report.json') && f !== 'processed' && f !== 'failed');

/**
 * Writes the demo contact-centre feed for the 90 days up to `now` — an Asterisk queue_log into
 * `drop/calls/` and an email-contacts CSV into `drop/emails/` — unless the calls folder already
 * holds or has processed a feed (a restart never duplicates the demo). Returns the files written.
 */
export async function writeDemoCallsIfEmpty(dataDir: string, zone: string, now: Date): Promise<string[]> {
  const dirs = callDropFolders(dataDir);
  await mkdir(dirs.calls, { recursive: true });
  await mkdir(dirs.emails, { recursive: true });
  if ((await holdsFeed(dirs.calls)) || (await holdsFeed(dirs.processed(dirs.calls)))) return [];
  const today = localDayKey(zone, now.getTime());
  const opts = { today, days: 90, zone, seed: 2025, until: now.getTime() };
  const log = path.join(dirs.calls, `demo-queue_log-${today}.log`);
  await writeLines(log, demoQueueLogLines(opts));
  const emails = path.join(dirs.emails, `demo-emails-${today}.csv`);
  await writeLines(emails, demoEmailCsvLines(opts));
  return [log, emails];
}
