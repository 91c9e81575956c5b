import { describe, expect, it } from 'vitest';
import {
  type CalendarSpec,
  addDays,
  compileCalendar,
  daysFromCivil,
  dayKeyFromParts,
  defaultCalendars,
  englandAndWalesBankHolidays,
  getCompiledDefaultCalendar,
  getDefaultCalendar,
  localToUtc,
  weekdayOf,
} from '../../src/calendar/index.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const LON = 'Europe/London';
const at = (iso: string): number => Date.parse(iso);
/** London local wall time -> UTC ms. */
const lon = (y: number, mo: number, d: number, h: number, mi = 0): number => localToUtc(LON, y, mo, d, h * 60 + mi);

const serviceDesk = compileCalendar(getDefaultCalendar('service-desk')!);
const always = compileCalendar(getDefaultCalendar('always')!);
const minutes = (a: number, b: number): number => serviceDesk.businessMs(a, b) / MIN;

const everyDay = (spans: string[]): CalendarSpec['weekly'] => ({
  mon: spans,
  tue: spans,
  wed: spans,
  thu: spans,
  fri: spans,
  sat: spans,
  sun: spans,
});

describe('service-desk businessMs', () => {
  it('skips a weekend', () => {
    // Fri 2025-03-14 16:00 -> 16:30 close = 30; Sat, Sun closed; Mon 08:40 -> 09:40 = 60; 30 + 60 = 90
    expect(minutes(lon(2025, 3, 14, 16), lon(2025, 3, 17, 9, 40))).toBe(90);
  });

  it('skips Good Friday and Easter Monday 2025', () => {
    // Thu 2025-04-17 16:00 -> 17:00 = 60; Fri 18 (Good Friday), Sat, Sun, Mon 21 (Easter Monday) closed;
    // Tue 22 08:40 -> 09:40 = 60; 60 + 60 = 120
    expect(minutes(lon(2025, 4, 17, 16), lon(2025, 4, 22, 9, 40))).toBe(120);
  });

  it('counts a full day and a full week', () => {
    // Mon 2025-03-17 08:40 -> 17:00 = 8 h 20 = 500
    expect(minutes(lon(2025, 3, 17, 0), lon(2025, 3, 18, 0))).toBe(500);
    // Mon–Thu 4 × 500 + Fri 08:40 -> 16:30 = 470; 2000 + 470 = 2470
    expect(minutes(lon(2025, 3, 17, 0), lon(2025, 3, 24, 0))).toBe(2470);
  });

  it('counts a whole year (2025) efficiently', () => {
    // 2025: 365 days = 52 weeks + 1 extra Wednesday. Mon–Thu weekdays = 3 × 52 + 53 = 209,
    // Fridays = 52. Bank holidays on Mon–Thu: 1 Jan, 21 Apr, 5 May, 26 May, 25 Aug, 25 Dec = 6;
    // on Fri: 18 Apr, 26 Dec = 2. Open: 203 Mon–Thu × 500 + 50 Fri × 470 = 101 500 + 23 500 = 125 000
    expect(minutes(lon(2025, 1, 1, 0), lon(2026, 1, 1, 0))).toBe(125_000);
    // always: 365 × 1440 = 525 600
    expect(always.businessMs(at('2025-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z')) / MIN).toBe(525_600);
  });

  it('is 0 for an empty or reversed interval and for closed time', () => {
    expect(minutes(lon(2025, 3, 17, 10), lon(2025, 3, 17, 10))).toBe(0);
    expect(minutes(lon(2025, 3, 17, 10), lon(2025, 3, 17, 9))).toBe(0);
    // Sat 2025-03-15 all day
    expect(minutes(lon(2025, 3, 15, 0), lon(2025, 3, 16, 0))).toBe(0);
    // Thu 17:00 -> Fri 08:40 is overnight
    expect(minutes(lon(2025, 3, 20, 17), lon(2025, 3, 21, 8, 40))).toBe(0);
  });
});

describe('clock changes (2025)', () => {
  const london24 = compileCalendar({ id: 'london-24h', zone: LON, weekly: everyDay(['00:00-24:00']) });
  const londonNight = compileCalendar({ id: 'london-night', zone: LON, weekly: everyDay(['01:00-03:00']) });

  it('a 00:00–24:00 London day is 23 h on 2025-03-30 and 25 h on 2025-10-26', () => {
    const spring = london24.daySpans('2025-03-30');
    // 00:00 GMT = 00:00Z; 24:00 = 31 Mar 00:00 BST = 23:00Z -> 23 h
    expect(spring).toEqual([[at('2025-03-30T00:00:00Z'), at('2025-03-30T23:00:00Z')]]);
    expect(london24.businessMs(lon(2025, 3, 30, 0), lon(2025, 3, 31, 0))).toBe(23 * HOUR);
    const autumn = london24.daySpans('2025-10-26');
    // 00:00 BST = 25 Oct 23:00Z; 24:00 = 27 Oct 00:00 GMT = 00:00Z -> 25 h
    expect(autumn).toEqual([[at('2025-10-25T23:00:00Z'), at('2025-10-27T00:00:00Z')]]);
    expect(london24.businessMs(lon(2025, 10, 26, 0), lon(2025, 10, 27, 0))).toBe(25 * HOUR);
  });

  it('a 01:00–03:00 span is 60 min in spring and 180 min in autumn', () => {
    // spring: 01:00 does not exist -> 01:00Z; 03:00 BST = 02:00Z -> 60 min
    expect(londonNight.daySpans('2025-03-30')).toEqual([[at('2025-03-30T01:00:00Z'), at('2025-03-30T02:00:00Z')]]);
    expect(londonNight.businessMs(lon(2025, 3, 30, 0), lon(2025, 3, 31, 0)) / MIN).toBe(60);
    // autumn: 01:00 first occurrence (BST) = 00:00Z; 03:00 GMT = 03:00Z -> 180 min
    expect(londonNight.daySpans('2025-10-26')).toEqual([[at('2025-10-26T00:00:00Z'), at('2025-10-26T03:00:00Z')]]);
    expect(londonNight.businessMs(lon(2025, 10, 26, 0), lon(2025, 10, 27, 0)) / MIN).toBe(180);
  });

  it('service-desk across the spring change', () => {
    // Fri 2025-03-28 16:00 GMT (16:00Z) -> 16:30 = 30; Mon 2025-03-31 08:40 BST (07:40Z) -> 09:40 BST (08:40Z) = 60
    const from = lon(2025, 3, 28, 16);
    const to = lon(2025, 3, 31, 9, 40);
    expect(from).toBe(at('2025-03-28T16:00:00Z'));
    expect(to).toBe(at('2025-03-31T08:40:00Z'));
    expect(minutes(from, to)).toBe(90); // 30 + 60
    // adding the same 90 min lands on Mon 09:40 BST = 08:40Z
    expect(serviceDesk.addBusinessMs(from, 90 * MIN)).toBe(at('2025-03-31T08:40:00Z'));
  });

  it('service-desk across the autumn change', () => {
    // Fri 2025-10-24 16:00 BST (15:00Z) + 90 min: 30 on Fri to 16:30 BST; 60 on Mon 27 08:40 GMT -> 09:40 GMT = 09:40Z
    const from = lon(2025, 10, 24, 16);
    expect(from).toBe(at('2025-10-24T15:00:00Z'));
    expect(serviceDesk.addBusinessMs(from, 90 * MIN)).toBe(at('2025-10-27T09:40:00Z'));
    expect(minutes(from, at('2025-10-27T09:40:00Z'))).toBe(90);
  });

  it('addBusinessMs through a 23 h and a 25 h day', () => {
    // 2025-03-30 00:00 GMT (00:00Z) + 23 h = end of the 23 h day = 31 Mar 00:00 BST = 23:00Z
    expect(london24.addBusinessMs(lon(2025, 3, 30, 0), 23 * HOUR)).toBe(at('2025-03-30T23:00:00Z'));
    // 2025-10-26 00:00 BST (25 Oct 23:00Z) + 24 h = 26 Oct 23:00Z = 23:00 GMT, still 26 Oct locally
    expect(london24.addBusinessMs(lon(2025, 10, 26, 0), 24 * HOUR)).toBe(at('2025-10-26T23:00:00Z'));
    // night span: 2025-03-30 00:00 + 90 min = 60 on the 30th (01:00Z–02:00Z) + 30 on 31 Mar from 01:00 BST (00:00Z) = 00:30Z
    expect(londonNight.addBusinessMs(lon(2025, 3, 30, 0), 90 * MIN)).toBe(at('2025-03-31T00:30:00Z'));
  });
});

describe('overrides and closed dates', () => {
  const base = getDefaultCalendar('service-desk')!;
  const withOverrides = compileCalendar({
    ...base,
    id: 'service-desk-xmas',
    overrides: {
      '2025-12-24': ['08:40-12:00'], // Christmas Eve half day
      '2025-12-31': [], // closed New Year's Eve
      '2025-12-27': ['10:00-11:00'], // a Saturday opened
      '2025-12-26': ['10:00-12:00'], // Boxing Day (closed date) opened by an override
    },
  });
  const m = (a: number, b: number): number => withOverrides.businessMs(a, b) / MIN;

  it('an override day replaces the weekly spans', () => {
    // Wed 2025-12-24 is GMT: 08:40Z–12:00Z
    expect(withOverrides.daySpans('2025-12-24')).toEqual([[at('2025-12-24T08:40:00Z'), at('2025-12-24T12:00:00Z')]]);
    // Wed 24 09:00 -> 12:00 = 180; Thu 25 closed; Fri 26 override 10:00–12:00 = 120; Sat 27 override 10:00–11:00 = 60;
    // Sun closed; Mon 29 08:40 -> 09:00 = 20; 180 + 120 + 60 + 20 = 380
    expect(m(lon(2025, 12, 24, 9), lon(2025, 12, 29, 9))).toBe(380);
    // the base calendar: Wed 24 09:00 -> 17:00 = 480; 25, 26 bank holidays; Mon 08:40 -> 09:00 = 20; 500
    expect(minutes(lon(2025, 12, 24, 9), lon(2025, 12, 29, 9))).toBe(500);
  });

  it('an empty override closes the day', () => {
    expect(withOverrides.daySpans('2025-12-31')).toEqual([]);
    // Tue 30 16:00 -> 17:00 = 60; Wed 31 closed by override; Thu 1 Jan bank holiday; Fri 2 Jan 08:40 -> 09:40 = 60; 120
    expect(m(lon(2025, 12, 30, 16), lon(2026, 1, 2, 9, 40))).toBe(120);
    // base calendar also counts Wed 31 08:40 -> 17:00 = 500: 60 + 500 + 60 = 620
    expect(minutes(lon(2025, 12, 30, 16), lon(2026, 1, 2, 9, 40))).toBe(620);
  });

  it('a bank holiday is closed', () => {
    expect(serviceDesk.daySpans('2025-12-25')).toEqual([]);
    expect(serviceDesk.isOpenDay('2025-12-25')).toBe(false);
    expect(serviceDesk.isOpenDay('2025-12-24')).toBe(true);
  });
});

describe('addBusinessMs and nextOpening', () => {
  it('moves an instant outside hours to the next opening first', () => {
    // Sat 2025-03-15 10:00 + 60 -> Mon 17 08:40 + 60 = 09:40
    expect(serviceDesk.addBusinessMs(lon(2025, 3, 15, 10), 60 * MIN)).toBe(lon(2025, 3, 17, 9, 40));
    // Tue 2025-03-18 07:00 (before opening) + 30 -> 08:40 + 30 = 09:10
    expect(serviceDesk.addBusinessMs(lon(2025, 3, 18, 7), 30 * MIN)).toBe(lon(2025, 3, 18, 9, 10));
    // Tue 18:00 (after closing) + 30 -> Wed 08:40 + 30 = 09:10
    expect(serviceDesk.addBusinessMs(lon(2025, 3, 18, 18), 30 * MIN)).toBe(lon(2025, 3, 19, 9, 10));
  });

  it('lands exactly on a span end instead of jumping to the next opening', () => {
    // Fri 2025-03-14 16:00 + 30 = 16:30, the Friday close (not Mon 08:40)
    expect(serviceDesk.addBusinessMs(lon(2025, 3, 14, 16), 30 * MIN)).toBe(lon(2025, 3, 14, 16, 30));
    // Fri 16:00 + 31 = 30 on Fri + 1 on Mon = Mon 08:41
    expect(serviceDesk.addBusinessMs(lon(2025, 3, 14, 16), 31 * MIN)).toBe(lon(2025, 3, 17, 8, 41));
    // Thu 2025-04-17 16:00 + 60 = 17:00 close (before Good Friday)
    expect(serviceDesk.addBusinessMs(lon(2025, 4, 17, 16), 60 * MIN)).toBe(lon(2025, 4, 17, 17));
    // ... + 61 = Tue 22 08:41 (Fri 18 and Mon 21 are bank holidays)
    expect(serviceDesk.addBusinessMs(lon(2025, 4, 17, 16), 61 * MIN)).toBe(lon(2025, 4, 22, 8, 41));
  });

  it('adds several days (a 21 h target from Mon 09:00)', () => {
    // 1260 min from Mon 2025-03-17 09:00: Mon 09:00 -> 17:00 = 480 (780 left); Tue 500 (280 left);
    // Wed 08:40 + 280 = 13:20
    expect(serviceDesk.addBusinessMs(lon(2025, 3, 17, 9), 1260 * MIN)).toBe(lon(2025, 3, 19, 13, 20));
  });

  it('ms = 0 returns start inside a span, else the next opening', () => {
    expect(serviceDesk.addBusinessMs(lon(2025, 3, 17, 10), 0)).toBe(lon(2025, 3, 17, 10));
    expect(serviceDesk.addBusinessMs(lon(2025, 3, 15, 10), 0)).toBe(lon(2025, 3, 17, 8, 40));
    // Thu 17:00 is a span end, not inside [08:40, 17:00): next opening Fri 08:40
    expect(serviceDesk.addBusinessMs(lon(2025, 3, 20, 17), 0)).toBe(lon(2025, 3, 21, 8, 40));
    expect(serviceDesk.nextOpening(lon(2025, 3, 20, 17))).toBe(lon(2025, 3, 21, 8, 40));
    expect(serviceDesk.nextOpening(lon(2025, 3, 17, 8, 40))).toBe(lon(2025, 3, 17, 8, 40));
    // Thu 2025-04-17 18:00 -> Tue 22 08:40 (Easter)
    expect(serviceDesk.nextOpening(lon(2025, 4, 17, 18))).toBe(lon(2025, 4, 22, 8, 40));
  });

  it('rejects a negative or non-finite duration', () => {
    expect(() => serviceDesk.addBusinessMs(lon(2025, 3, 17, 10), -1)).toThrow(RangeError);
    expect(() => serviceDesk.addBusinessMs(lon(2025, 3, 17, 10), Number.NaN)).toThrow(RangeError);
  });

  it('throws naming a calendar that is never open', () => {
    const never = compileCalendar({ id: 'never-open', zone: 'UTC', weekly: {} });
    expect(() => never.nextOpening(at('2025-01-01T00:00:00Z'))).toThrow(/never-open/);
    expect(() => never.addBusinessMs(at('2025-01-01T00:00:00Z'), MIN)).toThrow(/never open/);
    expect(never.businessMs(at('2025-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z'))).toBe(0);
  });

  it('round-trips: businessMs(t, addBusinessMs(t, x)) === x', () => {
    const starts = [
      lon(2025, 3, 15, 10), // Saturday
      lon(2025, 3, 17, 10, 17), // inside a span
      lon(2025, 3, 18, 7), // before opening
      lon(2025, 3, 14, 16, 30), // exactly at a span end
      lon(2025, 3, 28, 16), // before the spring change
      lon(2025, 10, 24, 16, 59), // before the autumn change
      lon(2025, 12, 23, 12), // before Christmas
    ];
    const amounts = [0, 1, 30 * MIN, 500 * MIN, 1260 * MIN, 2100 * MIN + 1234, 30 * 500 * MIN];
    for (const t of starts) {
      for (const x of amounts) {
        const end = serviceDesk.addBusinessMs(t, x);
        expect(serviceDesk.businessMs(t, end)).toBe(x);
        expect(end).toBeGreaterThanOrEqual(t);
      }
    }
  });
});

describe('isOpen, segments, lunch breaks', () => {
  it('isOpen uses half-open spans', () => {
    expect(serviceDesk.isOpen(lon(2025, 3, 17, 8, 40))).toBe(true);
    expect(serviceDesk.isOpen(lon(2025, 3, 17, 8, 40) - 1)).toBe(false);
    expect(serviceDesk.isOpen(lon(2025, 3, 17, 17) - 1)).toBe(true);
    expect(serviceDesk.isOpen(lon(2025, 3, 17, 17))).toBe(false);
    expect(serviceDesk.isOpen(lon(2025, 3, 15, 12))).toBe(false); // Saturday
  });

  it('segments alternate open and closed and cover [a, b)', () => {
    expect(serviceDesk.segments(lon(2025, 3, 14, 16), lon(2025, 3, 17, 9, 40))).toEqual([
      { start: lon(2025, 3, 14, 16), end: lon(2025, 3, 14, 16, 30), open: true },
      { start: lon(2025, 3, 14, 16, 30), end: lon(2025, 3, 17, 8, 40), open: false },
      { start: lon(2025, 3, 17, 8, 40), end: lon(2025, 3, 17, 9, 40), open: true },
    ]);
    expect(serviceDesk.segments(lon(2025, 3, 15, 10), lon(2025, 3, 17, 9))).toEqual([
      { start: lon(2025, 3, 15, 10), end: lon(2025, 3, 17, 8, 40), open: false },
      { start: lon(2025, 3, 17, 8, 40), end: lon(2025, 3, 17, 9), open: true },
    ]);
    // always: three whole days merge into one open segment across midnights
    expect(always.segments(at('2025-01-01T06:00:00Z'), at('2025-01-04T06:00:00Z'))).toEqual([
      { start: at('2025-01-01T06:00:00Z'), end: at('2025-01-04T06:00:00Z'), open: true },
    ]);
    expect(serviceDesk.segments(5, 5)).toEqual([]);
    // open total over a month equals businessMs
    const a = lon(2025, 4, 1, 0);
    const b = lon(2025, 5, 1, 0);
    const segs = serviceDesk.segments(a, b);
    expect(segs[0]!.start).toBe(a);
    expect(segs[segs.length - 1]!.end).toBe(b);
    for (let i = 1; i < segs.length; i++) {
      expect(segs[i]!.start).toBe(segs[i - 1]!.end);
      expect(segs[i]!.open).toBe(!segs[i - 1]!.open);
    }
    const openMs = segs.filter((s) => s.open).reduce((n, s) => n + s.end - s.start, 0);
    expect(openMs).toBe(serviceDesk.businessMs(a, b));
  });

  it('supports several spans a day (lunch break)', () => {
    const lunch = compileCalendar({ id: 'lunch', zone: LON, weekly: { mon: ['09:00-12:00', '13:00-17:00'] } });
    // Mon 2025-03-17 11:00 -> 14:00 = 11:00–12:00 (60) + 13:00–14:00 (60) = 120
    expect(lunch.businessMs(lon(2025, 3, 17, 11), lon(2025, 3, 17, 14)) / MIN).toBe(120);
    // 11:30 + 60 = 30 before lunch + 30 after = 13:30
    expect(lunch.addBusinessMs(lon(2025, 3, 17, 11, 30), 60 * MIN)).toBe(lon(2025, 3, 17, 13, 30));
    // + 30 lands on 12:00 exactly (span end), not 13:00
    expect(lunch.addBusinessMs(lon(2025, 3, 17, 11, 30), 30 * MIN)).toBe(lon(2025, 3, 17, 12));
    expect(lunch.isOpen(lon(2025, 3, 17, 12, 30))).toBe(false);
  });

  it('caches day spans (same array on each call)', () => {
    expect(serviceDesk.daySpans('2025-03-17')).toBe(serviceDesk.daySpans('2025-03-17'));
    expect(getCompiledDefaultCalendar('service-desk')).toBe(getCompiledDefaultCalendar('service-desk'));
    expect(getCompiledDefaultCalendar('nope')).toBeUndefined();
  });
});

describe('spec validation', () => {
  const ok: CalendarSpec = { id: 'x', zone: LON, weekly: { mon: ['08:40-17:00'] } };
  it('accepts a valid spec and rejects bad ones', () => {
    expect(() => compileCalendar(ok)).not.toThrow();
    expect(() => compileCalendar({ ...ok, weekly: { mon: ['00:00-24:00'] } })).not.toThrow();
    const bad: unknown[] = [
      { ...ok, weekly: { mon: ['17:00-08:40'] } }, // start after end
      { ...ok, weekly: { mon: ['09:00-09:00'] } }, // empty
      { ...ok, weekly: { mon: ['08:40-12:30', '12:00-17:00'] } }, // overlap
      { ...ok, weekly: { mon: ['8:40-17:00'] } }, // format
      { ...ok, weekly: { mon: ['08:40-24:30'] } }, // past 24:00
      { ...ok, weekly: { mon: ['08:60-17:00'] } },
      { ...ok, weekly: { monday: ['08:40-17:00'] } }, // unknown weekday
      { ...ok, zone: 'Europe/Atlantis' },
      { ...ok, id: '' },
      { ...ok, closed: ['2025-02-30'] },
      { ...ok, overrides: { '2025-12-24': ['12:00-08:40'] } },
      { ...ok, overrides: { '24/12/2025': ['08:40-12:00'] } },
    ];
    for (const spec of bad) expect(() => compileCalendar(spec as CalendarSpec), JSON.stringify(spec)).toThrow();
  });
});

describe('defaults', () => {
  it('defines service-desk and always as in METRICS.md §1', () => {
    expect(defaultCalendars.map((c) => c.id)).toEqual(['service-desk', 'always']);
    expect(serviceDesk.zone).toBe(LON);
    expect(always.zone).toBe('UTC');
    // Fri 2025-03-14 (GMT): 08:40Z–16:30Z
    expect(serviceDesk.daySpans('2025-03-14')).toEqual([[at('2025-03-14T08:40:00Z'), at('2025-03-14T16:30:00Z')]]);
    expect(serviceDesk.daySpans('2025-03-15')).toEqual([]);
    expect(always.daySpans('2025-03-15')).toEqual([[at('2025-03-15T00:00:00Z'), at('2025-03-16T00:00:00Z')]]);
  });

  it('bank holidays match the England and Wales rules, 2014–2027', () => {
    // Independent derivation: Easter (anonymous Gregorian algorithm), first/last Mondays,
    // weekend substitution, plus the one-off changes.
    const easter = (y: number): string => {
      const a = y % 19;
      const b = Math.floor(y / 100);
      const c = y % 100;
      const d = Math.floor(b / 4);
      const e = b % 4;
      const f = Math.floor((b + 8) / 25);
      const g = Math.floor((b - f + 1) / 3);
      const h = (19 * a + b - d - g + 15) % 30;
      const i = Math.floor(c / 4);
      const k = c % 4;
      const l = (32 + 2 * e + 2 * i - h - k) % 7;
      const m = Math.floor((a + 11 * h + 22 * l) / 451);
      const month = Math.floor((h + l - 7 * m + 114) / 31);
      const day = ((h + l - 7 * m + 114) % 31) + 1;
      return dayKeyFromParts(y, month, day);
    };
    const firstMonday = (y: number, mo: number): string => {
      let k = dayKeyFromParts(y, mo, 1);
      while (weekdayOf(k) !== 0) k = addDays(k, 1);
      return k;
    };
    const lastMonday = (y: number, mo: number): string => {
      let k = addDays(dayKeyFromParts(y, mo + 1, 1), -1);
      while (weekdayOf(k) !== 0) k = addDays(k, -1);
      return k;
    };
    const expected = new Set<string>();
    for (let y = 2014; y <= 2027; y++) {
      const taken = new Set<string>();
      const substitute = (k: string): void => {
        while (weekdayOf(k) >= 5 || taken.has(k)) k = addDays(k, 1);
        taken.add(k);
      };
      substitute(dayKeyFromParts(y, 1, 1));
      taken.add(addDays(easter(y), -2));
      taken.add(addDays(easter(y), 1));
      taken.add(y === 2020 ? '2020-05-08' : firstMonday(y, 5));
      taken.add(y === 2022 ? '2022-06-02' : lastMonday(y, 5));
      taken.add(lastMonday(y, 8));
      substitute(dayKeyFromParts(y, 12, 25));
      substitute(dayKeyFromParts(y, 12, 26));
      for (const k of taken) expected.add(k);
    }
    for (const k of ['2022-06-03', '2022-09-19', '2023-05-08']) expected.add(k);
    expect([...englandAndWalesBankHolidays].sort()).toEqual([...expected].sort());
    // Known Easter 2025 = 20 April; 14 years × 8 + 2022 (+2) + 2023 (+1) = 115 days, all weekdays
    expect(easter(2025)).toBe('2025-04-20');
    expect(englandAndWalesBankHolidays).toHaveLength(115);
    for (const k of englandAndWalesBankHolidays) expect(weekdayOf(k)).toBeLessThan(5);
    expect(new Set(englandAndWalesBankHolidays).size).toBe(115);
    expect(daysFromCivil(2025, 4, 18)).toBeGreaterThan(0);
  });
});
