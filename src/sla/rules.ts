import { compileCalendar, type BusinessCalendar } from '../calendar/calendar.ts';
import { localDayKey } from '../calendar/zone.ts';
import type { AppConfig } from '../config/app-config.ts';
import { perConfig } from '../config/per-config.ts';
import { policyStamp, versionInForce } from './policy.ts';

export type SlaRules = ReturnType<typeof slaRules>;

/** The calendars and policies of a configuration, compiled once (calendars cache their days). */
export const slaRules = perConfig(compileSlaRules);

function compileSlaRules(config: AppConfig) {
  const calendars = new Map<string, BusinessCalendar>(config.calendars.map((c) => [c.id, compileCalendar(c)]));
  const policies = [...config.policies].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  const first = policies[0]!;
  const zone = calendars.get(first.calendarId)!.zone;
  return {
    /** Zone of the reporting periods and of naive feed timestamps. */
    zone,
    calendars,
    /** Stamps of the configured versions: a stored state with another stamp is stale. */
    policyStamps: policies.map(policyStamp),
    /** The version in force at the ticket's opening, by the local date in the policies' zone. */
    policyAt(openedAt: number) {
      const policy = versionInForce(policies, localDayKey(zone, openedAt)) ?? first;
      return { policy, calendar: calendars.get(policy.calendarId)! };
    },
  };
}
