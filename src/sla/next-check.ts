import type { BusinessCalendar } from '../calendar/calendar.ts';
import type { ClockResult, SlaResult, SlaTicket } from './evaluate.ts';

/**
 * The next instant a ticket's stored state (outcome, due, breach, outcome and resolution instants)
 * can change without new data, or null when only new data can change it (issue 12, "compute
 * proportional to change"). A clock still running can only breach: elapsed business time passes
 * the target on the first open instant after `dueAt` (it stays equal through a closed stretch),
 * so the state holds until 1 ms after `nextOpening(dueAt)`. A ticket with an event after `now`
 * (a status change, a resolution or a response dated ahead of the clock) is checked on every run,
 * as before.
 */
export function nextCheckAt(t: SlaTicket, r: SlaResult, calendar: BusinessCalendar, now: number): number | null {
  const ahead = (ms: number | null | undefined) => ms !== null && ms !== undefined && ms > now;
  if (ahead(t.openedAt) || ahead(t.resolvedAt) || ahead(t.firstResponseAt) || (t.statusHistory ?? []).some((h) => ahead(h.at))) return now;
  let next: number | null = null;
  for (const clock of [r, r.response] as ClockResult[]) {
    if (clock.outcome !== 'in_progress' || clock.dueAt === null) continue;
    const at = calendar.nextOpening(clock.dueAt) + 1;
    next = next === null ? at : Math.min(next, at);
  }
  return next;
}
