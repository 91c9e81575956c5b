import path from 'node:path';
import { zoneOfCalendar } from '../../config/calendars.ts';
import type { Runtime } from '../../runtime.ts';
import { syncConfiguredSystems } from '../../store/availability.ts';
import { printIngestResult } from '../runs-command.ts';
import { ingestOutageFile } from './ingest-file.ts';

/** `attain ingest outages FILE`: ingest, print counts, warnings and rejected rows; throws when the file failed. */
export async function ingestOutagesCommand(rt: Runtime, file: string): Promise<void> {
  // Configured systems first, so the file's names find their calendars and are not re-created.
  await syncConfiguredSystems(rt.handle.db, rt.config.systems);
  const result = await ingestOutageFile(rt.handle.db, path.resolve(file), { zoneOf: (id) => zoneOfCalendar(rt.config, id) });
  await printIngestResult(rt.handle.db, result);
  console.log('availability is computed on request: GET /api/v1/availability');
}
