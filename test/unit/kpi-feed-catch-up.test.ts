import { describe, expect, it } from 'vitest';
import { lastKpiFeedSlot } from '../../jobs/schedule.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { calendarOf } from '../../src/reports/availability.ts';

// The default service-desk calendar (Europe/London, weekdays, England and Wales bank holidays);
// the kpi-feed job's cron is 06:00 Europe/London (jobs/kpi-feed.ts).
const calendar = calendarOf(appConfigSchema.parse({}), 'service-desk')!;
const at = (iso: string) => lastKpiFeedSlot(new Date(iso), calendar);

describe('the kpi-feed slot a start catches up on', () => {
  it('last month from 06:00 London on this month\'s first working day, the month before until then', () => {
    // Tuesday 1 December 2026 is a working day; London is on GMT, so 06:00 local = 06:00Z.
    expect(at('2026-12-01T06:00:00Z')).toEqual({ month: '2026-11', slot: 'kpi-feed-2026-12-01T0600' });
    expect(at('2026-12-15T12:00:00Z')).toEqual({ month: '2026-11', slot: 'kpi-feed-2026-12-01T0600' });
    // One minute earlier the last slot that passed is November's: Sunday 1 November 2026 is
    // closed, Monday 2 November is the first working day; it built October.
    expect(at('2026-12-01T05:59:00Z')).toEqual({ month: '2026-10', slot: 'kpi-feed-2026-11-02T0600' });
  });

  it('skips bank holidays and weekends to find the first working day', () => {
    // Friday 1 January 2027 is New Year's Day, the 2nd and 3rd a weekend: due Monday 4 January.
    expect(at('2027-01-02T12:00:00Z')).toEqual({ month: '2026-11', slot: 'kpi-feed-2026-12-01T0600' });
    expect(at('2027-01-04T06:00:00Z')).toEqual({ month: '2026-12', slot: 'kpi-feed-2027-01-04T0600' });
  });

  it('reads 06:00 in London summer time (05:00Z)', () => {
    // Monday 1 June 2026 is a working day; 06:00 BST = 05:00Z.
    expect(at('2026-06-01T05:00:00Z')).toEqual({ month: '2026-05', slot: 'kpi-feed-2026-06-01T0500' });
    // Before it: Friday 1 May 2026 (the early May bank holiday is Monday the 4th), 05:00Z.
    expect(at('2026-06-01T04:59:00Z')).toEqual({ month: '2026-04', slot: 'kpi-feed-2026-05-01T0500' });
  });
});
