/**
 * The casework clock of one case (METRICS.md §6): day 0, pauses, restarts, extension, due date,
 * outcome and the timeline that explains it. Pure: facts, policy, calendar and `now` in.
 */
import type { BusinessCalendar } from '../calendar/calendar.ts';
import { localDayKey, localToUtc, parseDayKey } from '../calendar/zone.ts';
import type { CasePolicy, CaseTarget } from './policy.ts';
import { addCalendarMonths, addWorkingDays, onOrNextWorkingDay, workingDaysBetween } from './working-days.ts';

/** What a case's feed row says happened (instants in epoch ms; `extendedTo` a local date). */
export type CaseFacts = {
  receivedAt: number;
  respondedAt: number | null;
  extendedTo: string | null;
  extensionReason?: string | null;
  clarificationRequestedAt: number | null;
  clarificationReceivedAt: number | null;
  feeRequestedAt: number | null;
  feeReceivedAt: number | null;
  idRequestedAt: number | null;
  idReceivedAt: number | null;
};

export const caseOutcomes = ['met', 'late', 'open', 'overdue', 'stopped'] as const;
export type CaseOutcome = (typeof caseOutcomes)[number];

export type ClockEventKind =
  | 'received' | 'clarification_requested' | 'clarification_received' | 'identity_requested' | 'identity_received'
  | 'fee_requested' | 'fee_received' | 'clock_start' | 'due' | 'extension' | 'responded' | 'deadline_passed';

/** One line of "why was this late?": the local day, the instant when the feed gave one, what it did. */
export type ClockEvent = { kind: ClockEventKind; day: string; at: string | null; note: string };

export type CaseClock = {
  receivedDay: string;
  /** Day 0 of the clock; null while it waits for the requester (clarification, identity, fee). */
  startDay: string | null;
  /** What the clock is waiting for when it has no due date. */
  waitingFor: 'clarification' | 'identity' | 'fee' | null;
  /** Due date before any extension. */
  originalDueDay: string | null;
  dueDay: string | null;
  /** End of the due day, local time (epoch ms); a response at or before it is met. */
  dueAt: number | null;
  /** An authorised extension moved the due date. */
  extended: boolean;
  /** Working days disregarded by a fee pause. */
  pausedWorkingDays: number;
  respondedDay: string | null;
  /** Working days after day 0 up to the day of the response (paused days not counted). */
  workingDaysToRespond: number | null;
  events: ClockEvent[];
};

/** A clock that cannot be computed (dates outside the calendar's bank-holiday years): names the field. */
export class CaseClockError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

const describe = (t: CaseTarget) => ('workingDays' in t ? `${t.workingDays} working days` : `${t.months} calendar month${t.months === 1 ? '' : 's'}`);

/** The due day of a target from day 0: day N of working days, or the corresponding date moved to a working day. */
function dueFrom(calendar: BusinessCalendar, start: string, target: CaseTarget, disregard?: (d: string) => boolean): string {
  if ('workingDays' in target) return addWorkingDays(calendar, start, target.workingDays, disregard);
  return onOrNextWorkingDay(calendar, addCalendarMonths(start, target.months));
}

/** End of a local day (its 24:00) in the calendar's zone. */
export function endOfDay(zone: string, day: string): number {
  const [y, m, d] = parseDayKey(day)!;
  return localToUtc(zone, y, m, d, 1440);
}

/** What every step of one case's clock shares; the steps add to `events`. */
type ClockRun = {
  facts: CaseFacts;
  policy: CasePolicy;
  calendar: BusinessCalendar;
  rules: Set<string>;
  events: ClockEvent[];
  dayOf: (ms: number) => string;
  iso: (ms: number | null) => string | null;
  /** Throws when a day is outside the calendar's bank-holiday years. */
  check: (field: string, day: string | null) => void;
};
type WaitingFor = CaseClock['waitingFor'];
/** A fee notice on a working-day clock: the notice's day and the fee's (null: not paid yet). */
type FeePause = [string, string | null];

/**
 * Day 0: the day of receipt, or the latest day a clarification, identity evidence or — for a
 * months target — fee the rules wait for arrived; none (null) while one is still awaited.
 */
function startOfClock(c: ClockRun, receivedDay: string): { start: string | null; startWhy: string; waitingFor: WaitingFor; pause: FeePause | null } {
  const { facts, policy, rules, events, dayOf, iso } = c;
  let start: string | null = receivedDay;
  let startWhy = 'day of receipt';
  let waitingFor: WaitingFor = null;
  const later = (day: string, why: string) => {
    if (start !== null && day > start) {
      start = day;
      startWhy = why;
    }
  };
  const waitFor = (what: NonNullable<WaitingFor>, requested: number | null, received: number | null, restart: string) => {
    if (requested === null) return;
    events.push({ kind: `${what === 'identity' ? 'identity' : what}_requested` as ClockEventKind, day: dayOf(requested), at: iso(requested), note: `${what} asked for: the clock waits for it` });
    if (received === null) {
      waitingFor ??= what;
      return;
    }
    const d = dayOf(received);
    events.push({ kind: `${what}_received` as ClockEventKind, day: d, at: iso(received), note: `${what} received: ${restart}` });
    later(d, `${what} received`);
  };
  if (rules.has('clarification')) waitFor('clarification', facts.clarificationRequestedAt, facts.clarificationReceivedAt, 'the clock restarts, this day is day 0 (FOIA s1(3))');
  if (rules.has('identity')) waitFor('identity', facts.idRequestedAt, facts.idReceivedAt, 'the clock starts, this day is day 0');
  const feeByMonths = rules.has('fee') && 'months' in policy.target;
  if (feeByMonths) waitFor('fee', facts.feeRequestedAt, facts.feeReceivedAt, 'the clock starts, this day is day 0');

  // A fee notice on a working-day clock: the days from notice to fee, both included, are disregarded.
  let pause: FeePause | null = null;
  if (rules.has('fee') && !feeByMonths && facts.feeRequestedAt !== null) {
    pause = [dayOf(facts.feeRequestedAt), facts.feeReceivedAt === null ? null : dayOf(facts.feeReceivedAt)];
  }
  if (waitingFor !== null) start = null;
  return { start, startWhy, waitingFor, pause };
}

/** A fee pause before the undisturbed due date stops the clock (FOIA s10(2)); one after it does not. */
function feePause(c: ClockRun, day0: string, pause: FeePause | null): { disregard?: (d: string) => boolean; waitingForFee: boolean } {
  const { facts, events, iso } = c;
  const undisturbed = dueFrom(c.calendar, day0, c.policy.target);
  if (pause && pause[0] <= undisturbed) {
    const [from, to] = pause;
    events.push({ kind: 'fee_requested', day: from, at: iso(facts.feeRequestedAt), note: 'fees notice given: the clock stops (FOIA s10(2)); this day is not counted' });
    if (to === null) return { waitingForFee: true };
    events.push({ kind: 'fee_received', day: to, at: iso(facts.feeReceivedAt), note: 'fee received: this day is not counted either; the clock runs again the next working day' });
    return { disregard: (d) => d >= from && d <= to, waitingForFee: false };
  }
  if (pause) events.push({ kind: 'fee_requested', day: pause[0], at: iso(facts.feeRequestedAt), note: 'fees notice given after the due date: the clock was not stopped' });
  return { waitingForFee: false };
}

/** An authorised extension moves the due day to `extendedTo`, capped at `maxExtended`; others are noted and ignored. */
function extension(c: ClockRun, day0: string, originalDueDay: string, disregard: ((d: string) => boolean) | undefined): { dueDay: string; extended: boolean } {
  const { facts, policy, events, iso } = c;
  if (facts.extendedTo === null) return { dueDay: originalDueDay, extended: false };
  const reason = facts.extensionReason ? ` (${facts.extensionReason})` : '';
  if (!c.rules.has('extension')) {
    events.push({ kind: 'extension', day: facts.extendedTo, at: null, note: `extension to ${facts.extendedTo}${reason} ignored: the policy for ${policy.kind} allows none` });
    return { dueDay: originalDueDay, extended: false };
  }
  if (facts.extendedTo <= originalDueDay) {
    events.push({ kind: 'extension', day: facts.extendedTo, at: null, note: `extension to ${facts.extendedTo}${reason} ignored: not after the due date` });
    return { dueDay: originalDueDay, extended: false };
  }
  const cap = policy.maxExtended ? dueFrom(c.calendar, day0, policy.maxExtended, disregard) : null;
  const dueDay = cap !== null && facts.extendedTo > cap ? cap : facts.extendedTo;
  events.push({
    kind: 'extension',
    day: dueDay,
    at: iso(endOfDay(c.calendar.zone, dueDay)),
    note: dueDay === facts.extendedTo ? `authorised extension${reason}: due by the end of this day` : `authorised extension to ${facts.extendedTo}${reason} capped at the longest allowed, ${describe(policy.maxExtended!)}: due by the end of this day`,
  });
  return { dueDay, extended: true };
}

type DueDates = { originalDueDay: string | null; dueDay: string | null; extended: boolean; pausedWorkingDays: number; disregard?: (d: string) => boolean; waitingForFee: boolean };

/** From day 0: the fee pause, the due day (paused working days added) and any extension. */
function dueDates(c: ClockRun, day0: string, startWhy: string, pause: FeePause | null): DueDates {
  const { policy, events, iso } = c;
  events.push({ kind: 'clock_start', day: day0, at: null, note: `day 0 (${startWhy}); day 1 is the next working day` });
  const { disregard, waitingForFee } = feePause(c, day0, pause);
  if (waitingForFee) return { originalDueDay: null, dueDay: null, extended: false, pausedWorkingDays: 0, disregard, waitingForFee };
  const originalDueDay = dueFrom(c.calendar, day0, policy.target, disregard);
  const pausedWorkingDays = disregard ? workingDaysBetween(c.calendar, day0, originalDueDay) - workingDaysBetween(c.calendar, day0, originalDueDay, disregard) : 0;
  c.check('received_at', originalDueDay);
  events.push({ kind: 'due', day: originalDueDay, at: iso(endOfDay(c.calendar.zone, originalDueDay)), note: `due by the end of this day: ${describe(policy.target)} from day 0${pausedWorkingDays ? `, ${pausedWorkingDays} working day${pausedWorkingDays === 1 ? '' : 's'} of fee pause added` : ''}` });
  return { originalDueDay, ...extension(c, day0, originalDueDay, disregard), pausedWorkingDays, disregard, waitingForFee };
}

/** The response (on which working day) and a deadline that passed before it, or without one. */
function responseOf(c: ClockRun, start: string | null, dueDay: string | null, dueAt: number | null, disregard: ((d: string) => boolean) | undefined) {
  const { facts, events, iso } = c;
  const respondedDay = facts.respondedAt === null ? null : c.dayOf(facts.respondedAt);
  let workingDaysToRespond: number | null = null;
  if (respondedDay !== null && start !== null) workingDaysToRespond = workingDaysBetween(c.calendar, start, respondedDay, disregard);
  if (respondedDay !== null && facts.respondedAt !== null) {
    events.push({ kind: 'responded', day: respondedDay, at: iso(facts.respondedAt), note: workingDaysToRespond === null ? 'responded' : `responded on working day ${workingDaysToRespond}` });
  }
  if (dueAt !== null && (facts.respondedAt === null || facts.respondedAt > dueAt)) {
    events.push({ kind: 'deadline_passed', day: dueDay!, at: iso(dueAt), note: facts.respondedAt === null ? 'the deadline passed at the end of this day without a response' : 'the deadline passed at the end of this day, before the response' });
  }
  return { respondedDay, workingDaysToRespond };
}

/** The timeline's order within one day. */
const EVENT_ORDER: Record<ClockEventKind, number> = { received: 0, clarification_requested: 1, identity_requested: 1, fee_requested: 1, clarification_received: 2, identity_received: 2, fee_received: 2, clock_start: 3, due: 4, extension: 5, responded: 6, deadline_passed: 7 };

/**
 * Computes a case's clock (METRICS.md §6): day 0 is the day of receipt, or of the clarification
 * (restart, FOIA s1(3)), identity evidence or — for a months target — fee that the rules say it
 * waits for; a fee notice disregards the working days from the notice to the fee, both included
 * (FOIA s10(2)); an authorised extension moves the due date to `extendedTo` (capped at the
 * policy's `maxExtended`, never earlier than the original due date).
 */
export function caseClock(facts: CaseFacts, policy: CasePolicy, calendar: BusinessCalendar, coveredYears?: { first: number; last: number } | null): CaseClock {
  const zone = calendar.zone;
  const check = (field: string, day: string | null) => {
    if (!coveredYears || day === null) return;
    const y = Number(day.slice(0, 4));
    if (y < coveredYears.first || y > coveredYears.last) {
      throw new CaseClockError(field, `${day} is outside the years of calendar ${calendar.id}'s bank holidays (${coveredYears.first}–${coveredYears.last})`);
    }
  };
  const c: ClockRun = { facts, policy, calendar, rules: new Set(policy.rules), events: [], dayOf: (ms) => localDayKey(zone, ms), iso: (ms) => (ms === null ? null : new Date(ms).toISOString()), check };
  const receivedDay = c.dayOf(facts.receivedAt);
  c.events.push({ kind: 'received', day: receivedDay, at: c.iso(facts.receivedAt), note: `received: ${policy.title}, ${describe(policy.target)} in calendar ${calendar.id}` });

  const { start, startWhy, waitingFor: awaited, pause } = startOfClock(c, receivedDay);
  check('received_at', receivedDay);
  check('received_at', start);
  const due: DueDates = start === null ? { originalDueDay: null, dueDay: null, extended: false, pausedWorkingDays: 0, waitingForFee: false } : dueDates(c, start, startWhy, pause);
  const waitingFor: WaitingFor = awaited ?? (due.waitingForFee ? 'fee' : null);
  const dueDay = waitingFor === null ? due.dueDay : null;
  const originalDueDay = waitingFor === null ? due.originalDueDay : null;
  const dueAt = dueDay === null ? null : endOfDay(zone, dueDay);
  const { respondedDay, workingDaysToRespond } = responseOf(c, start, dueDay, dueAt, due.disregard);
  const events = c.events.sort((a, b) => a.day.localeCompare(b.day) || EVENT_ORDER[a.kind] - EVENT_ORDER[b.kind] || (a.at ?? '').localeCompare(b.at ?? ''));
  return { receivedDay, startDay: start, waitingFor, originalDueDay, dueDay, dueAt, extended: due.extended, pausedWorkingDays: due.pausedWorkingDays, respondedDay, workingDaysToRespond, events };
}

/**
 * A case's outcome at `now` (METRICS.md §6): met when answered by the end of the due day (equal
 * is met), late when answered after it, overdue when unanswered past it, open before it;
 * stopped while the clock waits for the requester (no due date). The store counts with the same
 * rule in SQL (src/store/cases.ts, `outcomeSql`).
 */
export function caseOutcome(dueAt: number | null, respondedAt: number | null, now: number): CaseOutcome {
  if (dueAt === null) return 'stopped';
  if (respondedAt !== null) return respondedAt <= dueAt ? 'met' : 'late';
  return now > dueAt ? 'overdue' : 'open';
}
