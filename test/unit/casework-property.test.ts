import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bankHolidays, bankHolidayRegions } from '../../src/casework/holidays.ts';
import { caseRules, caseworkConfigSchema } from '../../src/casework/policy.ts';
import { addWorkingDays, workingDaysBetween } from '../../src/casework/working-days.ts';

/*
 * The working-day arithmetic against a plain day-by-day count that shares nothing with
 * src/calendar: JavaScript Date for weekdays and the raw holiday lists for closed days.
 */
const rules = caseRules(caseworkConfigSchema.parse({}));
const DAY = 86_400_000;
const keyOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const msOf = (key: string) => Date.parse(`${key}T00:00:00Z`);

function referenceIsWorking(region: (typeof bankHolidayRegions)[number], key: string): boolean {
  const weekday = new Date(msOf(key)).getUTCDay(); // 0 = Sunday, 6 = Saturday
  return weekday !== 0 && weekday !== 6 && !bankHolidays[region].includes(key);
}

function referenceNth(region: (typeof bankHolidayRegions)[number], day0: string, n: number, skip: (k: string) => boolean): string {
  let t = msOf(day0);
  let counted = 0;
  while (counted < n) {
    t += DAY;
    if (referenceIsWorking(region, keyOf(t)) && !skip(keyOf(t))) counted++;
  }
  return keyOf(t);
}

function referenceBetween(region: (typeof bankHolidayRegions)[number], after: string, upTo: string, skip: (k: string) => boolean): number {
  let n = 0;
  for (let t = msOf(after) + DAY; t <= msOf(upTo); t += DAY) if (referenceIsWorking(region, keyOf(t)) && !skip(keyOf(t))) n++;
  return n;
}

const day = fc.integer({ min: msOf('2015-01-01') / DAY, max: msOf('2029-09-30') / DAY }).map((d) => keyOf(d * DAY));

describe('working-day arithmetic (property)', () => {
  it('equals a day-by-day count on every bank-holiday set, with and without a fee pause', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...bankHolidayRegions),
        day,
        fc.integer({ min: 0, max: 60 }),
        fc.option(fc.tuple(fc.integer({ min: -5, max: 40 }), fc.integer({ min: 0, max: 15 }))),
        fc.integer({ min: -10, max: 120 }),
        (region, day0, n, pause, span) => {
          const calendar = rules.calendars.get(`working-days-${region}`)!;
          const skip = pause ? (k: string) => k >= keyOf(msOf(day0) + pause[0] * DAY) && k <= keyOf(msOf(day0) + (pause[0] + pause[1]) * DAY) : () => false;
          const due = addWorkingDays(calendar, day0, n, pause ? skip : undefined);
          expect(due).toBe(referenceNth(region, day0, n, skip));
          expect(workingDaysBetween(calendar, day0, due, pause ? skip : undefined)).toBe(n);
          const upTo = keyOf(msOf(day0) + span * DAY);
          expect(workingDaysBetween(calendar, day0, upTo, pause ? skip : undefined)).toBe(referenceBetween(region, day0, upTo, skip));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
