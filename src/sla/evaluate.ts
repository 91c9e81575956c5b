import type { BusinessCalendar } from '../calendar/calendar.ts';
import { targetFor, type PolicyVersion, type Priority } from './policy.ts';

export type SlaOutcome = 'met' | 'breached' | 'in_progress' | 'paused' | 'no_target';

/** What the evaluation needs of a ticket: instants as epoch ms. */
export type SlaTicket = {
  kind: string;
  priority: Priority;
  vip: boolean;
  openedAt: number;
  resolvedAt: number | null;
};

export type SlaResult = {
  policyVersion: string;
  calendarId: string;
  targetMinutes: number | null;
  elapsedMs: number;
  outcome: SlaOutcome;
  dueAt: number | null;
  breachedAt: number | null;
  outcomeAt: number | null;
  everBreached: boolean;
};

const MINUTE = 60_000;

/**
 * Resolution SLA of one ticket (METRICS.md §2, "Evaluating one ticket"): business time of the
 * policy's calendar from opening to resolution (or `now` while open) against the target of the
 * ticket's current priority and user class. Equal to the target counts as met.
 * `breachedAt` is the first instant at which elapsed exceeds the target: `dueAt` itself when the
 * calendar is open then, otherwise the next opening (a target that runs out at 17:00 on Friday is
 * breached at 08:40 on Monday, so a ticket resolved over the weekend has met it).
 */
export function evaluateTicket(t: SlaTicket, policy: PolicyVersion, calendar: BusinessCalendar, now: number): SlaResult {
  const target = targetFor(policy, t.kind, t.priority, t.vip);
  const end = t.resolvedAt ?? Math.max(now, t.openedAt);
  const elapsedMs = calendar.businessMs(t.openedAt, end);
  const base = { policyVersion: policy.id, calendarId: calendar.id, targetMinutes: target, elapsedMs };
  if (target === null) {
    return { ...base, outcome: 'no_target', dueAt: null, breachedAt: null, outcomeAt: null, everBreached: false };
  }
  const dueAt = calendar.addBusinessMs(t.openedAt, target * MINUTE);
  const breached = elapsedMs > target * MINUTE;
  const breachedAt = breached ? calendar.nextOpening(dueAt) : null;
  if (breached) {
    return { ...base, outcome: 'breached', dueAt, breachedAt, outcomeAt: breachedAt, everBreached: true };
  }
  if (t.resolvedAt !== null) {
    return { ...base, outcome: 'met', dueAt, breachedAt: null, outcomeAt: t.resolvedAt, everBreached: false };
  }
  return { ...base, outcome: 'in_progress', dueAt, breachedAt: null, outcomeAt: null, everBreached: false };
}
