import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { calendarSpecSchema, type CalendarSpec } from '../calendar/calendar.ts';
import { defaultCalendars } from '../calendar/defaults.ts';
import { defaultGoals, defaultKinds, defaultPolicies, goalSchema, policyVersionSchema } from '../sla/policy.ts';
import { ticketFeedsConfigSchema } from '../feeds/tickets/feed-config.ts';
import { availabilityTargetSchema, defaultAvailabilityTargets, systemsConfigSchema } from '../availability/config.ts';
import { callsConfigSchema, defaultCallsConfig } from '../calls/config.ts';
import { defaultMeasures, measureSchema } from '../measures/catalogue.ts';
import { caseworkConfigSchema } from '../casework/policy.ts';
import { caseFeedsConfigSchema } from '../feeds/cases/feed-config.ts';
import { jobsConfigSchema } from './jobs-config.ts';
import { plansConfigSchema } from '../plans/config.ts';
import { actionFeedsConfigSchema } from '../feeds/actions/feed-config.ts';
import { qualityConfigSchema } from '../quality/config.ts';

/**
 * The response cache of the GET figure routes (docs/response-cache.md). An entry is served only
 * while nothing has committed to the database since it was made and the clock is in the same
 * bucket of `nowBucketSeconds` (the staleness of answers that depend on the clock: calls waiting
 * now, tickets at risk, late feeds); 0 turns the cache off.
 */
export const responseCacheConfigSchema = z
  .object({
    nowBucketSeconds: z.number().int().min(0).max(3600).default(5),
    /** Memory for the stored answers (bodies, headers, keys), least recently used out first. */
    maxMiB: z.number().min(1).max(65_536).default(64),
  })
  .default({ nowBucketSeconds: 5, maxMiB: 64 });

/**
 * Calendars, policies and goals are data (ARCHITECTURE.md, "Rules of the house"): the defaults
 * below, each list replaced as a whole by the same key in the ATTAIN_CONFIG file when present.
 */
export const appConfigSchema = z.object({
  calendars: z.array(calendarSpecSchema).default(defaultCalendars),
  policies: z.array(policyVersionSchema).min(1).default(defaultPolicies),
  goals: z.array(goalSchema).min(1).default(defaultGoals),
  kinds: z.array(z.string().regex(/^[a-z_]+$/)).min(1).default([...defaultKinds]),
  /** Source name of tickets from the generic CSV (CLI and drop folder alike). */
  ticketSource: z.string().min(1).default('generic'),
  /** Systems whose availability is measured (METRICS.md §4); loaded into `systems` at start. */
  systems: systemsConfigSchema.default([]),
  /** SYS-AVAIL target, effective-dated (METRICS.md §5). */
  availabilityTargets: z.array(availabilityTargetSchema).min(1).default(defaultAvailabilityTargets),
  /**
   * Calendar whose zone reporting periods and naive times are read in and whose open days make
   * the KPI feed due (default: the earliest SLA policy's calendar).
   */
  reportingCalendar: z.string().min(1).optional(),
  /** Ticket feed presets and mappings (README "Ticket feed presets"): own mappings, the drop folder's preset. */
  ticketFeeds: ticketFeedsConfigSchema,
  /** Contact-centre calendar, thresholds, targets and live queue_log (METRICS.md §3). */
  calls: callsConfigSchema.default(defaultCallsConfig),
  /** The measure catalogue of the monthly report and KPI feed (METRICS.md §5); the list replaces the default. */
  measures: z.array(measureSchema).min(1).default(defaultMeasures),
  /** Casework kinds, their day-based policies and working-day calendars (METRICS.md §6). */
  casework: caseworkConfigSchema.default(() => caseworkConfigSchema.parse({})),
  /** Casework feed mappings and the drop folder's preset. */
  caseFeeds: caseFeedsConfigSchema,
  /** Drop-folder completeness, heartbeats and database-outage backoff (README "Faults"). */
  jobs: jobsConfigSchema,
  /** Service-plan weights, display rounding and status rules (METRICS.md §7). */
  plans: plansConfigSchema,
  /** Action export presets' own mappings (README "Service plans"). */
  actionFeeds: actionFeedsConfigSchema,
  /** Expected delivery cadence per feed, for the stale-feed flag (docs/metrics.md "Data-quality flags"). */
  quality: qualityConfigSchema,
  /** The GET figure routes' response cache (docs/response-cache.md). */
  responseCache: responseCacheConfigSchema,
});
export type AppConfig = z.infer<typeof appConfigSchema>;

export function loadAppConfig(file?: string): AppConfig {
  let input: unknown = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`ATTAIN_CONFIG ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    try {
      input = JSON.parse(text);
    } catch (e) {
      throw new Error(`ATTAIN_CONFIG ${file}: not valid JSON (${(e as Error).message})`);
    }
  }
  const parsed = appConfigSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`ATTAIN_CONFIG ${file}: ${i.path.join('.')}: ${i.message}`);
  }
  const config = parsed.data;
  const ids = new Set(config.calendars.map((c: CalendarSpec) => c.id));
  if (config.calls.calendarId !== undefined && !ids.has(config.calls.calendarId)) throw new Error(`ATTAIN_CONFIG ${file}: calls.calendarId names calendar "${config.calls.calendarId}", which is not configured`);
  if (config.reportingCalendar !== undefined && !ids.has(config.reportingCalendar)) throw new Error(`ATTAIN_CONFIG ${file}: reportingCalendar names calendar "${config.reportingCalendar}", which is not configured`);
  for (const p of config.policies) {
    if (!ids.has(p.calendarId)) throw new Error(`ATTAIN_CONFIG ${file}: policy ${p.id} names calendar "${p.calendarId}", which is not configured`);
  }
  return config;
}
