/**
 * Working-day arithmetic for casework clocks (METRICS.md §6), on top of a business calendar:
 * a working day is a local day on which the calendar has any open time. Pure: day keys in,
 * day keys out; no clock, no IO.
 */
import type { BusinessCalendar } from '../calendar/calendar.ts';
import { addDays, dayKeyFromParts, daysInMonth, parseDayKey } from '../calendar/zone.ts';
import { goodFridays } from './holidays.ts';

/** How far a walk looks before declaring a calendar without working days (a misconfiguration). */
const MAX_DAYS = 4000;

/** Christmas Day and Good Friday are never working days (common-law holidays), whatever a calendar says. */
export function isNeverWorking(day: string): boolean {
  return day.slice(5) === '12-25' || goodFridays.has(day);
}

/** True when `day` (local 'YYYY-MM-DD') is a working day of the calendar (METRICS.md §6). */
export function isWorkingDay(calendar: BusinessCalendar, day: string): boolean {
  return !isNeverWorking(day) && calendar.isOpenDay(day);
}

/** `day` itself when it is a working day, else the next working day after it. */
export function onOrNextWorkingDay(calendar: BusinessCalendar, day: string): string {
  let d = day;
  for (let i = 0; i < MAX_DAYS; i++, d = addDays(d, 1)) if (isWorkingDay(calendar, d)) return d;
  throw new RangeError(`calendar ${calendar.id} has no working day in ${MAX_DAYS} days from ${day}`);
}

/**
 * Day N of a working-day clock (METRICS.md §6): `day0` is day 0 whatever it is; day 1 is the
 * first working day after it, day N the Nth. Days for which `disregard` is true (a fee pause)
 * are not counted. N = 0 is `day0`.
 */
export function addWorkingDays(calendar: BusinessCalendar, day0: string, n: number, disregard?: (day: string) => boolean): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0 (got ${n})`);
  let d = day0;
  let counted = 0;
  for (let i = 0; counted < n; i++) {
    if (i > MAX_DAYS + n * 7) throw new RangeError(`calendar ${calendar.id} has too few working days after ${day0}`);
    d = addDays(d, 1);
    if (isWorkingDay(calendar, d) && !disregard?.(d)) counted += 1;
  }
  return d;
}

/** Working days d with `after` < d ≤ `upTo` (not counting disregarded ones); 0 when upTo ≤ after. */
export function workingDaysBetween(calendar: BusinessCalendar, after: string, upTo: string, disregard?: (day: string) => boolean): number {
  let n = 0;
  for (let d = addDays(after, 1), i = 0; d <= upTo; d = addDays(d, 1), i++) {
    if (i > 50_000) throw new RangeError(`working days between ${after} and ${upTo}: range too long`);
    if (isWorkingDay(calendar, d) && !disregard?.(d)) n += 1;
  }
  return n;
}

/**
 * The corresponding date `months` calendar months after `day` (METRICS.md §6, ICO guidance on
 * the right of access): the same day of the month, or the month's last day when it has no such
 * date (31 March + 1 month → 30 April). Not yet moved to a working day.
 */
export function addCalendarMonths(day: string, months: number): string {
  const p = parseDayKey(day);
  if (!p) throw new RangeError(`not a date: ${day}`);
  const index = p[0] * 12 + (p[1] - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return dayKeyFromParts(year, month, Math.min(p[2], daysInMonth(year, month)));
}
