/**
 * Time-zone arithmetic for business calendars (METRICS.md §1). Pure: no clock, no IO.
 *
 * Two kinds of values meet here:
 * - instants: UTC epoch milliseconds;
 * - local "wall" times: the same number space, but read as if the local clock were UTC
 *   (`daysFromCivil(y, m, d) * DAY_MS + ms of day`). A zone offset is `wall - instant`.
 *
 * Offsets come from `Intl.DateTimeFormat#formatToParts` (one cached formatter per zone), so any
 * IANA zone known to the runtime works. Date strings ('YYYY-MM-DD') are handled with integer
 * days-from-civil arithmetic, never with Date objects.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Civil-date arithmetic (proleptic Gregorian, H. Hinnant's days_from_civil / civil_from_days)
// ---------------------------------------------------------------------------------------------

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // [0, 399]
  const mp = (month + 9) % 12; // March = 0
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1; // [0, 365]
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // [0, 146096]
  return era * 146097 + doe - 719468;
}

/** Inverse of {@link daysFromCivil}: [year, month 1..12, day]. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day];
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True for a real calendar date (integers, month 1..12, day within the month). */
export function isValidDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** 'YYYY-MM-DD' from parts (no validation beyond formatting). */
export function dayKeyFromParts(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

const DAY_KEY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a 'YYYY-MM-DD' key; null when malformed or not a real date. */
export function parseDayKey(dayKey: string): [number, number, number] | null {
  const m = DAY_KEY_RE.exec(dayKey);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return isValidDate(y, mo, d) ? [y, mo, d] : null;
}

export function isDayKey(value: string): boolean {
  return parseDayKey(value) !== null;
}

/** Day number (days since 1970-01-01) of a 'YYYY-MM-DD' key; throws on an invalid key. */
export function dayKeyToDayNumber(dayKey: string): number {
  const parts = parseDayKey(dayKey);
  if (!parts) throw new RangeError(`Invalid day key '${dayKey}' (expected a real date YYYY-MM-DD)`);
  return daysFromCivil(parts[0], parts[1], parts[2]);
}

export function dayNumberToDayKey(dayNumber: number): string {
  const [y, m, d] = civilFromDays(dayNumber);
  return dayKeyFromParts(y, m, d);
}

/** The day key `n` days after (or before, n < 0) `dayKey`. */
export function addDays(dayKey: string, n: number): string {
  return dayNumberToDayKey(dayKeyToDayNumber(dayKey) + n);
}

/** Weekday of a day number: 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOfDayNumber(dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7;
}

/** Weekday of a 'YYYY-MM-DD' key: 0 = Monday … 6 = Sunday. */
export function weekdayOf(dayKey: string): number {
  return weekdayOfDayNumber(dayKeyToDayNumber(dayKey));
}

// ---------------------------------------------------------------------------------------------
// Zone offsets
// ---------------------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    // Throws RangeError for an unknown zone. The default (gregory) calendar is proleptic in V8;
    // the era lets years before 1 CE round-trip.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      numberingSystem: 'latn',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when `zone` is an IANA zone (or alias) the runtime knows. */
export function isValidZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.length === 0) return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

// `format` is several times faster than `formatToParts`; its en-US shape ("3/30/2025 AD,
// 01:59:59") is parsed directly and any other shape falls back to formatToParts.
const FORMATTED_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{1,6}) (AD|BC), (\d{2}):(\d{2}):(\d{2})$/;

/** Local wall time (ms, read as UTC) of an instant; second precision, sub-second kept. */
function wallOf(zone: string, ms: number): number {
  const fmt = formatterFor(zone);
  const subSecond = ms - Math.floor(ms / 1000) * 1000;
  const f = FORMATTED_RE.exec(fmt.format(ms));
  if (f) {
    const y = Number(f[3]);
    return (
      daysFromCivil(f[4] === 'BC' ? 1 - y : y, Number(f[1]), Number(f[2])) * DAY_MS +
      Number(f[5]) * HOUR_MS +
      Number(f[6]) * MINUTE_MS +
      Number(f[7]) * 1000 +
      subSecond
    );
  }
  return wallFromParts(fmt, ms, subSecond);
}

function wallFromParts(fmt: Intl.DateTimeFormat, ms: number, subSecond: number): number {
  const parts = fmt.formatToParts(ms);
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        year = Number(p.value);
        break;
      case 'month':
        month = Number(p.value);
        break;
      case 'day':
        day = Number(p.value);
        break;
      case 'hour':
        hour = Number(p.value);
        break;
      case 'minute':
        minute = Number(p.value);
        break;
      case 'second':
        second = Number(p.value);
        break;
      case 'era':
        bc = p.value.startsWith('B');
        break;
      default:
        break;
    }
  }
  if (bc) year = 1 - year;
  return daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * 1000 + subSecond;
}

// Offsets change a few times a year, yet ingest and compute ask for them millions of times
// (each `Intl.DateTimeFormat#format` costs microseconds). So each zone keeps the offset of every
// UTC hour it has been asked about, when the offset is the same at the hour's first and last
// millisecond; an hour holding a transition (or, for historic zones, several) is never cached
// and is answered exactly each time. Bounded: a zone's map is cleared past OFFSET_CACHE_HOURS.
const OFFSET_CACHE_HOURS = 200_000; // ~23 years of distinct hours per zone
const TRANSITION_HOUR = Number.NaN;
const hourOffsets = new Map<string, Map<number, number>>();

function exactOffsetMs(zone: string, ms: number): number {
  return wallOf(zone, ms) - ms;
}

/** Offset (local wall − UTC) in ms in force at instant `ms` in `zone`. */
export function zoneOffsetMs(zone: string, ms: number): number {
  const hour = Math.floor(ms / HOUR_MS);
  let hours = hourOffsets.get(zone);
  if (hours === undefined) {
    hours = new Map();
    hourOffsets.set(zone, hours);
  }
  const cached = hours.get(hour);
  if (cached !== undefined) return Number.isNaN(cached) ? exactOffsetMs(zone, ms) : cached;
  const start = hour * HOUR_MS;
  const atStart = exactOffsetMs(zone, start);
  const atEnd = exactOffsetMs(zone, start + HOUR_MS - 1);
  if (hours.size >= OFFSET_CACHE_HOURS) hours.clear();
  hours.set(hour, atStart === atEnd ? atStart : TRANSITION_HOUR);
  return atStart === atEnd ? atStart : exactOffsetMs(zone, ms);
}

interface WallResolution {
  ms: number;
  ambiguous: boolean;
  nonexistent: boolean;
}

/**
 * Resolves a local wall time to an instant: a wall time in a spring-forward gap maps to the
 * transition instant (the first instant that exists after it); one in a repeated hour maps to
 * its first occurrence.
 */
function resolveWall(zone: string, wall: number): WallResolution {
  const before = zoneOffsetMs(zone, wall - DAY_MS);
  const after = zoneOffsetMs(zone, wall + DAY_MS);
  // Fast path (almost every call): the same offset a day either side and at the candidate.
  if (before === after && zoneOffsetMs(zone, wall - before) === before) {
    return { ms: wall - before, ambiguous: false, nonexistent: false };
  }
  const offsets = new Set<number>([before, after, zoneOffsetMs(zone, wall - before), zoneOffsetMs(zone, wall - after)]);
  const valid: number[] = [];
  for (const o of offsets) {
    const t = wall - o;
    if (zoneOffsetMs(zone, t) === o && !valid.includes(t)) valid.push(t);
  }
  if (valid.length > 0) {
    valid.sort((x, y) => x - y);
    return { ms: valid[0]!, ambiguous: valid.length > 1, nonexistent: false };
  }
  // Gap: the wall time is skipped. Every candidate `wall - o` lies between the instants just
  // before and just after the transition; binary-search the first instant with the later offset.
  const candidates = [...offsets].map((o) => wall - o);
  let lo = Math.min(...candidates);
  let hi = Math.max(...candidates);
  const loOffset = zoneOffsetMs(zone, lo);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zoneOffsetMs(zone, mid) === loOffset) lo = mid;
    else hi = mid;
  }
  return { ms: hi, ambiguous: false, nonexistent: true };
}

function checkLocalArgs(year: number, month: number, day: number, minuteOfDay: number): void {
  if (!isValidDate(year, month, day)) {
    throw new RangeError(`Invalid local date ${year}-${month}-${day}`);
  }
  if (!Number.isInteger(minuteOfDay) || minuteOfDay < 0 || minuteOfDay > 1440) {
    throw new RangeError(`Invalid minute of day ${minuteOfDay} (expected an integer 0..1440)`);
  }
}

/**
 * UTC epoch ms of a local date and minute of day (0..1440; 1440 = 00:00 of the next day) in
 * `zone` (METRICS.md §1): a nonexistent local time moves forward to the transition instant, an
 * ambiguous one takes its first occurrence.
 */
export function localToUtc(zone: string, year: number, month: number, day: number, minuteOfDay: number): number {
  checkLocalArgs(year, month, day, minuteOfDay);
  return resolveWall(zone, daysFromCivil(year, month, day) * DAY_MS + minuteOfDay * MINUTE_MS).ms;
}

/** True when the local time occurs twice in `zone` (the repeated hour of an autumn change). */
export function isAmbiguousLocal(zone: string, year: number, month: number, day: number, minuteOfDay: number): boolean {
  checkLocalArgs(year, month, day, minuteOfDay);
  return resolveWall(zone, daysFromCivil(year, month, day) * DAY_MS + minuteOfDay * MINUTE_MS).ambiguous;
}

/** True when the local time is skipped in `zone` (the gap of a spring change). */
export function isNonexistentLocal(zone: string, year: number, month: number, day: number, minuteOfDay: number): boolean {
  checkLocalArgs(year, month, day, minuteOfDay);
  return resolveWall(zone, daysFromCivil(year, month, day) * DAY_MS + minuteOfDay * MINUTE_MS).nonexistent;
}

/** Local day number (days since 1970-01-01) of an instant in `zone`. */
export function localDayNumber(zone: string, ms: number): number {
  return Math.floor((ms + zoneOffsetMs(zone, ms)) / DAY_MS);
}

/** 'YYYY-MM-DD' local date of an instant in `zone` (METRICS.md: periods are local). */
export function localDayKey(zone: string, ms: number): string {
  return dayNumberToDayKey(localDayNumber(zone, ms));
}

/** 'YYYY-MM' local month of an instant in `zone`. */
export function localMonthKey(zone: string, ms: number): string {
  return localDayKey(zone, ms).slice(0, 7);
}

// ---------------------------------------------------------------------------------------------
// Timestamp parsing
// ---------------------------------------------------------------------------------------------

const TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:(?:T|t| )(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:(Z|z)|([+-])(\d{2}):?(\d{2}))?)?$/;

export interface ParsedTimestamp {
  ms: number;
  /** True when the timestamp is naive and falls in a repeated (autumn) hour; first occurrence taken. */
  ambiguous: boolean;
}

/**
 * Parses an ISO 8601 timestamp (METRICS.md §1–2): `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff]]`
 * or with a space instead of `T`, optionally followed by `Z` or `±HH:MM` / `±HHMM`. Naive
 * timestamps are read in `zone` (gap → moved forward, repeated hour → first occurrence and
 * flagged). Returns null for anything unreadable or not a real date/time. Hour 24 and leap
 * seconds are rejected; fractions beyond milliseconds are truncated.
 */
export function parseTimestamp(text: string, zone: string): ParsedTimestamp | null {
  if (typeof text !== 'string') return null;
  const m = TIMESTAMP_RE.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (!isValidDate(year, month, day)) return null;
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  if (hour > 23 || minute > 59 || second > 59) return null;
  const wall = daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * 1000 + millis;
  if (m[8] !== undefined) return { ms: wall, ambiguous: false };
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    const offset = (m[9] === '-' ? -1 : 1) * (oh * HOUR_MS + om * MINUTE_MS);
    return { ms: wall - offset, ambiguous: false };
  }
  // An unknown zone is a configuration error, not bad data: formatterFor throws RangeError.
  const r = resolveWall(zone, wall);
  return { ms: r.ms, ambiguous: r.ambiguous };
}
