/**
 * The calendars of a configuration and the reporting zone, in one place (ARCHITECTURE.md:
 * calendars are configuration). Routes, pages, commands, jobs and the demo take the zone from
 * here; only the calendar defaults and this folder name a zone.
 */
import { compileCalendar, type BusinessCalendar } from '../calendar/calendar.ts';
import { getDefaultCalendar } from '../calendar/defaults.ts';
import type { AppConfig } from './app-config.ts';

const compiled = new WeakMap<AppConfig, Map<string, BusinessCalendar>>();

/** The configured calendar of that id (compiled once per configuration); the built-in default otherwise. */
export function calendarOf(config: AppConfig, id: string): BusinessCalendar | undefined {
  let cals = compiled.get(config);
  if (!cals) {
    cals = new Map(config.calendars.map((c) => [c.id, compileCalendar(c)]));
    compiled.set(config, cals);
  }
  let cal = cals.get(id);
  if (!cal) {
    const spec = getDefaultCalendar(id);
    if (spec) cals.set(id, (cal = compileCalendar(spec)));
  }
  return cal;
}

/** Id of the reporting calendar: `reportingCalendar` when set, else the earliest SLA policy's calendar. */
export function reportingCalendarId(config: AppConfig): string {
  if (config.reportingCalendar) return config.reportingCalendar;
  const first = [...config.policies].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))[0]!;
  return first.calendarId;
}

/**
 * The reporting calendar: its zone is the zone of reporting periods (days, months), of naive
 * times in requests and feeds, and of the KPI feed's schedule; its open days decide when the
 * feed is due. Start-up checks that it is configured.
 */
export function reportingCalendar(config: AppConfig): BusinessCalendar {
  const id = reportingCalendarId(config);
  const cal = calendarOf(config, id);
  if (!cal) throw new Error(`reporting calendar "${id}" is not configured`);
  return cal;
}

/** Zone of the reporting periods (see `reportingCalendar`). */
export function reportingZone(config: AppConfig): string {
  return reportingCalendar(config).zone;
}

/** Zone of a calendar by id (a system's, a feed's); the reporting zone when that id is not configured. */
export function zoneOfCalendar(config: AppConfig, id: string): string {
  return calendarOf(config, id)?.zone ?? reportingZone(config);
}
