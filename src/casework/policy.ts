/**
 * Day-based casework policies and their calendars as configuration (METRICS.md §6). Pure.
 */
import { z } from 'zod';
import { compileCalendar, type BusinessCalendar, type CalendarSpec } from '../calendar/calendar.ts';
import { dayKeySchema } from '../calendar/dates.ts';
import { DEFAULT_ZONE } from '../calendar/defaults.ts';
import { versionInForce } from '../calendar/effective.ts';
import { isValidZone } from '../calendar/zone.ts';
import { bankHolidayRegions, bankHolidays, HOLIDAY_YEARS, type BankHolidayRegion } from './holidays.ts';

const day = dayKeySchema;
const weekdayNames = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A working-day calendar: weekdays worked, a bank-holiday set, own closed dates. */
export const caseCalendarSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
  zone: z.string().refine(isValidZone, 'unknown IANA time zone').default(DEFAULT_ZONE),
  /** Which published bank-holiday set closes the calendar (`united-kingdom` = the union, FOIA s10(6)). */
  holidays: z.enum(bankHolidayRegions).optional(),
  /** Further closed dates (e.g. a council's own closure days). */
  closed: z.array(day).default([]),
  workingWeekdays: z.array(z.enum(weekdayNames)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
});
export type CaseCalendar = z.infer<typeof caseCalendarSchema>;

/** A clock's length: N working days, or N calendar months. */
export const caseTargetSchema = z.union([
  z.strictObject({ workingDays: z.number().int().min(1).max(400) }),
  z.strictObject({ months: z.number().int().min(1).max(24) }),
]);
export type CaseTarget = z.infer<typeof caseTargetSchema>;

export const clockRules = ['clarification', 'fee', 'identity', 'extension'] as const;
export type ClockRule = (typeof clockRules)[number];

/** One effective-dated version of a kind's policy: the version in force on the day of receipt applies. */
export const casePolicySchema = z.object({
  kind: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -'),
  effectiveFrom: day,
  title: z.string().min(1),
  calendarId: z.string().min(1),
  target: caseTargetSchema,
  /**
   * clarification: its receipt restarts the clock (FOIA s1(3)); fee: working days from the fees
   * notice to the fee's receipt, both included, are disregarded (FOIA s10(2)), or for a months
   * target the clock starts on the fee's receipt; identity: the clock starts on receipt of the
   * identity evidence asked for; extension: an authorised `extendedTo` moves the due date.
   */
  rules: z.array(z.enum(clockRules)).default([]),
  /** The longest an extension may make the whole clock (e.g. 10 working days); absent = no cap. */
  maxExtended: caseTargetSchema.optional(),
  /** Attainment goal: share of cases within timescale (met ÷ (met + late)). */
  goal: z.number().min(0).max(1),
});
export type CasePolicy = z.infer<typeof casePolicySchema>;

/** The `casework` section of ATTAIN_CONFIG. */
export const caseworkConfigSchema = z.object({
  /** Source name of cases from the generic CSV (command, upload and drop folder alike). */
  source: z.string().min(1).default('generic'),
  calendars: z.array(caseCalendarSchema).min(1).default(() => defaultCaseCalendars()),
  policies: z.array(casePolicySchema).min(1).default(() => defaultCasePolicies()),
});
export type CaseworkConfig = z.infer<typeof caseworkConfigSchema>;

/** One calendar per bank-holiday set, Monday to Friday, in the default zone. */
export function defaultCaseCalendars(): CaseCalendar[] {
  return bankHolidayRegions.map((region) => caseCalendarSchema.parse({ id: `working-days-${region}`, holidays: region }));
}

/**
 * Default kinds (METRICS.md §6) with the goals of the published measures: stage 1 complaints
 * 5 working days (extendable to 10), stage 2 20; FOI and EIR 20 working days over the UK-wide
 * union of bank holidays (FOIA s10(6)), extendable to 40 (public interest, EIR reg 7); FOISA 20
 * over Scotland's; SAR one calendar month, extendable by two; member enquiries 10.
 */
export function defaultCasePolicies(): CasePolicy[] {
  const from = '2015-01-01';
  const ew = 'working-days-england-and-wales';
  const uk = 'working-days-united-kingdom';
  return [
    { kind: 'complaint-stage-1', title: 'Stage 1 complaints', calendarId: ew, target: { workingDays: 5 }, rules: ['extension'], maxExtended: { workingDays: 10 }, goal: 0.8 },
    { kind: 'complaint-stage-2', title: 'Stage 2 complaints', calendarId: ew, target: { workingDays: 20 }, rules: ['extension'], goal: 0.8 },
    { kind: 'foi', title: 'FOI requests', calendarId: uk, target: { workingDays: 20 }, rules: ['clarification', 'fee', 'extension'], maxExtended: { workingDays: 40 }, goal: 0.9 },
    { kind: 'eir', title: 'EIR requests', calendarId: uk, target: { workingDays: 20 }, rules: ['clarification', 'fee', 'extension'], maxExtended: { workingDays: 40 }, goal: 0.9 },
    { kind: 'foisa', title: 'FOISA requests', calendarId: 'working-days-scotland', target: { workingDays: 20 }, rules: ['clarification', 'fee'], goal: 0.9 },
    { kind: 'sar', title: 'Subject access requests', calendarId: uk, target: { months: 1 }, rules: ['clarification', 'fee', 'identity', 'extension'], maxExtended: { months: 3 }, goal: 0.85 },
    { kind: 'member-enquiry', title: 'Member enquiries', calendarId: ew, target: { workingDays: 10 }, rules: ['extension'], goal: 0.85 },
  ].map((p) => casePolicySchema.parse({ effectiveFrom: from, ...p }));
}

/** The calendar spec of a casework calendar (open all day on working weekdays; holidays closed). */
export function caseCalendarSpec(c: CaseCalendar): CalendarSpec {
  const open = ['00:00-24:00'];
  return {
    id: c.id,
    zone: c.zone,
    weekly: Object.fromEntries(c.workingWeekdays.map((d) => [d, open])),
    closed: [...(c.holidays ? bankHolidays[c.holidays as BankHolidayRegion] : []), ...c.closed],
  };
}

export type CaseRules = ReturnType<typeof caseRules>;

/** The casework configuration compiled once: calendars (which cache their days), kinds, policies in force. */
export function caseRules(config: CaseworkConfig) {
  const calendars = new Map<string, BusinessCalendar>(config.calendars.map((c) => [c.id, compileCalendar(caseCalendarSpec(c))]));
  const covered = new Map(config.calendars.map((c) => [c.id, c.holidays ? HOLIDAY_YEARS : null]));
  for (const p of config.policies) {
    if (!calendars.has(p.calendarId)) throw new Error(`casework policy ${p.kind} (from ${p.effectiveFrom}) names calendar "${p.calendarId}", which is not configured`);
  }
  const kinds = [...new Set(config.policies.map((p) => p.kind))];
  const firstCalendar = calendars.get(config.policies[0]!.calendarId)!;
  return {
    config,
    kinds,
    /** Zone of reporting periods and of naive feed timestamps: the first policy's calendar's. */
    zone: firstCalendar.zone,
    calendars,
    /** The years a calendar's bank-holiday set covers (null: no published set, any year). */
    coveredYears: (calendarId: string) => covered.get(calendarId) ?? null,
    /** The version of a kind's policy in force on a local date (its receipt), with its calendar. */
    policyFor(kind: string, localDay: string): { policy: CasePolicy; calendar: BusinessCalendar } | undefined {
      const policy = versionInForce(config.policies.filter((p) => p.kind === kind), localDay);
      return policy ? { policy, calendar: calendars.get(policy.calendarId)! } : undefined;
    },
    /** The goal for a kind in a period, judged by the version in force on its first day. */
    goalFor(kind: string | undefined, periodStart: string): number | null {
      if (!kind) return null;
      return versionInForce(config.policies.filter((p) => p.kind === kind), periodStart)?.goal ?? null;
    },
  };
}
