import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/client.ts';
import { systemSpecSchema, type SystemSpec } from '../availability/config.ts';
import { addDays, localDayKey, weekdayOf } from '../calendar/zone.ts';
import type { AppConfig } from '../config/app-config.ts';
import { ingestOutageFile } from '../feeds/outages/ingest-file.ts';
import { reportingZone, zoneOfCalendar } from '../config/calendars.ts';
import { listSystems, syncConfiguredSystems } from '../store/availability.ts';
import { csvLine } from '../feeds/csv-line.ts';
import { createRandom, hashSeed } from './random.ts';

/** The demo's systems: outage records only, no probes (a demo never reaches outside the machine). */
export const demoSystems: SystemSpec[] = [
  { name: 'Email', group: 'corporate', weight: 2 },
  { name: 'Internet', group: 'corporate', weight: 2 },
  { name: 'CRM', group: 'corporate' },
  { name: 'Finance', group: 'corporate' },
  { name: 'Library', group: 'service', target: 0.98 },
].map((s) => systemSpecSchema.parse(s));

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * Deterministic outage rows (generic outages CSV, naive Europe/London times) for the `days` up
 * to `today`: a few short unplanned outages per system, one outage across a Friday close and
 * the weekend, one long Finance outage (a red month), and a planned maintenance window.
 */
export function demoOutageCsvLines(opts: { today: string; days: number; seed: number }): string[] {
  const lines = [csvLine(['system', 'start', 'end', 'kind', 'reason', 'ref'])];
  const weekday = (offset: number) => {
    let d = addDays(opts.today, -offset);
    while (weekdayOf(d) > 4) d = addDays(d, -1);
    return d;
  };
  let ref = 4100;
  demoSystems.forEach((s, i) => {
    const rnd = createRandom(hashSeed(opts.seed, i));
    const count = rnd.int(2, 5);
    for (let k = 0; k < count; k++) {
      const day = weekday(rnd.int(2, opts.days - 2));
      const start = rnd.int(9 * 60, 15 * 60);
      const length = Math.round(rnd.lognormal(40, 0.8));
      const reasons = ['Service not responding', 'Network fault', 'Database locked', 'Authentication failure', 'Supplier outage'];
      lines.push(csvLine([s.name, `${day} ${hhmm(start)}`, `${day} ${hhmm(Math.min(start + length, 23 * 60 + 59))}`, 'unplanned', rnd.pick(reasons), `INC${ref++}`]));
    }
  });
  // Internet: down from Friday 16:00 to Monday 09:30 (30 core minutes on Friday, 50 on Monday).
  let friday = addDays(opts.today, -20);
  while (weekdayOf(friday) !== 4) friday = addDays(friday, -1);
  lines.push(csvLine(['Internet', `${friday} 16:00`, `${addDays(friday, 3)} 09:30`, 'unplanned', 'Upstream provider fault', `INC${ref++}`]));
  // Finance: a day and a half down mid-month.
  const bad = weekday(45);
  lines.push(csvLine(['Finance', `${bad} 11:00`, `${addDays(bad, weekdayOf(bad) === 4 ? 3 : 1)} 17:00`, 'unplanned', 'Ledger database corruption', `INC${ref++}`]));
  // CRM: planned upgrade across the start of a working day (core part is planned, not down).
  const upgrade = weekday(30);
  lines.push(csvLine(['CRM', `${upgrade} 06:00`, `${upgrade} 10:00`, 'planned', 'Version upgrade', 'CHG2201']));
  return lines;
}

/**
 * On a first start without configured systems: creates the demo systems and ingests a demo
 * outages file through the real feed path. Does nothing when any system exists already.
 */
export async function writeDemoAvailabilityIfEmpty(db: Db, config: AppConfig, dataDir: string, now: Date): Promise<string | null> {
  if (config.systems.length > 0 || (await listSystems(db)).length > 0) return null;
  await syncConfiguredSystems(db, demoSystems, 'demo');
  const today = localDayKey(reportingZone(config), now.getTime());
  const dir = path.join(dataDir, 'demo');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `demo-outages-${today}.csv`);
  await writeFile(file, demoOutageCsvLines({ today, days: 90, seed: 2025 }).join(''));
  await ingestOutageFile(db, file, { zoneOf: (id) => zoneOfCalendar(config, id) });
  return file;
}
