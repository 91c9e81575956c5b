/**
 * Default calendars (METRICS.md §1, "Defaults").
 */
import { compileCalendar, type BusinessCalendar, type CalendarSpec } from './calendar.ts';

/**
 * England and Wales bank holidays 2014–2027, as published by GOV.UK
 * (https://www.gov.uk/bank-holidays, data at https://www.gov.uk/bank-holidays.json,
 * division "england-and-wales"). Includes substitute days (a holiday falling on a weekend moves
 * to the next weekday) and the one-off days: 2020-05-08 VE Day (early May holiday moved from
 * 4 May), 2022-06-02 spring bank holiday (moved from 30 May) and 2022-06-03 Platinum Jubilee,
 * 2022-09-19 State Funeral of Queen Elizabeth II, 2023-05-08 Coronation of King Charles III.
 * Extend this list (or configure `closed` dates) for later years.
 */
export const englandAndWalesBankHolidays: readonly string[] = [
  // 2014
  '2014-01-01', '2014-04-18', '2014-04-21', '2014-05-05', '2014-05-26', '2014-08-25', '2014-12-25', '2014-12-26',
  // 2015 (Boxing Day Sat 26 Dec → substitute Mon 28)
  '2015-01-01', '2015-04-03', '2015-04-06', '2015-05-04', '2015-05-25', '2015-08-31', '2015-12-25', '2015-12-28',
  // 2016 (Christmas Day Sun 25 Dec → substitute Tue 27)
  '2016-01-01', '2016-03-25', '2016-03-28', '2016-05-02', '2016-05-30', '2016-08-29', '2016-12-26', '2016-12-27',
  // 2017 (New Year's Day Sun 1 Jan → substitute Mon 2)
  '2017-01-02', '2017-04-14', '2017-04-17', '2017-05-01', '2017-05-29', '2017-08-28', '2017-12-25', '2017-12-26',
  // 2018
  '2018-01-01', '2018-03-30', '2018-04-02', '2018-05-07', '2018-05-28', '2018-08-27', '2018-12-25', '2018-12-26',
  // 2019
  '2019-01-01', '2019-04-19', '2019-04-22', '2019-05-06', '2019-05-27', '2019-08-26', '2019-12-25', '2019-12-26',
  // 2020 (early May → Fri 8 May, VE Day; Boxing Day Sat 26 Dec → substitute Mon 28)
  '2020-01-01', '2020-04-10', '2020-04-13', '2020-05-08', '2020-05-25', '2020-08-31', '2020-12-25', '2020-12-28',
  // 2021 (Christmas Sat / Boxing Day Sun → substitutes Mon 27, Tue 28)
  '2021-01-01', '2021-04-02', '2021-04-05', '2021-05-03', '2021-05-31', '2021-08-30', '2021-12-27', '2021-12-28',
  // 2022 (New Year Sat → Mon 3 Jan; spring → Thu 2 Jun; Platinum Jubilee Fri 3 Jun; Queen's funeral
  // Mon 19 Sep; Christmas Sun → substitute Tue 27 Dec)
  '2022-01-03', '2022-04-15', '2022-04-18', '2022-05-02', '2022-06-02', '2022-06-03', '2022-08-29', '2022-09-19',
  '2022-12-26', '2022-12-27',
  // 2023 (New Year Sun → Mon 2 Jan; Coronation Mon 8 May)
  '2023-01-02', '2023-04-07', '2023-04-10', '2023-05-01', '2023-05-08', '2023-05-29', '2023-08-28', '2023-12-25',
  '2023-12-26',
  // 2024
  '2024-01-01', '2024-03-29', '2024-04-01', '2024-05-06', '2024-05-27', '2024-08-26', '2024-12-25', '2024-12-26',
  // 2025
  '2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26',
  // 2026 (Boxing Day Sat 26 Dec → substitute Mon 28)
  '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28',
  // 2027 (Christmas Sat / Boxing Day Sun → substitutes Mon 27, Tue 28)
  '2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28',
];

/** The zone of the default calendars (and of any calendar configured without one). */
export const DEFAULT_ZONE = 'Europe/London';

export const defaultCalendars: CalendarSpec[] = [
  {
    id: 'service-desk',
    zone: DEFAULT_ZONE,
    weekly: {
      mon: ['08:40-17:00'],
      tue: ['08:40-17:00'],
      wed: ['08:40-17:00'],
      thu: ['08:40-17:00'],
      fri: ['08:40-16:30'],
    },
    closed: [...englandAndWalesBankHolidays],
  },
  {
    id: 'always',
    zone: 'UTC',
    weekly: {
      mon: ['00:00-24:00'],
      tue: ['00:00-24:00'],
      wed: ['00:00-24:00'],
      thu: ['00:00-24:00'],
      fri: ['00:00-24:00'],
      sat: ['00:00-24:00'],
      sun: ['00:00-24:00'],
    },
  },
];

/** The default calendar spec with this id, or undefined (METRICS.md §1). */
export function getDefaultCalendar(id: string): CalendarSpec | undefined {
  return defaultCalendars.find((c) => c.id === id);
}

const compiled = new Map<string, BusinessCalendar>();

/**
 * The compiled default calendar with this id (compiled once and shared, so its per-day span
 * cache is reused), or undefined.
 */
export function getCompiledDefaultCalendar(id: string): BusinessCalendar | undefined {
  let cal = compiled.get(id);
  if (!cal) {
    const spec = getDefaultCalendar(id);
    if (!spec) return undefined;
    cal = compileCalendar(spec);
    compiled.set(id, cal);
  }
  return cal;
}
