/** Service-desk clock of the demo ticket feed: local seconds and business time without a Date or zone (pure). */
import { englandAndWalesBankHolidays } from '../calendar/defaults.ts';
import { dayKeyToDayNumber, dayNumberToDayKey } from '../calendar/zone.ts';

export const DAY = 86_400;
export const parseDayKey = dayKeyToDayNumber;

export const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export const dayKey = dayNumberToDayKey;

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Local seconds (day · 86400 + second of day) as `YYYY-MM-DD HH:MM:SS`. */
export function formatLocal(t: number): string {
  const day = Math.floor(t / DAY);
  const s = t - day * DAY;
  return `${dayKey(day)} ${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

export function parseLocal(text: string): number {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`not a local timestamp: ${JSON.stringify(text)}`);
  return parseDayKey(match[1] as string) * DAY + Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]);
}

export function parseTimeOfDay(text: string): number {
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  const h = Number(match?.[1]);
  const m = Number(match?.[2]);
  const s = Number(match?.[3] ?? 0);
  if (!match || h > 23 || m > 59 || s > 59) throw new RangeError(`not a time of day: ${JSON.stringify(text)}`);
  return h * 3600 + m * 60 + s;
}

// ---------------------------------------------------------------------------------------------
// Calendar: England & Wales bank holidays (the service-desk calendar's) and its opening hours.

export const BANK_HOLIDAYS = new Set(englandAndWalesBankHolidays.map(parseDayKey));

export const OPEN = 8 * 3600 + 40 * 60; // 08:40
export const CLOSE = 17 * 3600; // Mon–Thu 17:00
export const CLOSE_FRIDAY = 16 * 3600 + 30 * 60; // Fri 16:30

export function isWorkingDay(day: number): boolean {
  const wd = weekday(day);
  return wd >= 1 && wd <= 5 && !BANK_HOLIDAYS.has(day);
}

/** The service desk's open span on a day, in seconds of the day, or null when closed. */
export function openSpan(day: number): readonly [number, number] | null {
  if (!isWorkingDay(day)) return null;
  return [OPEN, weekday(day) === 5 ? CLOSE_FRIDAY : CLOSE];
}

export const MAX_WALK_DAYS = 3650;

/** Walks `seconds` of service-desk business time forward from local instant `t`. */
export function addBusinessSeconds(t: number, seconds: number): number {
  let remaining = seconds;
  let at = t;
  for (let i = 0; i < MAX_WALK_DAYS; i++) {
    const day = Math.floor(at / DAY);
    const span = openSpan(day);
    if (span) {
      const start = Math.max(at, day * DAY + span[0]);
      const end = day * DAY + span[1];
      if (start < end || (start === end && remaining === 0)) {
        if (remaining <= end - start) return start + remaining;
        remaining -= end - start;
      }
    }
    at = (day + 1) * DAY;
  }
  throw new RangeError('addBusinessSeconds: duration too long');
}

/** Service-desk business seconds in [a, b) of local instants. */
export function businessSecondsBetween(a: number, b: number): number {
  let total = 0;
  for (let day = Math.floor(a / DAY); day * DAY < b; day++) {
    const span = openSpan(day);
    if (!span) continue;
    const start = Math.max(a, day * DAY + span[0]);
    const end = Math.min(b, day * DAY + span[1]);
    if (end > start) total += end - start;
  }
  return total;
}

/**
 * Business minutes of the demo's service-desk calendar (Mon–Thu 08:40–17:00, Fri 08:40–16:30,
 * England & Wales bank holidays closed) between two local timestamps `YYYY-MM-DD HH:MM:SS`.
 * The generator's own approximation of METRICS.md §1, exposed for tests.
 */
export function demoBusinessMinutesBetween(from: string, to: string): number {
  return businessSecondsBetween(parseLocal(from), parseLocal(to)) / 60;
}

/** The working day `n` working days after `day`. */
export function addWorkingDays(day: number, n: number): number {
  let d = day;
  for (let left = n; left > 0; ) {
    d++;
    if (isWorkingDay(d)) left--;
  }
  return d;
}

