import type { BusinessCalendar } from '../calendar/calendar.ts';
import { classifyStatus, policyStamp, responseTargetFor, targetFor, type PolicyVersion, type Priority, type StatusClass } from './policy.ts';

export type SlaOutcome = 'met' | 'breached' | 'in_progress' | 'paused' | 'no_target';

export type StatusChange = { at: number; status: string };

/** What the evaluation needs of a ticket: instants as epoch ms. */
export type SlaTicket = {
  kind: string;
  /** The current priority: a change re-targets the whole ticket (METRICS.md §2). */
  priority: Priority;
  vip: boolean;
  openedAt: number;
  resolvedAt: number | null;
  firstResponseAt?: number | null;
  /** Status changes in any order; without them the ticket is active until `resolvedAt`. */
  statusHistory?: readonly StatusChange[];
};

export type ClockResult = {
  targetMinutes: number | null;
  elapsedMs: number;
  outcome: SlaOutcome;
  dueAt: number | null;
  breachedAt: number | null;
  outcomeAt: number | null;
};

export type SlaResult = ClockResult & {
  policyVersion: string;
  calendarId: string;
  everBreached: boolean;
  reopenCount: number;
  /** The resolution the outcome is judged at (per the reopen policy), null while open. */
  resolutionAt: number | null;
  response: ClockResult;
};

/** A stretch of the ticket's life in one state, [from, to); `to` is Infinity for the last. */
export type Phase = { from: number; to: number; state: StatusClass; status: string };

const MINUTE = 60_000;

// Statuses repeat across millions of tickets: remember each policy's reading of them instead of
// lower-casing its lists for every change (bounded, in case a feed writes free text).
const statusClasses = new WeakMap<PolicyVersion, Map<string, StatusClass>>();
function classifyCached(policy: PolicyVersion, status: string): StatusClass {
  let known = statusClasses.get(policy);
  if (!known) statusClasses.set(policy, (known = new Map()));
  let cls = known.get(status);
  if (cls === undefined) {
    cls = classifyStatus(policy, status);
    if (known.size < 10_000) known.set(status, cls);
  }
  return cls;
}

/**
 * The ticket's life as phases of active, paused and resolved time from opening on (METRICS.md
 * §2, "Clock"). The status history decides; a `resolvedAt` later than the last change that the
 * history does not show as resolved closes the ticket then; with no history the ticket is active
 * from opening to `resolvedAt`.
 */
export function phasesOf(t: SlaTicket, policy: PolicyVersion): Phase[] {
  const changes = [...(t.statusHistory ?? [])].sort((a, b) => a.at - b.at);
  const raw: Phase[] = [];
  let from = t.openedAt;
  let state: StatusClass = 'active';
  let status = '';
  for (const c of changes) {
    const at = Math.max(c.at, t.openedAt);
    if (at > from) raw.push({ from, to: at, state, status });
    from = at;
    state = classifyCached(policy, c.status);
    status = c.status;
  }
  if (t.resolvedAt !== null && state !== 'resolved' && t.resolvedAt >= from) {
    if (t.resolvedAt > from) raw.push({ from, to: t.resolvedAt, state, status });
    from = t.resolvedAt;
    state = 'resolved';
    status = 'Resolved';
  }
  raw.push({ from, to: Infinity, state, status });
  // Merge neighbours in the same state so a resolution is a change of state, not of wording.
  const phases: Phase[] = [];
  for (const p of raw) {
    const last = phases[phases.length - 1];
    if (last && last.state === p.state) last.to = p.to;
    else phases.push({ from: p.from, to: p.to, state: p.state, status: p.status });
  }
  return phases;
}

/**
 * Business time counted over `counted` spans against a target (METRICS.md §2): `dueAt` is the
 * instant elapsed reaches the target, `breachedAt` the first instant it exceeds it (the next
 * counted open instant when the target runs out at a closing time or at the start of a pause).
 */
export function runClock(
  counted: ReadonlyArray<readonly [number, number]>,
  targetMinutes: number | null,
  calendar: BusinessCalendar,
  end: { resolvedAt: number | null; pausedNow: boolean; activeNow: boolean; now: number },
): ClockResult {
  let elapsed = 0;
  let dueAt: number | null = null;
  let breachedAt: number | null = null;
  const target = targetMinutes === null ? null : targetMinutes * MINUTE;
  for (const [a, b] of counted) {
    const bt = calendar.businessMs(a, b);
    if (target !== null) {
      if (dueAt === null && elapsed + bt >= target) dueAt = calendar.addBusinessMs(a, target - elapsed);
      if (breachedAt === null && elapsed + bt > target) breachedAt = calendar.nextOpening(calendar.addBusinessMs(a, target - elapsed));
    }
    elapsed += bt;
  }
  if (target === null) return { targetMinutes, elapsedMs: elapsed, outcome: 'no_target', dueAt: null, breachedAt: null, outcomeAt: null };
  if (dueAt === null && !end.pausedNow) {
    // Not reached yet: when it would be if the clock runs on from the last counted instant.
    const last = counted.length > 0 ? counted[counted.length - 1]![1] : end.now;
    dueAt = calendar.addBusinessMs(end.resolvedAt ?? (end.activeNow ? end.now : last), target - elapsed);
  }
  if (breachedAt !== null) return { targetMinutes, elapsedMs: elapsed, outcome: 'breached', dueAt, breachedAt, outcomeAt: breachedAt };
  if (end.resolvedAt !== null) return { targetMinutes, elapsedMs: elapsed, outcome: 'met', dueAt, breachedAt: null, outcomeAt: end.resolvedAt };
  return { targetMinutes, elapsedMs: elapsed, outcome: end.pausedNow ? 'paused' : 'in_progress', dueAt, breachedAt: null, outcomeAt: null };
}

/** Active spans of the phases inside [from, to), `to` capped at `now`. */
function activeSpans(phases: readonly Phase[], from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  for (const p of phases) {
    if (p.state !== 'active') continue;
    const a = Math.max(p.from, from);
    const b = Math.min(p.to, to);
    if (b > a) out.push([a, b]);
  }
  return out;
}

type Cycle = { from: number; resolvedAt: number | null };

/** The clock of one cycle: active phases from `from` to its resolution (or `clockEnd`). */
function judgeCycle(
  phases: readonly Phase[],
  from: number,
  resolvedAt: number | null,
  target: number | null,
  calendar: BusinessCalendar,
  clockEnd: number,
): ClockResult {
  const current = phases[phases.length - 1]!.state;
  return runClock(activeSpans(phases, from, resolvedAt ?? clockEnd), target, calendar, {
    resolvedAt,
    pausedNow: resolvedAt === null && current === 'paused',
    activeNow: resolvedAt === null && current === 'active',
    now: clockEnd,
  });
}

/** Resolution cycles: opening (or a reopen) to the next resolution. */
function cyclesOf(phases: readonly Phase[]): Cycle[] {
  const cycles: Cycle[] = [{ from: phases[0]!.from, resolvedAt: null }];
  for (const p of phases) {
    const current = cycles[cycles.length - 1]!;
    if (p.state === 'resolved') {
      if (current.resolvedAt === null) current.resolvedAt = p.from;
    } else if (current.resolvedAt !== null) {
      cycles.push({ from: p.from, resolvedAt: null });
    }
  }
  return cycles;
}

/**
 * Resolution and response SLA of one ticket (METRICS.md §2, "Evaluating one ticket"): business
 * time of the policy's calendar over the ticket's active phases, against the target of its
 * current priority and user class, with the policy's reopen rule:
 * `continue` counts every active phase up to the final resolution; `first` stops at the first
 * resolution; `new_cycle` gives each reopen a new clock with the full target and judges the last
 * cycle, `everBreached` remembering any. Equal to the target counts as met.
 */
export function evaluateTicket(t: SlaTicket, policy: PolicyVersion, calendar: BusinessCalendar, now: number): SlaResult {
  const phases = phasesOf(t, policy);
  const cycles = cyclesOf(phases);
  const reopenCount = cycles.length - 1;
  const current = phases[phases.length - 1]!;
  const clockEnd = Math.max(now, t.openedAt);
  const target = targetFor(policy, t.kind, t.priority, t.vip);

  // No per-call closures here: this runs a million times a run (bench:sla), and a closure per
  // call (named by tsx's keepNames) cost more than the clock itself.
  let result: ClockResult;
  let everBreached: boolean;
  let resolutionAt: number | null;
  if (policy.reopen === 'first') {
    resolutionAt = cycles[0]!.resolvedAt;
    result = judgeCycle(phases, t.openedAt, resolutionAt, target, calendar, clockEnd);
    everBreached = result.outcome === 'breached';
  } else if (policy.reopen === 'new_cycle') {
    result = judgeCycle(phases, cycles[0]!.from, cycles[0]!.resolvedAt, target, calendar, clockEnd);
    everBreached = result.outcome === 'breached';
    for (let i = 1; i < cycles.length; i++) {
      result = judgeCycle(phases, cycles[i]!.from, cycles[i]!.resolvedAt, target, calendar, clockEnd);
      if (result.outcome === 'breached') everBreached = true;
    }
    resolutionAt = cycles[cycles.length - 1]!.resolvedAt;
  } else {
    resolutionAt = current.state === 'resolved' ? current.from : null;
    result = judgeCycle(phases, t.openedAt, resolutionAt, target, calendar, clockEnd);
    everBreached = result.outcome === 'breached';
  }

  // First response: the clock stops at the first response (or at resolution, whichever is first).
  const responseTarget = responseTargetFor(policy, t.kind, t.priority, t.vip);
  const firstResolution = cycles[0]!.resolvedAt;
  const firstResponse = t.firstResponseAt ?? null;
  const respondedAt =
    firstResponse === null ? firstResolution : firstResolution === null ? firstResponse : Math.min(firstResponse, firstResolution);
  const response = judgeCycle(phases, t.openedAt, respondedAt, responseTarget, calendar, clockEnd);

  // Fields copied one by one: an object spread here was the slowest line of the engine (V8's
  // generic clone path), about 10 µs a ticket.
  return {
    targetMinutes: result.targetMinutes,
    elapsedMs: result.elapsedMs,
    outcome: result.outcome,
    dueAt: result.dueAt,
    breachedAt: result.breachedAt,
    outcomeAt: result.outcomeAt,
    policyVersion: policyStamp(policy),
    calendarId: calendar.id,
    everBreached,
    reopenCount,
    resolutionAt,
    response,
  };
}
