import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { addDays, localDayKey, weekdayOf } from '../calendar/zone.ts';
import { caseRules, caseworkConfigSchema } from '../casework/policy.ts';
import { addCalendarMonths, addWorkingDays } from '../casework/working-days.ts';
import { caseDropFolders } from '../config/drop-folders.ts';
import { csvLine } from '../feeds/csv-line.ts';
import { createRandom, hashSeed } from './random.ts';

const columns = ['id', 'kind', 'received_at', 'responded_at', 'department', 'extended_to', 'extension_reason', 'clarification_requested_at', 'clarification_received_at', 'fee_requested_at', 'fee_received_at', 'id_requested_at', 'id_received_at', 'stage', 'parent_id', 'outcome'];
const departments = ['Housing', 'Planning', 'Revenues and Benefits', 'Environment', 'Adult Social Care', 'Legal and Democratic'];
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * Deterministic casework for the demo council (generic casework CSV, naive Europe/London times)
 * received on the `days` up to `today`: stage 1 and 2 complaints (some extended, some escalated),
 * FOI requests (some clarified, a few with a fee, a few received on a Saturday), SARs (some
 * waiting for identity), member enquiries. Most are answered within timescale, near the goals
 * of the measures; cases not answered before `today` stay open or overdue.
 */
export function demoCaseCsvLines(opts: { today: string; days: number; seed: number }): string[] {
  const rules = caseRules(caseworkConfigSchema.parse({}));
  const ew = rules.calendars.get('working-days-england-and-wales')!;
  const uk = rules.calendars.get('working-days-united-kingdom')!;
  const lines = [csvLine(columns)];
  let n = 1000;
  const kinds: { kind: string; perDay: [number, number]; onTime: number }[] = [
    { kind: 'complaint-stage-1', perDay: [0, 3], onTime: 0.82 },
    { kind: 'foi', perDay: [1, 4], onTime: 0.9 },
    { kind: 'sar', perDay: [0, 1], onTime: 0.84 },
    { kind: 'member-enquiry', perDay: [0, 3], onTime: 0.86 },
  ];
  for (let back = opts.days; back >= 1; back--) {
    const day = addDays(opts.today, -back);
    const weekend = weekdayOf(day) >= 5;
    kinds.forEach(({ kind, perDay, onTime }, ki) => {
      const rnd = createRandom(hashSeed(opts.seed, back, ki));
      // Requests come in at weekends too (email, web form), a few of them.
      const count = weekend ? (kind === 'foi' && rnd.chance(0.4) ? 1 : 0) : rnd.int(perDay[0], perDay[1]);
      for (let i = 0; i < count; i++) {
        const id = `${kind === 'complaint-stage-1' ? 'CMP' : kind === 'member-enquiry' ? 'ME' : kind.toUpperCase()}-${n++}`;
        const received = `${day} ${hhmm(rnd.int(8 * 60 + 30, 16 * 60 + 45))}`;
        const row: Record<string, string> = { id, kind, received_at: received, department: rnd.pick(departments) };
        const cal = kind === 'foi' || kind === 'sar' ? uk : ew;
        const ok = rnd.chance(onTime);
        let day0 = day;
        let respondDay: string;
        if (kind === 'sar') {
          if (rnd.chance(0.3)) {
            row.id_requested_at = `${addDays(day, 1)} 10:00`;
            day0 = addDays(day, rnd.int(2, 8));
            row.id_received_at = `${day0} 11:30`;
          }
          const due = addCalendarMonths(day0, 1);
          respondDay = ok ? addDays(due, -rnd.int(0, 20)) : addDays(due, rnd.int(1, 12));
        } else {
          const target = kind === 'complaint-stage-1' ? 5 : kind === 'foi' ? 20 : 10;
          if (kind === 'foi' && rnd.chance(0.08)) {
            row.clarification_requested_at = `${addDays(day, 2)} 12:00`;
            day0 = addDays(day, rnd.int(4, 9));
            row.clarification_received_at = `${day0} 09:15`;
          }
          let limit = target;
          if (kind === 'complaint-stage-1' && rnd.chance(0.12)) {
            limit = 10;
            row.extended_to = addWorkingDays(ew, day0, 10);
            row.extension_reason = rnd.pick(['site visit needed', 'several services involved', 'complainant unavailable']);
          }
          respondDay = addWorkingDays(cal, day0, ok ? rnd.int(Math.min(2, limit), limit) : limit + rnd.int(1, 6));
        }
        if (respondDay < opts.today && !rnd.chance(0.02)) {
          row.responded_at = `${respondDay} ${hhmm(rnd.int(9 * 60, 17 * 60))}`;
          row.outcome = kind === 'complaint-stage-1' ? rnd.pick(['upheld', 'partly upheld', 'not upheld']) : kind === 'foi' ? rnd.pick(['information provided', 'partly withheld', 'not held']) : 'answered';
        }
        if (kind === 'complaint-stage-1') row.stage = '1';
        lines.push(csvLine(columns.map((c) => row[c] ?? null)));
        // About one stage 1 in seven is escalated to stage 2 a few days after its answer.
        if (kind === 'complaint-stage-1' && row.responded_at && rnd.chance(0.15)) {
          const rec = addDays(respondDay, rnd.int(2, 6));
          if (rec < opts.today) {
            const r2: Record<string, string> = { id: `${id}-S2`, kind: 'complaint-stage-2', received_at: `${rec} 10:00`, department: row.department!, stage: '2', parent_id: id };
            const resp = addWorkingDays(ew, rec, rnd.chance(0.8) ? rnd.int(8, 20) : rnd.int(21, 26));
            if (resp < opts.today) r2.responded_at = `${resp} 15:00`;
            lines.push(csvLine(columns.map((c) => r2[c] ?? null)));
          }
        }
      }
    });
  }
  return lines;
}

/** The casework drop folder under the data directory (the ingest-cases-drop job reads it). */
export function demoCasesFolder(dataDir: string): string {
  return caseDropFolders(dataDir).inbox;
}

/**
 * Writes the demo council's casework for the 180 days up to `now` into `drop/cases/`, unless
 * the folder already holds or has processed a file (a restart never duplicates the demo).
 */
export async function writeDemoCasesIfEmpty(dataDir: string, zone: string, now: Date): Promise<string | null> {
  const dir = demoCasesFolder(dataDir);
  await mkdir(dir, { recursive: true });
  const seen = async (d: string) => (await readdir(d).catch(() => [] as string[])).some((f) => /\.csv(\.gz)?$/i.test(f));
  if ((await seen(dir)) || (await seen(path.join(dir, 'processed')))) return null;
  const today = localDayKey(zone, now.getTime());
  const file = path.join(dir, `demo-cases-${today}.csv`);
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  for (const line of demoCaseCsvLines({ today, days: 180, seed: 2025 })) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  await rename(partial, file);
  return file;
}
