import { compileCalendar, type BusinessCalendar } from '../calendar/calendar.ts';
import type { AppConfig } from '../config/app-config.ts';
import { perConfig } from '../config/per-config.ts';
import type { CountOptions } from './kpis.ts';

/** Names of the stored call figures in `metric_values` (dims {queue} or {mailbox}; {} is all). */
export const CALLS_METRIC = 'calls.visits';
export const EMAILS_METRIC = 'calls.emails';

export type CallsRules = ReturnType<typeof callsRules>;

/** The contact centre's calendar, zone and thresholds from a configuration, compiled once. */
export const callsRules = perConfig(compileCallsRules);

function compileCallsRules(config: AppConfig) {
  const c = config.calls;
  const id = c.calendarId ?? (config.calendars.some((k) => k.id === 'service-desk') ? 'service-desk' : config.policies[0]!.calendarId);
  const spec = config.calendars.find((k) => k.id === id);
  if (!spec) throw new Error(`calls.calendarId: calendar "${id}" is not configured`);
  const calendar: BusinessCalendar = compileCalendar(spec);
  const count: CountOptions = { shortAbandonSeconds: c.shortAbandonSeconds, serviceLevelSeconds: c.serviceLevelSeconds };
  return { config: c, calendarId: id, calendar, zone: calendar.zone, count };
}
