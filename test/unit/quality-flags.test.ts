import { describe, expect, it } from 'vitest';
import { flagsFor, periodDays, rejectedRowDay, rowFlags, type QualityEvidence } from '../../src/quality/flags.ts';

const zone = 'Europe/London';
const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

const evidence = (over: Partial<QualityEvidence> = {}): QualityEvidence => ({
  zone,
  rejected: [],
  skew: [],
  lastDelivered: {},
  deliverEveryMinutes: { tickets: 1440, calls: 1440 },
  withoutHistory: [],
  ...over,
});

describe('rejectedRowDay', () => {
  it('reads the first date in the row: ISO, day-first, or a queue_log epoch', () => {
    expect(rejectedRowDay('T9,incident,urgent-ish,Network,Open,2025-11-03 09:00,', zone)).toBe('2025-11-03');
    // d/M/yyyy is the UK exports' form: 4/11/2025 is 4 November.
    expect(rejectedRowDay('INC1,4/11/2025 9:00,?,Closed', zone)).toBe('2025-11-04');
    // The earlier of the two forms in the text wins.
    expect(rejectedRowDay('X,1/12/2025,2025-11-30', zone)).toBe('2025-12-01');
    // 1764547200 = 2025-12-01T00:00:00Z, 00:00 in London (GMT).
    expect(rejectedRowDay('1764547200|c1|q|NONE|BOGUS|', zone)).toBe('2025-12-01');
    // 31/02 is no date: nothing readable.
    expect(rejectedRowDay('id,31/02/2025,x', zone)).toBeNull();
    expect(rejectedRowDay('garbage', zone)).toBeNull();
  });
});

describe('flagsFor', () => {
  it('counts rejected rows by their own date, else by the days their run touched, else by its start', () => {
    const e = evidence({
      rejected: [
        { feed: 'tickets', raw: 'A,2025-11-03 09:00', runStartedAt: at('2025-12-01T10:00Z'), runTouchedDays: ['2025-12-01'] },
        { feed: 'tickets', raw: 'B,2025-11-29', runStartedAt: at('2025-12-01T10:00Z'), runTouchedDays: [] },
        // No date: its run touched 2025-11-20, so it belongs to November.
        { feed: 'tickets', raw: 'C,,,', runStartedAt: at('2025-12-01T10:00Z'), runTouchedDays: ['2025-11-20'] },
        // No date, run touched nothing: its run started 1 December, so December.
        { feed: 'tickets', raw: 'D', runStartedAt: at('2025-12-01T10:00Z'), runTouchedDays: [] },
        // Another scope's feed.
        { feed: 'calls', raw: 'E,2025-11-03', runStartedAt: at('2025-12-01T10:00Z'), runTouchedDays: [] },
      ],
    });
    // November: A, B and C = 3.
    expect(flagsFor(e, 'sla', '2025-11-01', '2025-11-30', at('2025-12-01T12:00Z'))).toEqual([
      { code: 'rejected_rows', feed: 'tickets', count: 3, message: '3 rows of the tickets feed for this period were rejected and are not counted.' },
    ]);
    expect(flagsFor(e, 'sla', '2025-12-01', '2025-12-31', at('2025-12-01T12:00Z')).map((f) => [f.code, f.count])).toEqual([['rejected_rows', 1]]);
    expect(flagsFor(e, 'sla', '2025-11-03', '2025-11-03', at('2025-12-01T12:00Z'))[0]!.message).toBe('1 row of the tickets feed for this period was rejected and is not counted.');
    expect(flagsFor(e, 'casework', '2025-11-01', '2025-11-30', at('2025-12-01T12:00Z'))).toEqual([]);
  });

  it('flags a feed silent for longer than its cadence on the periods running past its last delivery', () => {
    const last = at('2025-12-01T06:00Z');
    const e = evidence({ lastDelivered: { tickets: last } });
    // 30 h after the last delivery, cadence 24 h: stale, 30 hours.
    const now = last + 30 * H;
    expect(flagsFor(e, 'sla', '2025-12-01', '2025-12-31', now)).toEqual([
      { code: 'stale_feed', feed: 'tickets', count: 30, message: 'The tickets feed has not delivered for 30 hours (expected every 24 h): recent data may be missing.' },
    ]);
    // November ended before the last delivery: nothing can be missing from it.
    expect(flagsFor(e, 'sla', '2025-11-01', '2025-11-30', now)).toEqual([]);
    // 23 h 59 min: within the cadence.
    expect(flagsFor(e, 'sla', '2025-12-01', '2025-12-31', last + 24 * H - 60_000)).toEqual([]);
    // No cadence for outages: never stale.
    expect(flagsFor(evidence({ lastDelivered: { outages: last } }), 'availability', '2025-12-01', '2025-12-31', now)).toEqual([]);
  });

  it('sums clock-skew corrections of the runs that touched the period, and tickets without history by opening day', () => {
    const e = evidence({
      skew: [
        { feed: 'calls', count: 2, runStartedAt: at('2025-06-03T08:00Z'), runTouchedDays: ['2025-06-02'] },
        { feed: 'calls', count: 1, runStartedAt: at('2025-06-04T08:00Z'), runTouchedDays: ['2025-06-03'] },
      ],
      withoutHistory: [
        { day: '2025-06-02', n: 4 },
        { day: '2025-07-01', n: 1 },
      ],
    });
    // June: 2 + 1 = 3 skewed calls.
    expect(flagsFor(e, 'calls', '2025-06-01', '2025-06-30', at('2025-06-04T09:00Z'))).toEqual([
      { code: 'clock_skew', feed: 'calls', count: 3, message: "3 calls answered before they arrived (two systems' clocks) were read as answered on arrival." },
    ]);
    expect(flagsFor(e, 'sla', '2025-06-01', '2025-06-30', at('2025-06-04T09:00Z'))).toEqual([
      { code: 'no_history', feed: 'ticket-history', count: 4, message: '4 tickets opened in this period have no status history: pauses are not counted for them.' },
    ]);
  });
});

describe('rowFlags', () => {
  it('flags coverage below 100% with the unknown minutes, and talk-only AHT with the handled calls', () => {
    // Core 600 min, 30 min unknown: coverage 570/600 = 95.0%.
    expect(rowFlags({ coverage: 570 / 600, unknownSeconds: 1800 })).toEqual([
      { code: 'unknown_time', feed: null, count: 30, message: 'Coverage 95.0%: 30 minutes of core time had no evidence (unknown) and are left out.' },
    ]);
    expect(rowFlags({ coverage: 1, unknownSeconds: 0 })).toEqual([]);
    expect(rowFlags({ coverage: null })).toEqual([]);
    expect(rowFlags({ handled: 5, handledTalkOnly: 2 })).toEqual([
      { code: 'aht_talk_only', feed: 'calls', count: 2, message: 'AHT is talk-only for 2 handled calls (the feed gave no hold or wrap time).' },
    ]);
    expect(rowFlags({ handled: 5, handledTalkOnly: 0 })).toEqual([]);
  });
});

describe('periodDays', () => {
  it('gives the first and last local day of a period label', () => {
    expect(periodDays('2025-02')).toEqual(['2025-02-01', '2025-02-28']);
    expect(periodDays('2025-06-02')).toEqual(['2025-06-02', '2025-06-02']);
    expect(periodDays('2025-06-02T10:00+01:00')).toEqual(['2025-06-02', '2025-06-02']);
    expect(periodDays('2025-Q2')).toEqual(['2025-04-01', '2025-06-30']);
    expect(periodDays('nonsense')).toBeNull();
  });
});
