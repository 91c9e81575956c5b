import { reportingZone } from '../config/calendars.ts';
import { withFlags } from './quality.ts';
import type { Db } from '../../db/client.ts';
import { localDayKey } from '../calendar/zone.ts';
import type { AppConfig } from '../config/app-config.ts';
import { availabilityReport } from '../reports/availability.ts';
import { periodEndDay, periodStartDay, defaultPeriodFrom } from '../sla/periods.ts';
import { listSystems, systemsByName } from '../store/availability.ts';
import { InputError, quote } from './input-error.ts';

const MAX_PERIODS = { day: 400, month: 60 } as const;

/** First or last day of a period text. */
const dayOf = (text: string, end: boolean) => (end ? periodEndDay(text) : periodStartDay(text));

export type AvailabilityQuery = { from?: string; to?: string; grain: 'day' | 'month'; system?: string; group?: string };

/**
 * Availability in core hours per system and for all systems, per local day or month, with
 * target and status (METRICS.md §4). Defaults: the last 31 days, or the last 12 months.
 */
export async function availabilityFor(db: Db, config: AppConfig, q: AvailabilityQuery, now: Date) {
  const today = localDayKey(reportingZone(config), now.getTime());
  const defaultFrom = defaultPeriodFrom(q.grain, today);
  const from = dayOf(q.from ?? defaultFrom, false);
  const to = dayOf(q.to ?? today, true);
  if (from > to) throw new InputError('from', `${q.from ?? from} is after ${q.to === undefined ? `today (${to})` : `to ${q.to}`}`);
  const periods = q.grain === 'day' ? Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1 : (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
  if (periods > MAX_PERIODS[q.grain]) throw new InputError('to', `a ${q.grain} query covers at most ${MAX_PERIODS[q.grain]} periods; narrow from/to`);
  let systems = await listSystems(db);
  if (q.system) {
    const s = systemsByName(systems).get(q.system.toLowerCase());
    if (!s) throw new InputError('system', `unknown system ${quote(q.system)} (known: ${systems.map((x) => x.name).join(', ') || 'none'})`);
    systems = [s];
  }
  if (q.group) systems = systems.filter((s) => s.group.toLowerCase() === q.group!.toLowerCase());
  const report = await availabilityReport(db, config, { grain: q.grain, from, to, systems }, now);
  const deps = { db, config, now: () => now };
  const [rows, allSystems] = [await withFlags(deps, 'availability', report.rows, { fromDay: from, toDay: to }), await withFlags(deps, 'availability', report.allSystems, { fromDay: from, toDay: to })];
  return { ...report, rows, allSystems, from: q.grain === 'month' ? from.slice(0, 7) : from, to: q.grain === 'month' ? to.slice(0, 7) : to, slice: { system: q.system ?? null, group: q.group ?? null } };
}
