import {
  DAY_MS,
  MINUTE_MS,
  addDays,
  civilFromDays,
  dayNumberToDayKey,
  daysInMonth,
  localToUtc,
  zoneOffsetMs,
} from '../calendar/zone.ts';
import { localDayMemo } from '../calendar/day-cache.ts';
import { addVisit, emptyCallCounts, type CallCounts, type CountOptions } from './kpis.ts';
import type { CallVisit } from './visit.ts';

/**
 * Periods of the call figures (METRICS.md §3, "Intra-day"): 15, 30 or 60 minute intervals, local
 * days and months, all by arrival time in the calendar's zone. Pure: no clock, no IO.
 */
export type CallGrain = 'interval' | 'day' | 'month';
export const intervalLengths = [15, 30, 60] as const;
export type IntervalMinutes = (typeof intervalLengths)[number];

/**
 * Start (UTC ms) of the local interval holding `ms`: the local wall time floored to the interval
 * length. On the autumn change the repeated hour gives two sets of intervals with the same local
 * clock labels and different offsets; on the spring change the skipped hour has none.
 */
export function intervalStart(zone: string, ms: number, minutes: number): number {
  const offset = zoneOffsetMs(zone, ms);
  const len = minutes * MINUTE_MS;
  return Math.floor((ms + offset) / len) * len - offset;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** 'YYYY-MM-DDTHH:MM±HH:MM': the local wall time of an instant with its offset (unique across clock changes). */
export function localIsoMinute(zone: string, ms: number): string {
  const offset = zoneOffsetMs(zone, ms);
  const wall = ms + offset;
  const dayNo = Math.floor(wall / DAY_MS);
  const minuteOfDay = Math.floor((wall - dayNo * DAY_MS) / MINUTE_MS);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset) / MINUTE_MS;
  return `${dayNumberToDayKey(dayNo)}T${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** UTC ms of local midnight starting `dayKey` in `zone`. */
export function dayStartMs(zone: string, dayKey: string): number {
  const [y, m, d] = dayKey.split('-').map(Number) as [number, number, number];
  return localToUtc(zone, y, m, d, 0);
}

/** [start, end) UTC ms of a local day ('YYYY-MM-DD') or month ('YYYY-MM'). */
export function periodBounds(zone: string, period: string): [number, number] {
  if (period.length === 7) {
    const first = `${period}-01`;
    return [dayStartMs(zone, first), dayStartMs(zone, nextMonth(period) + '-01')];
  }
  return [dayStartMs(zone, period), dayStartMs(zone, addDays(period, 1))];
}

export function nextMonth(month: string): string {
  return addDays(`${month}-28`, 4).slice(0, 7);
}

/** Every local day of a month, as 'YYYY-MM-DD'. */
export function daysOfMonth(month: string): string[] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return Array.from({ length: daysInMonth(y, m) }, (_, i) => `${month}-${pad(i + 1)}`);
}

/** Interval starts (UTC ms) covering the local days `fromDay`..`toDay` inclusive. */
export function intervalStartsBetween(zone: string, fromDay: string, toDay: string, minutes: number): number[] {
  const end = dayStartMs(zone, addDays(toDay, 1));
  const out: number[] = [];
  for (let t = dayStartMs(zone, fromDay); t < end; ) {
    out.push(t);
    // The next interval is the one holding the instant one length later (re-floored, so a
    // clock change inside the step lands on a proper local boundary).
    t = intervalStart(zone, t + minutes * MINUTE_MS, minutes);
  }
  return out;
}

export type AccumulatorOptions = {
  zone: string;
  grain: CallGrain;
  /** Interval length for grain `interval` (15, 30 or 60). */
  intervalMinutes?: number;
  count: CountOptions;
  /** Keep a slice per queue (dims {queue}) besides the all-queues slice. */
  byQueue?: boolean;
};

export type PeriodCounts = { period: string; start: number; queue: string | null; counts: CallCounts };

/**
 * Sums visits into counts per period (by arrival) and per queue, plus all queues together
 * (`queue: null`). Periods are integer keys inside the loop; the local day of an instant is
 * memoised per quarter hour (zone offsets change on quarter hours at most).
 */
export function createCallAccumulator(o: AccumulatorOptions) {
  const minutes = o.intervalMinutes ?? 15;
  const cells = new Map<string | null, Map<number, CallCounts>>();
  const localDay = localDayMemo(o.zone);
  const periodOf = (ms: number): number => {
    if (o.grain === 'interval') return intervalStart(o.zone, ms, minutes);
    const d = localDay(ms);
    if (o.grain === 'day') return d;
    const [y, m] = civilFromDays(d);
    return y * 12 + m - 1;
  };
  const bump = (queue: string | null, period: number, v: CallVisit) => {
    let byPeriod = cells.get(queue);
    if (!byPeriod) cells.set(queue, (byPeriod = new Map()));
    let c = byPeriod.get(period);
    if (!c) byPeriod.set(period, (c = emptyCallCounts()));
    addVisit(c, v, o.count);
  };
  const label = (period: number): [string, number] => {
    if (o.grain === 'interval') return [localIsoMinute(o.zone, period), period];
    if (o.grain === 'day') {
      const key = dayNumberToDayKey(period);
      return [key, dayStartMs(o.zone, key)];
    }
    const key = `${Math.floor(period / 12)}-${pad((period % 12) + 1)}`;
    return [key, dayStartMs(o.zone, `${key}-01`)];
  };
  return {
    add(v: CallVisit) {
      const p = periodOf(v.arrivedAt);
      bump(null, p, v);
      if (o.byQueue) bump(v.queue, p, v);
    },
    /** Every (period, queue) that received a visit, in period then queue order (all queues first). */
    rows(): PeriodCounts[] {
      const out: PeriodCounts[] = [];
      for (const [queue, byPeriod] of cells) {
        for (const [p, counts] of byPeriod) {
          const [period, start] = label(p);
          out.push({ period, start, queue, counts });
        }
      }
      return out.sort((a, b) => a.start - b.start || (a.queue === null ? -1 : b.queue === null ? 1 : a.queue.localeCompare(b.queue)));
    },
  };
}

/**
 * Open days of a list of local days (METRICS.md §3, `callsPerDay`): a day the contact centre's
 * calendar opens, or a day on which contacts arrived anyway (the centre evidently worked it).
 */
export function countOpenDays(days: readonly string[], isCalendarOpen: (day: string) => boolean, hadContacts: (day: string) => boolean): number {
  let n = 0;
  for (const d of days) if (isCalendarOpen(d) || hadContacts(d)) n += 1;
  return n;
}

/** The local days of a day or month period, cut at `today` (a month in progress counts the days so far). */
export function daysOfPeriod(period: string, today: string): string[] {
  const days = period.length === 7 ? daysOfMonth(period) : [period];
  return days.filter((d) => d <= today);
}
