/**
 * Business calendars and business-time arithmetic (METRICS.md §1). Pure: no clock, no IO.
 *
 * Each local day's open spans are converted to UTC epoch-ms once (the only place that touches
 * Intl) and cached by day number; businessMs / addBusinessMs / nextOpening then walk cached
 * days with integer arithmetic (ARCHITECTURE.md, "Time").
 */
import { z } from 'zod';
import {
  DAY_MS,
  MINUTE_MS,
  civilFromDays,
  dayKeyToDayNumber,
  dayNumberToDayKey,
  isDayKey,
  isValidZone,
  localToUtc,
  weekdayOfDayNumber,
  zoneOffsetMs,
} from './zone.ts';

// ---------------------------------------------------------------------------------------------
// Spec schema
// ---------------------------------------------------------------------------------------------

const SPAN_RE = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/** [startMinute, endMinute] of a 'HH:MM-HH:MM' span (end may be 24:00), or null if invalid. */
export function parseSpan(text: string): [number, number] | null {
  const m = SPAN_RE.exec(text);
  if (!m) return null;
  const sh = Number(m[1]);
  const sm = Number(m[2]);
  const eh = Number(m[3]);
  const em = Number(m[4]);
  if (sh > 23 || sm > 59 || em > 59 || eh > 24 || (eh === 24 && em !== 0)) return null;
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  return start < end ? [start, end] : null;
}

const spanSchema = z
  .string()
  .refine((s) => parseSpan(s) !== null, {
    message: "expected a span 'HH:MM-HH:MM' with start < end (end may be 24:00)",
  });

const spanListSchema = z.array(spanSchema).superRefine((spans, ctx) => {
  const parsed = spans.map(parseSpan).filter((p): p is [number, number] => p !== null);
  parsed.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < parsed.length; i++) {
    if (parsed[i]![0] < parsed[i - 1]![1]) {
      ctx.addIssue({ code: 'custom', message: `spans overlap: ${spans.join(', ')}` });
      return;
    }
  }
});

const dayKeySchema = z.string().refine(isDayKey, { message: 'expected a real date YYYY-MM-DD' });

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const calendarSpecSchema = z.strictObject({
  id: z.string().min(1),
  zone: z.string().refine(isValidZone, { message: 'unknown IANA time zone' }),
  weekly: z.strictObject({
    mon: spanListSchema.optional(),
    tue: spanListSchema.optional(),
    wed: spanListSchema.optional(),
    thu: spanListSchema.optional(),
    fri: spanListSchema.optional(),
    sat: spanListSchema.optional(),
    sun: spanListSchema.optional(),
  }),
  /** Local dates on which the calendar is closed all day (public holidays). */
  closed: z.array(dayKeySchema).optional(),
  /** Local dates with their own spans, replacing the weekly ones; `[]` = closed that day. */
  overrides: z.record(dayKeySchema, spanListSchema).optional(),
});

export type CalendarSpec = z.infer<typeof calendarSpecSchema>;

// ---------------------------------------------------------------------------------------------
// Compiled calendar
// ---------------------------------------------------------------------------------------------

export type Span = readonly [number, number];

export interface Segment {
  start: number;
  end: number;
  open: boolean;
}

interface DayInfo {
  /** UTC instant of local 00:00 (first occurrence / after a gap). */
  start: number;
  /** UTC instant of local 24:00 (= next day's start). */
  end: number;
  spans: ReadonlyArray<Span>;
}

/** How far nextOpening / addBusinessMs look ahead before declaring a calendar never open. */
const MAX_CLOSED_DAYS = 400;

const EMPTY: ReadonlyArray<Span> = Object.freeze([]);

function toMinuteSpans(spans: readonly string[]): Array<[number, number]> {
  return spans.map((s) => parseSpan(s)!).sort((a, b) => a[0] - b[0]);
}

function checkInstant(fn: string, t: number): void {
  if (!Number.isFinite(t)) throw new RangeError(`${fn}: instant must be a finite epoch-ms number (got ${t})`);
}

export class BusinessCalendar {
  readonly id: string;
  readonly zone: string;
  readonly spec: CalendarSpec;
  private readonly weekly: ReadonlyArray<ReadonlyArray<[number, number]>>;
  private readonly closed: ReadonlySet<number>;
  private readonly overrides: ReadonlyMap<number, ReadonlyArray<[number, number]>>;
  private readonly days = new Map<number, DayInfo>();
  private readonly starts = new Map<number, number>();

  constructor(spec: CalendarSpec) {
    this.spec = spec;
    this.id = spec.id;
    this.zone = spec.zone;
    this.weekly = WEEKDAYS.map((d) => toMinuteSpans(spec.weekly[d] ?? []));
    this.closed = new Set((spec.closed ?? []).map(dayKeyToDayNumber));
    this.overrides = new Map(
      Object.entries(spec.overrides ?? {}).map(([k, v]) => [dayKeyToDayNumber(k), toMinuteSpans(v)] as const),
    );
  }

  /** UTC instant of local 00:00 of a day (cached: each boundary is shared by two days). */
  private dayStart(dayNumber: number): number {
    let t = this.starts.get(dayNumber);
    if (t === undefined) {
      const [y, m, d] = civilFromDays(dayNumber);
      t = localToUtc(this.zone, y, m, d, 0);
      this.starts.set(dayNumber, t);
    }
    return t;
  }

  /** The cached day record for a local day number; computed (with Intl) on first use only. */
  private day(dayNumber: number): DayInfo {
    const hit = this.days.get(dayNumber);
    if (hit) return hit;
    const [y, m, d] = civilFromDays(dayNumber);
    const start = this.dayStart(dayNumber);
    const end = this.dayStart(dayNumber + 1);
    // An override beats a closed date, so a site can open on a public holiday.
    const minuteSpans =
      this.overrides.get(dayNumber) ??
      (this.closed.has(dayNumber) ? [] : this.weekly[weekdayOfDayNumber(dayNumber)]!);
    let spans: ReadonlyArray<Span> = EMPTY;
    if (minuteSpans.length > 0) {
      // A 24 h day with the same offset at midday has no clock change: its local minutes map
      // linearly onto UTC, so Intl is only needed for the rare clock-change days.
      const linear =
        end - start === DAY_MS && zoneOffsetMs(this.zone, start + DAY_MS / 2) === dayNumber * DAY_MS - start;
      const out: Array<[number, number]> = [];
      for (const [sMin, eMin] of minuteSpans) {
        const s = linear ? start + sMin * MINUTE_MS : localToUtc(this.zone, y, m, d, sMin);
        const e = linear ? start + eMin * MINUTE_MS : localToUtc(this.zone, y, m, d, eMin);
        if (e <= s) continue; // wholly inside a spring-forward gap
        const last = out[out.length - 1];
        if (last && s <= last[1]) last[1] = Math.max(last[1], e); // touching spans merge
        else out.push([s, e]);
      }
      spans = Object.freeze(out.map((p) => Object.freeze([p[0], p[1]] as const)));
    }
    const info: DayInfo = { start, end, spans };
    this.days.set(dayNumber, info);
    return info;
  }

  /**
   * Local day number containing instant `t`. The local day is within one of the UTC day, so
   * this only compares against cached day bounds: no Intl once the days are cached.
   */
  private dayNumberOf(t: number): number {
    let d = Math.floor(t / DAY_MS);
    while (t < this.dayStart(d)) d--;
    while (t >= this.dayStart(d + 1)) d++;
    return d;
  }

  /** UTC [start, end) open spans of a local day 'YYYY-MM-DD' (METRICS.md §1); [] when closed. */
  daySpans(dayKey: string): ReadonlyArray<Span> {
    return this.day(dayKeyToDayNumber(dayKey)).spans;
  }

  /** True when the local day has any open time. */
  isOpenDay(dayKey: string): boolean {
    return this.daySpans(dayKey).length > 0;
  }

  /** Local 'YYYY-MM-DD' of an instant in this calendar's zone. */
  dayKeyOf(t: number): string {
    return dayNumberToDayKey(this.dayNumberOf(t));
  }

  /** True when `t` lies inside an open span [start, end). */
  isOpen(t: number): boolean {
    checkInstant('isOpen', t);
    for (const [s, e] of this.day(this.dayNumberOf(t)).spans) {
      if (t < s) return false;
      if (t < e) return true;
    }
    return false;
  }

  /** Business time (ms) in [a, b): total overlap with open spans (METRICS.md §1); 0 if b <= a. */
  businessMs(a: number, b: number): number {
    checkInstant('businessMs', a);
    checkInstant('businessMs', b);
    if (b <= a) return 0;
    let total = 0;
    for (let d = this.dayNumberOf(a); ; d++) {
      const info = this.day(d);
      const spans = info.spans;
      for (let i = 0; i < spans.length; i++) {
        const s = spans[i]![0];
        const e = spans[i]![1];
        if (s >= b) return total;
        if (e <= a) continue;
        total += (e < b ? e : b) - (s > a ? s : a);
      }
      if (info.end >= b) return total;
    }
  }

  /**
   * `t` itself when inside an open span, else the start of the next span. Throws when the
   * calendar has no open time within 400 days (a calendar that is never open).
   */
  nextOpening(t: number): number {
    return this.addBusinessMs(t, 0);
  }

  /**
   * The instant at which `ms` business milliseconds have elapsed from `start` (METRICS.md §1).
   * A start outside open hours first moves to the next opening. When the time runs out exactly
   * at a span's end, that span end is returned (not the next opening). ms = 0 returns `start`
   * if it is inside a span, else the next opening.
   */
  addBusinessMs(start: number, ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`addBusinessMs: ms must be a finite number >= 0 (got ${ms})`);
    }
    checkInstant('addBusinessMs', start);
    let remaining = ms;
    let closedDays = 0;
    for (let d = this.dayNumberOf(start); ; d++) {
      const spans = this.day(d).spans;
      let used = false;
      for (let i = 0; i < spans.length; i++) {
        const s = spans[i]![0];
        const e = spans[i]![1];
        if (e <= start) continue;
        used = true;
        const from = s > start ? s : start;
        const avail = e - from;
        if (remaining <= avail) return from + remaining;
        remaining -= avail;
      }
      if (used) closedDays = 0;
      else if (++closedDays > MAX_CLOSED_DAYS) {
        throw new Error(
          `Calendar '${this.id}' has no open time in the ${MAX_CLOSED_DAYS} days from ` +
            `${dayNumberToDayKey(d - MAX_CLOSED_DAYS)}: it is never open`,
        );
      }
    }
  }

  /**
   * Open and closed segments covering [a, b) in order, alternating (adjacent open spans,
   * including across midnight, are merged). [] when b <= a.
   */
  segments(a: number, b: number): Segment[] {
    checkInstant('segments', a);
    checkInstant('segments', b);
    const out: Segment[] = [];
    if (b <= a) return out;
    const push = (start: number, end: number, open: boolean): void => {
      if (end <= start) return;
      const last = out[out.length - 1];
      if (last && last.open === open && last.end === start) last.end = end;
      else out.push({ start, end, open });
    };
    let cursor = a;
    for (let d = this.dayNumberOf(a); cursor < b; d++) {
      const info = this.day(d);
      for (const [s, e] of info.spans) {
        if (s >= b) break;
        if (e <= cursor) continue;
        const from = s > cursor ? s : cursor;
        const to = e < b ? e : b;
        push(cursor, from, false);
        push(from, to, true);
        cursor = to;
      }
      if (info.end >= b) break;
    }
    push(cursor, b, false);
    return out;
  }
}

/** Validates a spec (throws a ZodError naming the problem) and compiles it (METRICS.md §1). */
export function compileCalendar(spec: CalendarSpec): BusinessCalendar {
  return new BusinessCalendar(calendarSpecSchema.parse(spec));
}
