import { addDays, civilFromDays, dayKeyToDayNumber, dayNumberToDayKey } from '../calendar/zone.ts';

/** Reporting grains; every period is a local one (METRICS.md, preamble). */
export const grains = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Grain = (typeof grains)[number];

/** ISO 8601 week label of a local day, e.g. 2025-W01 (weeks start on Monday). */
export function isoWeekLabel(dayKey: string): string {
  const n = dayKeyToDayNumber(dayKey);
  const weekday = (((n + 3) % 7) + 7) % 7; // 0 = Monday (1970-01-01 was a Thursday)
  const thursday = n - weekday + 3;
  const [year] = civilFromDays(thursday);
  const firstThursdayWeek = dayKeyToDayNumber(`${year}-01-04`);
  const week1Monday = firstThursdayWeek - ((((firstThursdayWeek + 3) % 7) + 7) % 7);
  const week = Math.floor((n - weekday - week1Monday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The label of the period of a grain that contains a local day. */
export function periodOf(grain: Grain, dayKey: string): string {
  switch (grain) {
    case 'day':
      return dayKey;
    case 'week':
      return isoWeekLabel(dayKey);
    case 'month':
      return dayKey.slice(0, 7);
    case 'quarter':
      return `${dayKey.slice(0, 4)}-Q${Math.floor((Number(dayKey.slice(5, 7)) - 1) / 3) + 1}`;
    case 'year':
      return dayKey.slice(0, 4);
  }
}

/** The labels of every period from the one holding `fromDay` to the one holding `toDay`, in order. */
export function periodsBetween(grain: Grain, fromDay: string, toDay: string, limit = 4000): string[] {
  const out: string[] = [];
  const last = dayKeyToDayNumber(toDay);
  for (let n = dayKeyToDayNumber(fromDay); n <= last; n++) {
    const label = periodOf(grain, dayNumberToDayKey(n));
    if (out[out.length - 1] !== label) {
      if (out.length >= limit) throw new RangeError(`more than ${limit} periods`);
      out.push(label);
    }
  }
  return out;
}

/** First local day of a period label of any grain. */
export function periodStartDay(period: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(period)) return period;
  if (/^\d{4}-\d{2}$/.test(period)) return `${period}-01`;
  if (/^\d{4}$/.test(period)) return `${period}-01-01`;
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  if (q) return `${q[1]}-${String((Number(q[2]) - 1) * 3 + 1).padStart(2, '0')}-01`;
  const w = /^(\d{4})-W(\d{2})$/.exec(period);
  if (w) {
    const jan4 = dayKeyToDayNumber(`${w[1]}-01-04`);
    const week1Monday = jan4 - ((((jan4 + 3) % 7) + 7) % 7);
    return dayNumberToDayKey(week1Monday + (Number(w[2]) - 1) * 7);
  }
  throw new RangeError(`not a period: ${period}`);
}

/** Last local day of a period label. */
export function periodEndDay(period: string): string {
  const start = dayKeyToDayNumber(periodStartDay(period));
  const next = (n: number) => dayNumberToDayKey(n);
  if (/^\d{4}-\d{2}-\d{2}$/.test(period)) return period;
  if (/-W\d{2}$/.test(period)) return next(start + 6);
  let n = start;
  const label = (d: number) => (/-Q/.test(period) ? periodOf('quarter', next(d)) : /^\d{4}$/.test(period) ? periodOf('year', next(d)) : periodOf('month', next(d)));
  while (label(n + 1) === period) n++;
  return next(n);
}

/**
 * Where a listing starts when the request names no `from` (one rule for every API): today for
 * intervals, the last 31 days, the last 12 weeks, or else the last 12 months (this one included).
 */
export function defaultPeriodFrom(grain: string, today: string): string {
  if (grain === 'interval') return today;
  if (grain === 'day') return addDays(today, -30);
  if (grain === 'week') return addDays(today, -7 * 12);
  // The 15th of this month less 334 days is in the month eleven months back, whatever the lengths.
  return addDays(`${today.slice(0, 7)}-15`, -334).slice(0, 7);
}
