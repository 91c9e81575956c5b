/**
 * A measure's periods by its frequency (METRICS.md §7): `YYYY-MM` monthly, `YYYY-Qn` quarterly,
 * `YYYY-Hn` six-monthly, `YYYY` annual. Calendar periods; quarters and years as src/sla/periods.ts.
 */
import { addDays } from '../calendar/zone.ts';
import { periodEndDay as gridEndDay, periodOf as gridPeriodOf, periodStartDay as gridStartDay } from '../sla/periods.ts';
import type { Frequency } from './catalogue.ts';

const patterns: Record<Frequency, RegExp> = {
  monthly: /^\d{4}-(0[1-9]|1[0-2])$/,
  quarterly: /^\d{4}-Q[1-4]$/,
  'six-monthly': /^\d{4}-H[12]$/,
  annual: /^\d{4}$/,
};
const examples: Record<Frequency, string> = { monthly: 'YYYY-MM, e.g. 2025-11', quarterly: 'YYYY-Qn, e.g. 2025-Q3', 'six-monthly': 'YYYY-Hn, e.g. 2025-H1', annual: 'YYYY, e.g. 2025' };

/** Whether a period label fits a frequency; the expected form for messages. */
export function fitsFrequency(period: string, frequency: Frequency): boolean {
  return patterns[frequency].test(period);
}
export const periodFormOf = (frequency: Frequency) => examples[frequency];

/** The frequency a period label is written in, or null. */
export function frequencyOfPeriod(period: string): Frequency | null {
  for (const f of Object.keys(patterns) as Frequency[]) if (patterns[f].test(period)) return f;
  return null;
}

/** The period of a frequency that holds a local day. */
export function measurePeriodOf(frequency: Frequency, day: string): string {
  switch (frequency) {
    case 'monthly':
      return gridPeriodOf('month', day);
    case 'quarterly':
      return gridPeriodOf('quarter', day);
    case 'six-monthly':
      return `${day.slice(0, 4)}-H${Number(day.slice(5, 7)) <= 6 ? 1 : 2}`;
    case 'annual':
      return gridPeriodOf('year', day);
  }
}

/** First local day of a measure period. */
export function measurePeriodStart(period: string): string {
  const h = /^(\d{4})-H([12])$/.exec(period);
  return h ? `${h[1]}-${h[2] === '1' ? '01' : '07'}-01` : gridStartDay(period);
}

/** Last local day of a measure period. */
export function measurePeriodEnd(period: string): string {
  const h = /^(\d{4})-H([12])$/.exec(period);
  return h ? `${h[1]}-${h[2] === '1' ? '06-30' : '12-31'}` : gridEndDay(period);
}

/** The period before (short-term direction of travel compares with it). */
export function previousPeriod(period: string): string {
  const f = frequencyOfPeriod(period);
  if (!f) throw new RangeError(`not a measure period: ${period}`);
  return measurePeriodOf(f, addDays(measurePeriodStart(period), -1));
}

/** The same period a year before (long-term direction of travel compares with it). */
export function yearBefore(period: string): string {
  return `${Number(period.slice(0, 4)) - 1}${period.slice(4)}`;
}

/**
 * The period a monthly report for `month` shows for a measure: the latest one of its frequency
 * that has ended by the month's end (November's report shows Q3, the first half, last year).
 */
export function reportPeriodFor(frequency: Frequency, month: string): string {
  const lastDay = gridEndDay(month);
  const p = measurePeriodOf(frequency, lastDay);
  return measurePeriodEnd(p) === lastDay ? p : previousPeriod(p);
}
