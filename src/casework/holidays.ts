/**
 * UK bank holiday sets for casework clocks (METRICS.md §6). Pure data, no IO.
 *
 * Source: the published UK bank holiday lists, GOV.UK "UK bank holidays"
 * (https://www.gov.uk/bank-holidays; data at https://www.gov.uk/bank-holidays.json, divisions
 * "england-and-wales", "scotland", "northern-ireland"), which give each year's dates with
 * substitute days (a holiday on a Saturday or Sunday moves to the next weekday not already a
 * holiday) and the one-off days (2020-05-08 VE Day, replacing 4 May; 2022-06-02 spring holiday
 * moved from 30 May and 2022-06-03 Platinum Jubilee; 2022-09-19 State Funeral of Queen
 * Elizabeth II; 2023-05-08 Coronation of King Charles III).
 *
 * GOV.UK publishes about two years ahead; the years marked "projected" follow the standing
 * pattern of the Banking and Financial Dealings Act 1971 and the Royal Proclamations (Easter
 * from the Gregorian computus) and must be checked when GOV.UK publishes them: a one-off day
 * proclaimed later is added here or as a closed date of a configured calendar.
 *
 * England and Wales reuse the list of the calendar module (2014–2027) and add 2028–2030.
 */
import { englandAndWalesBankHolidays as englandAndWalesToThe2027List } from '../calendar/defaults.ts';

export const bankHolidayRegions = ['england-and-wales', 'scotland', 'northern-ireland', 'united-kingdom'] as const;
export type BankHolidayRegion = (typeof bankHolidayRegions)[number];

/** First and last years the sets cover; a date outside them is refused by the clock (no silent guess). */
export const HOLIDAY_YEARS = { first: 2015, last: 2030 } as const;

const inYears = (d: string) => Number(d.slice(0, 4)) >= HOLIDAY_YEARS.first && Number(d.slice(0, 4)) <= HOLIDAY_YEARS.last;

/** England and Wales: New Year, Good Friday, Easter Monday, early May, spring, summer (last Monday of August), Christmas, Boxing Day. */
export const englandAndWales: readonly string[] = [
  ...englandAndWalesToThe2027List.filter(inYears),
  // 2028 (New Year Sat → Mon 3 Jan) — projected
  '2028-01-03', '2028-04-14', '2028-04-17', '2028-05-01', '2028-05-29', '2028-08-28', '2028-12-25', '2028-12-26',
  // 2029 — projected
  '2029-01-01', '2029-03-30', '2029-04-02', '2029-05-07', '2029-05-28', '2029-08-27', '2029-12-25', '2029-12-26',
  // 2030 — projected
  '2030-01-01', '2030-04-19', '2030-04-22', '2030-05-06', '2030-05-27', '2030-08-26', '2030-12-25', '2030-12-26',
];

/**
 * Scotland: New Year's Day and 2 January, Good Friday (no Easter Monday), early May, spring,
 * summer (first Monday of August), St Andrew's Day (30 November), Christmas, Boxing Day.
 */
export const scotland: readonly string[] = [
  // 2015 (Boxing Day Sat → Mon 28)
  '2015-01-01', '2015-01-02', '2015-04-03', '2015-05-04', '2015-05-25', '2015-08-03', '2015-11-30', '2015-12-25', '2015-12-28',
  // 2016 (2 Jan Sat → Mon 4; Christmas Sun → Tue 27)
  '2016-01-01', '2016-01-04', '2016-03-25', '2016-05-02', '2016-05-30', '2016-08-01', '2016-11-30', '2016-12-26', '2016-12-27',
  // 2017 (New Year Sun → 2 Jan Mon, substitute Tue 3)
  '2017-01-02', '2017-01-03', '2017-04-14', '2017-05-01', '2017-05-29', '2017-08-07', '2017-11-30', '2017-12-25', '2017-12-26',
  // 2018
  '2018-01-01', '2018-01-02', '2018-03-30', '2018-05-07', '2018-05-28', '2018-08-06', '2018-11-30', '2018-12-25', '2018-12-26',
  // 2019 (St Andrew's Sat → Mon 2 Dec)
  '2019-01-01', '2019-01-02', '2019-04-19', '2019-05-06', '2019-05-27', '2019-08-05', '2019-12-02', '2019-12-25', '2019-12-26',
  // 2020 (VE Day Fri 8 May; Boxing Day Sat → Mon 28)
  '2020-01-01', '2020-01-02', '2020-04-10', '2020-05-08', '2020-05-25', '2020-08-03', '2020-11-30', '2020-12-25', '2020-12-28',
  // 2021 (2 Jan Sat → Mon 4; Christmas Sat, Boxing Day Sun → Mon 27, Tue 28)
  '2021-01-01', '2021-01-04', '2021-04-02', '2021-05-03', '2021-05-31', '2021-08-02', '2021-11-30', '2021-12-27', '2021-12-28',
  // 2022 (New Year Sat, 2 Jan Sun → Mon 3, Tue 4; spring Thu 2 Jun, Platinum Jubilee Fri 3 Jun; Queen's funeral Mon 19 Sep; Christmas Sun → Tue 27)
  '2022-01-03', '2022-01-04', '2022-04-15', '2022-05-02', '2022-06-02', '2022-06-03', '2022-08-01', '2022-09-19', '2022-11-30', '2022-12-26', '2022-12-27',
  // 2023 (New Year Sun → 2 Jan Mon, substitute Tue 3; Coronation Mon 8 May)
  '2023-01-02', '2023-01-03', '2023-04-07', '2023-05-01', '2023-05-08', '2023-05-29', '2023-08-07', '2023-11-30', '2023-12-25', '2023-12-26',
  // 2024 (St Andrew's Sat → Mon 2 Dec)
  '2024-01-01', '2024-01-02', '2024-03-29', '2024-05-06', '2024-05-27', '2024-08-05', '2024-12-02', '2024-12-25', '2024-12-26',
  // 2025 (St Andrew's Sun → Mon 1 Dec)
  '2025-01-01', '2025-01-02', '2025-04-18', '2025-05-05', '2025-05-26', '2025-08-04', '2025-12-01', '2025-12-25', '2025-12-26',
  // 2026 (Boxing Day Sat → Mon 28)
  '2026-01-01', '2026-01-02', '2026-04-03', '2026-05-04', '2026-05-25', '2026-08-03', '2026-11-30', '2026-12-25', '2026-12-28',
  // 2027 (2 Jan Sat → Mon 4; Christmas Sat, Boxing Day Sun → Mon 27, Tue 28)
  '2027-01-01', '2027-01-04', '2027-03-26', '2027-05-03', '2027-05-31', '2027-08-02', '2027-11-30', '2027-12-27', '2027-12-28',
  // 2028 (New Year Sat, 2 Jan Sun → Mon 3, Tue 4) — projected
  '2028-01-03', '2028-01-04', '2028-04-14', '2028-05-01', '2028-05-29', '2028-08-07', '2028-11-30', '2028-12-25', '2028-12-26',
  // 2029 — projected
  '2029-01-01', '2029-01-02', '2029-03-30', '2029-05-07', '2029-05-28', '2029-08-06', '2029-11-30', '2029-12-25', '2029-12-26',
  // 2030 (St Andrew's Sat → Mon 2 Dec) — projected
  '2030-01-01', '2030-01-02', '2030-04-19', '2030-05-06', '2030-05-27', '2030-08-05', '2030-12-02', '2030-12-25', '2030-12-26',];

/** Northern Ireland: England and Wales's days plus St Patrick's Day (17 March) and the Battle of the Boyne (12 July). */
export const northernIreland: readonly string[] = [
  // 2015 (Boyne Sun → Mon 13 Jul; Boxing Day Sat → Mon 28)
  '2015-01-01', '2015-03-17', '2015-04-03', '2015-04-06', '2015-05-04', '2015-05-25', '2015-07-13', '2015-08-31', '2015-12-25', '2015-12-28',
  // 2016
  '2016-01-01', '2016-03-17', '2016-03-25', '2016-03-28', '2016-05-02', '2016-05-30', '2016-07-12', '2016-08-29', '2016-12-26', '2016-12-27',
  // 2017
  '2017-01-02', '2017-03-17', '2017-04-14', '2017-04-17', '2017-05-01', '2017-05-29', '2017-07-12', '2017-08-28', '2017-12-25', '2017-12-26',
  // 2018 (St Patrick's Sat → Mon 19 Mar)
  '2018-01-01', '2018-03-19', '2018-03-30', '2018-04-02', '2018-05-07', '2018-05-28', '2018-07-12', '2018-08-27', '2018-12-25', '2018-12-26',
  // 2019 (St Patrick's Sun → Mon 18 Mar)
  '2019-01-01', '2019-03-18', '2019-04-19', '2019-04-22', '2019-05-06', '2019-05-27', '2019-07-12', '2019-08-26', '2019-12-25', '2019-12-26',
  // 2020 (VE Day Fri 8 May; Boyne Sun → Mon 13 Jul; Boxing Day Sat → Mon 28)
  '2020-01-01', '2020-03-17', '2020-04-10', '2020-04-13', '2020-05-08', '2020-05-25', '2020-07-13', '2020-08-31', '2020-12-25', '2020-12-28',
  // 2021 (Christmas Sat, Boxing Day Sun → Mon 27, Tue 28)
  '2021-01-01', '2021-03-17', '2021-04-02', '2021-04-05', '2021-05-03', '2021-05-31', '2021-07-12', '2021-08-30', '2021-12-27', '2021-12-28',
  // 2022 (New Year Sat → Mon 3 Jan; spring Thu 2 Jun, Jubilee Fri 3 Jun; Queen's funeral Mon 19 Sep; Christmas Sun → Tue 27)
  '2022-01-03', '2022-03-17', '2022-04-15', '2022-04-18', '2022-05-02', '2022-06-02', '2022-06-03', '2022-07-12', '2022-08-29', '2022-09-19', '2022-12-26', '2022-12-27',
  // 2023 (New Year Sun → Mon 2 Jan; Coronation Mon 8 May)
  '2023-01-02', '2023-03-17', '2023-04-07', '2023-04-10', '2023-05-01', '2023-05-08', '2023-05-29', '2023-07-12', '2023-08-28', '2023-12-25', '2023-12-26',
  // 2024 (St Patrick's Sun → Mon 18 Mar)
  '2024-01-01', '2024-03-18', '2024-03-29', '2024-04-01', '2024-05-06', '2024-05-27', '2024-07-12', '2024-08-26', '2024-12-25', '2024-12-26',
  // 2025 (Boyne Sat → Mon 14 Jul)
  '2025-01-01', '2025-03-17', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-07-14', '2025-08-25', '2025-12-25', '2025-12-26',
  // 2026 (Boyne Sun → Mon 13 Jul; Boxing Day Sat → Mon 28)
  '2026-01-01', '2026-03-17', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-07-13', '2026-08-31', '2026-12-25', '2026-12-28',
  // 2027 (Christmas Sat, Boxing Day Sun → Mon 27, Tue 28)
  '2027-01-01', '2027-03-17', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-07-12', '2027-08-30', '2027-12-27', '2027-12-28',
  // 2028 (New Year Sat → Mon 3 Jan) — projected
  '2028-01-03', '2028-03-17', '2028-04-14', '2028-04-17', '2028-05-01', '2028-05-29', '2028-07-12', '2028-08-28', '2028-12-25', '2028-12-26',
  // 2029 (St Patrick's Sat → Mon 19 Mar) — projected
  '2029-01-01', '2029-03-19', '2029-03-30', '2029-04-02', '2029-05-07', '2029-05-28', '2029-07-12', '2029-08-27', '2029-12-25', '2029-12-26',
  // 2030 (St Patrick's Sun → Mon 18 Mar) — projected
  '2030-01-01', '2030-03-18', '2030-04-19', '2030-04-22', '2030-05-06', '2030-05-27', '2030-07-12', '2030-08-26', '2030-12-25', '2030-12-26',];

/** FOIA s10(6): "a bank holiday in any part of the United Kingdom" — the union of the three sets. */
export const unitedKingdom: readonly string[] = [...new Set([...englandAndWales, ...scotland, ...northernIreland])].sort();

/**
 * Good Fridays 2015–2030 (Easter Sunday less two days): never a working day (a common-law
 * holiday in England, Wales and Northern Ireland, a bank holiday in Scotland).
 */
export const goodFridays: ReadonlySet<string> = new Set([
  '2015-04-03', '2016-03-25', '2017-04-14', '2018-03-30', '2019-04-19', '2020-04-10', '2021-04-02', '2022-04-15',
  '2023-04-07', '2024-03-29', '2025-04-18', '2026-04-03', '2027-03-26', '2028-04-14', '2029-03-30', '2030-04-19',
]);

/** Every set by region name (the names casework calendars use in configuration). */
export const bankHolidays: Readonly<Record<BankHolidayRegion, readonly string[]>> = {
  'england-and-wales': englandAndWales,
  scotland,
  'northern-ireland': northernIreland,
  'united-kingdom': unitedKingdom,
};
