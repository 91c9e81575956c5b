import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { localDayKey } from '../calendar/zone.ts';
import { demoTicketCsvLines } from './tickets.ts';

/**
 * Writes the demo ticket feed for the 90 days up to `now` into the drop folder, unless the
 * folder already holds or has processed a feed (so a restart never duplicates the demo).
 */
export async function writeDemoFeedIfEmpty(dropDir: string, zone: string, now: Date): Promise<string | null> {
  await mkdir(dropDir, { recursive: true });
  const seenBefore = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).some((f) => /\.csv(\.gz)?$/i.test(f));
  if ((await seenBefore(dropDir)) || (await seenBefore(path.join(dropDir, 'processed')))) return null;
  const today = localDayKey(zone, now.getTime());
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(now);
  const file = path.join(dropDir, `demo-tickets-${today}.csv`);
  // Written under a temporary name and renamed, so the ingest job never reads half a file.
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  for (const line of demoTicketCsvLines({ today, days: 90, seed: 2025, now: clock })) {
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  await rename(partial, file);
  return file;
}
