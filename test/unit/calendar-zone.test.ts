import { describe, expect, it } from 'vitest';
import {
  addDays,
  civilFromDays,
  dayKeyFromParts,
  daysFromCivil,
  isAmbiguousLocal,
  isNonexistentLocal,
  localDayKey,
  localMonthKey,
  localToUtc,
  parseTimestamp,
  weekdayOf,
  zoneOffsetMs,
} from '../../src/calendar/index.ts';

const LON = 'Europe/London';
const NY = 'America/New_York';
const at = (iso: string): number => Date.parse(iso);
const hm = (h: number, m = 0): number => h * 60 + m;

describe('localToUtc', () => {
  it('reads London winter (GMT, +0) and summer (BST, +1) times', () => {
    // 2025-01-15 09:00 GMT = 09:00Z
    expect(localToUtc(LON, 2025, 1, 15, hm(9))).toBe(at('2025-01-15T09:00:00Z'));
    // 2025-07-01 09:00 BST = 09:00 - 1 h = 08:00Z
    expect(localToUtc(LON, 2025, 7, 1, hm(9))).toBe(at('2025-07-01T08:00:00Z'));
  });

  it('moves a nonexistent London time (spring gap 01:00–02:00) to the transition instant', () => {
    // clocks go 01:00 GMT -> 02:00 BST at 01:00Z; 01:30 does not exist -> 01:00Z
    expect(localToUtc(LON, 2025, 3, 30, hm(1, 30))).toBe(at('2025-03-30T01:00:00Z'));
    expect(localToUtc(LON, 2025, 3, 30, hm(1))).toBe(at('2025-03-30T01:00:00Z'));
    expect(isNonexistentLocal(LON, 2025, 3, 30, hm(1, 30))).toBe(true);
    // 02:00 BST exists: 02:00 - 1 h = 01:00Z
    expect(localToUtc(LON, 2025, 3, 30, hm(2))).toBe(at('2025-03-30T01:00:00Z'));
    // 00:59 GMT = 00:59Z
    expect(localToUtc(LON, 2025, 3, 30, hm(0, 59))).toBe(at('2025-03-30T00:59:00Z'));
    expect(isNonexistentLocal(LON, 2025, 3, 30, hm(2))).toBe(false);
  });

  it('takes the first occurrence of an ambiguous London time (autumn 01:00–02:00 repeated)', () => {
    // 01:30 happens at 01:30 BST (00:30Z) and 01:30 GMT (01:30Z); first = 00:30Z
    expect(localToUtc(LON, 2025, 10, 26, hm(1, 30))).toBe(at('2025-10-26T00:30:00Z'));
    expect(isAmbiguousLocal(LON, 2025, 10, 26, hm(1, 30))).toBe(true);
    // 01:00 BST = 00:00Z (first of 00:00Z / 01:00Z)
    expect(localToUtc(LON, 2025, 10, 26, hm(1))).toBe(at('2025-10-26T00:00:00Z'));
    expect(isAmbiguousLocal(LON, 2025, 10, 26, hm(1))).toBe(true);
    // 00:59 BST only = 23:59Z the day before; 02:00 GMT only = 02:00Z
    expect(isAmbiguousLocal(LON, 2025, 10, 26, hm(0, 59))).toBe(false);
    expect(localToUtc(LON, 2025, 10, 26, hm(2))).toBe(at('2025-10-26T02:00:00Z'));
    expect(isAmbiguousLocal(LON, 2025, 10, 26, hm(2))).toBe(false);
  });

  it('treats minute 1440 as 00:00 of the next day', () => {
    // 2025-12-31 24:00 GMT = 2026-01-01T00:00Z
    expect(localToUtc(LON, 2025, 12, 31, 1440)).toBe(at('2026-01-01T00:00:00Z'));
    // 2025-03-29 24:00 = 2025-03-30 00:00 GMT = 00:00Z (before the 01:00Z change)
    expect(localToUtc(LON, 2025, 3, 29, 1440)).toBe(at('2025-03-30T00:00:00Z'));
    // 2025-03-30 24:00 = 2025-03-31 00:00 BST = 2025-03-30T23:00Z
    expect(localToUtc(LON, 2025, 3, 30, 1440)).toBe(at('2025-03-30T23:00:00Z'));
  });

  it('handles America/New_York (EST -5, EDT -4) changes', () => {
    // winter 09:00 EST = 14:00Z; summer 09:00 EDT = 13:00Z
    expect(localToUtc(NY, 2025, 1, 15, hm(9))).toBe(at('2025-01-15T14:00:00Z'));
    expect(localToUtc(NY, 2025, 7, 1, hm(9))).toBe(at('2025-07-01T13:00:00Z'));
    // 2025-03-09 02:00 EST -> 03:00 EDT at 07:00Z; 02:30 does not exist -> 07:00Z
    expect(localToUtc(NY, 2025, 3, 9, hm(2, 30))).toBe(at('2025-03-09T07:00:00Z'));
    // 2025-11-02 01:30 happens at EDT (05:30Z) and EST (06:30Z): first = 05:30Z
    expect(localToUtc(NY, 2025, 11, 2, hm(1, 30))).toBe(at('2025-11-02T05:30:00Z'));
    expect(isAmbiguousLocal(NY, 2025, 11, 2, hm(1, 30))).toBe(true);
  });

  it('is the identity in UTC, never ambiguous', () => {
    expect(localToUtc('UTC', 2025, 3, 30, hm(1, 30))).toBe(at('2025-03-30T01:30:00Z'));
    expect(isAmbiguousLocal('UTC', 2025, 10, 26, hm(1, 30))).toBe(false);
  });

  it('handles a half-hour change (Australia/Lord_Howe +10:30 -> +11)', () => {
    // 2025-10-05 02:00 -> 02:30 at 02:00 +10:30 = 2025-10-04T15:30Z; 02:15 -> 15:30Z
    expect(localToUtc('Australia/Lord_Howe', 2025, 10, 5, hm(2, 15))).toBe(at('2025-10-04T15:30:00Z'));
  });

  it('rejects invalid arguments', () => {
    expect(() => localToUtc(LON, 2025, 13, 1, 0)).toThrow(RangeError);
    expect(() => localToUtc(LON, 2025, 2, 29, 0)).toThrow(RangeError);
    expect(() => localToUtc(LON, 2025, 1, 1, 1441)).toThrow(RangeError);
    expect(() => localToUtc('Mars/Olympus', 2025, 1, 1, 0)).toThrow(RangeError);
  });
});

describe('zoneOffsetMs and round trips', () => {
  it('keeps seconds and pre-1 CE years', () => {
    // London local mean time before 1847 was GMT - 0:01:15
    expect(zoneOffsetMs(LON, Date.UTC(1800, 0, 1))).toBe(-75_000);
    expect(zoneOffsetMs('UTC', Date.UTC(-5, 0, 1, 12))).toBe(0);
    expect(zoneOffsetMs(LON, at('2025-07-01T12:00:00.999Z'))).toBe(3_600_000);
  });

  it('localToUtc inverts the local clock reading (first occurrence when ambiguous)', () => {
    const zones = [LON, NY, 'UTC', 'Australia/Sydney', 'Asia/Kolkata', 'America/Santiago', 'Pacific/Apia'];
    let seed = 42;
    const rnd = (): number => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    const from = at('2000-01-01T00:00:00Z');
    const to = at('2030-01-01T00:00:00Z');
    for (const zone of zones) {
      for (let i = 0; i < 300; i++) {
        const t = Math.floor((from + rnd() * (to - from)) / 60_000) * 60_000;
        const wall = t + zoneOffsetMs(zone, t);
        const minuteOfDay = Math.floor((((wall % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
        const [y, m, d] = localDayKey(zone, t).split('-').map(Number) as [number, number, number];
        const back = localToUtc(zone, y, m, d, minuteOfDay);
        if (isAmbiguousLocal(zone, y, m, d, minuteOfDay)) expect(back).toBeLessThanOrEqual(t);
        else expect(back, `${zone} ${t}`).toBe(t);
      }
    }
  });
});

describe('zoneOffsetMs per-hour cache', () => {
  // An independent reading of the offset straight from Intl (formatToParts, no cache), to hold
  // the cached answers to: wall clock read as UTC minus the instant.
  function intlOffset(zone: string, ms: number): number {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
    }).formatToParts(ms);
    const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
    const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return wall - Math.floor(ms / 1000) * 1000;
  }

  it('equals Intl minute by minute across transitions that fall inside a UTC hour', () => {
    const cases: [string, string][] = [
      // Nepal moved from +05:30 to +05:45 at local midnight 1986-01-01 = 1985-12-31T18:30Z (mid-hour)
      ['Asia/Kathmandu', '1985-12-31T17:00:00Z'],
      // Lord Howe's half-hour daylight saving: +10:30 -> +11 at 02:00 local, 2025-10-05 = 15:30Z on the 4th
      ['Australia/Lord_Howe', '2025-10-04T14:00:00Z'],
      // London's spring change at 01:00Z on the hour, for contrast
      ['Europe/London', '2025-03-30T00:00:00Z'],
      // Chatham (+12:45 / +13:45), spring change 2025-09-28 02:45 local = 2025-09-27T14:00Z
      ['Pacific/Chatham', '2025-09-27T13:00:00Z'],
    ];
    for (const [zone, startIso] of cases) {
      const start = at(startIso);
      // Twice over the window: the second pass answers from the cache filled by the first.
      for (let pass = 0; pass < 2; pass++) {
        for (let t = start; t < start + 3 * 3_600_000; t += 60_000) {
          expect(zoneOffsetMs(zone, t + 30_123), `${zone} ${new Date(t).toISOString()} pass ${pass}`).toBe(intlOffset(zone, t + 30_123));
        }
      }
    }
    // Nepal's offset is +05:30 just before 18:30Z and +05:45 from it: the cache must not smear the hour
    expect(zoneOffsetMs('Asia/Kathmandu', at('1985-12-31T18:29:59Z'))).toBe(330 * 60_000);
    expect(zoneOffsetMs('Asia/Kathmandu', at('1985-12-31T18:30:00Z'))).toBe(345 * 60_000);
  });
});

describe('localDayKey / localMonthKey', () => {
  it('gives the local date of an instant', () => {
    // 2025-03-30T23:30Z = 2025-03-31 00:30 BST
    expect(localDayKey(LON, at('2025-03-30T23:30:00Z'))).toBe('2025-03-31');
    // 2025-01-31T23:30Z = 23:30 GMT, same day
    expect(localDayKey(LON, at('2025-01-31T23:30:00Z'))).toBe('2025-01-31');
    // 2025-01-01T03:00Z = 2024-12-31 22:00 EST
    expect(localDayKey(NY, at('2025-01-01T03:00:00Z'))).toBe('2024-12-31');
    expect(localDayKey('UTC', at('2025-01-01T03:00:00Z'))).toBe('2025-01-01');
    // 2025-05-31T23:30Z = 2025-06-01 00:30 BST
    expect(localMonthKey(LON, at('2025-05-31T23:30:00Z'))).toBe('2025-06');
    expect(localMonthKey('UTC', at('2025-05-31T23:30:00Z'))).toBe('2025-05');
  });
});

describe('day-key helpers', () => {
  it('adds days across months, years and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2000-02-28', 1)).toBe('2000-02-29'); // 2000 divisible by 400: leap
    expect(addDays('1900-02-28', 1)).toBe('1900-03-01'); // 1900 divisible by 100 only: not leap
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2025-01-01', 365)).toBe('2026-01-01');
    expect(addDays('2025-03-14', 0)).toBe('2025-03-14');
  });

  it('gives weekdays 0 = Mon .. 6 = Sun', () => {
    expect(weekdayOf('1970-01-01')).toBe(3); // Thursday
    expect(weekdayOf('2000-01-01')).toBe(5); // Saturday
    expect(weekdayOf('2025-03-14')).toBe(4); // Friday
    expect(weekdayOf('2025-03-16')).toBe(6); // Sunday
    expect(weekdayOf('2025-03-17')).toBe(0); // Monday
    expect(weekdayOf('1969-12-31')).toBe(2); // Wednesday (negative day number)
  });

  it('formats and validates keys', () => {
    expect(dayKeyFromParts(2025, 3, 5)).toBe('2025-03-05');
    expect(() => addDays('2025-02-30', 1)).toThrow(RangeError);
    expect(() => weekdayOf('2025-3-5')).toThrow(RangeError);
  });

  it('days-from-civil agrees with Date.UTC over 1900–2100', () => {
    for (let d = daysFromCivil(1900, 1, 1); d <= daysFromCivil(2100, 12, 31); d += 17) {
      const [y, m, day] = civilFromDays(d);
      expect(Date.UTC(y, m - 1, day)).toBe(d * 86_400_000);
    }
  });
});

describe('parseTimestamp', () => {
  it('honours Z and explicit offsets', () => {
    expect(parseTimestamp('2025-07-01T12:00:00Z', LON)).toEqual({ ms: at('2025-07-01T12:00:00Z'), ambiguous: false });
    // 12:00 at +01:00 = 11:00Z
    expect(parseTimestamp('2025-07-01T12:00+01:00', LON)?.ms).toBe(at('2025-07-01T11:00:00Z'));
    // 12:00 at -0500 = 17:00Z
    expect(parseTimestamp('2025-07-01 12:00:00-0500', LON)?.ms).toBe(at('2025-07-01T17:00:00Z'));
    // 12:00 at +05:30 = 06:30Z; fraction .5 = 500 ms
    expect(parseTimestamp('2025-07-01T12:00:00.5+05:30', NY)?.ms).toBe(at('2025-07-01T06:30:00.500Z'));
    // an explicit offset in the repeated hour is not ambiguous: 01:30+00:00 = 01:30Z
    expect(parseTimestamp('2025-10-26T01:30+00:00', LON)).toEqual({ ms: at('2025-10-26T01:30:00Z'), ambiguous: false });
  });

  it('reads naive timestamps in the zone (London winter and summer)', () => {
    // 09:00 GMT = 09:00Z
    expect(parseTimestamp('2025-01-15 09:00', LON)).toEqual({ ms: at('2025-01-15T09:00:00Z'), ambiguous: false });
    // 09:00 BST = 08:00Z
    expect(parseTimestamp('2025-07-01T09:00', LON)?.ms).toBe(at('2025-07-01T08:00:00Z'));
    // 12:00:30.123 BST = 11:00:30.123Z
    expect(parseTimestamp('2025-07-01 12:00:30.123', LON)?.ms).toBe(at('2025-07-01T11:00:30.123Z'));
    // date only: 2025-07-01 00:00 BST = 2025-06-30T23:00Z
    expect(parseTimestamp('2025-07-01', LON)?.ms).toBe(at('2025-06-30T23:00:00Z'));
    // 09:00 EDT = 13:00Z
    expect(parseTimestamp('2025-07-01 09:00', NY)?.ms).toBe(at('2025-07-01T13:00:00Z'));
    expect(parseTimestamp('  2024-02-29T10:00Z ', LON)?.ms).toBe(at('2024-02-29T10:00:00Z'));
  });

  it('flags the repeated hour and takes the first occurrence', () => {
    // 01:30 BST = 00:30Z
    expect(parseTimestamp('2025-10-26 01:30', LON)).toEqual({ ms: at('2025-10-26T00:30:00Z'), ambiguous: true });
    expect(parseTimestamp('2025-10-26 02:30', LON)).toEqual({ ms: at('2025-10-26T02:30:00Z'), ambiguous: false });
  });

  it('moves a nonexistent time forward to the transition', () => {
    expect(parseTimestamp('2025-03-30 01:30', LON)).toEqual({ ms: at('2025-03-30T01:00:00Z'), ambiguous: false });
  });

  it('returns null for unreadable or invalid input', () => {
    for (const bad of [
      '',
      'yesterday',
      '2025-13-01',
      '2025-00-10',
      '2025-02-30',
      '2025-02-29 10:00',
      '2025-01-01 25:00',
      '2025-01-01 24:00',
      '2025-01-01T10:60',
      '2025-01-01T10:00:60',
      '2025-1-1',
      '2025-01-01T10',
      '2025-01-01T10:00+25:00',
      '2025-01-01T10:00+01:75',
      '2025-01-01Z',
      '01/02/2025 10:00',
    ]) {
      expect(parseTimestamp(bad, LON), bad).toBeNull();
    }
  });
});
