/**
 * A deliberately simple reference SLA engine (METRICS.md §1–2), for property tests and the
 * benchmark only: it walks the ticket's life one UTC minute at a time and, for each minute,
 * decides from first principles whether the calendar is open and which state the ticket is in.
 * It shares no arithmetic with src/calendar or src/sla (only their types): local wall times come
 * straight from Intl, day numbers and weekdays from Date.UTC.
 *
 * Limits, on purpose: instants must be whole minutes, and zones must change offset only on whole
 * UTC hours (Europe/London, Europe/Berlin, America/New_York, UTC), so that one offset per UTC
 * hour is exact and a calendar's span ends fall on whole minutes.
 */
import type { CalendarSpec } from '../../src/calendar/calendar.ts';
import type { SlaOutcome, SlaTicket } from '../../src/sla/evaluate.ts';
import type { PolicyVersion } from '../../src/sla/policy.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export const referenceZones = ['Europe/London', 'UTC', 'America/New_York', 'Europe/Berlin'] as const;

// ---------------------------------------------------------------------------------------------
// Local wall time, straight from Intl (offset cached per zone and UTC hour)
// ---------------------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

function offsetAt(zone: string, t: number): number {
  let perHour = offsets.get(zone);
  if (!perHour) {
    if (!(referenceZones as readonly string[]).includes(zone)) throw new Error(`reference: zone ${zone} not supported`);
    perHour = new Map();
    offsets.set(zone, perHour);
  }
  const hour = Math.floor(t / HOUR);
  let off = perHour.get(hour);
  if (off === undefined) {
    let fmt = formatters.get(zone);
    if (!fmt) {
      fmt = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        hourCycle: 'h23',
      });
      formatters.set(zone, fmt);
    }
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(hour * HOUR)) p[part.type] = Number(part.value);
    off = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - hour * HOUR;
    perHour.set(hour, off);
  }
  return off;
}

/** Local day number (days since 1970-01-01 on the local calendar) of instant t. */
function localDay(zone: string, t: number): number {
  return Math.floor((t + offsetAt(zone, t)) / DAY);
}

/** Local minute of the day (0..1439) shown by the wall clock at instant t. */
function localMinute(zone: string, t: number): number {
  const wall = t + offsetAt(zone, t);
  return Math.floor((wall - Math.floor(wall / DAY) * DAY) / MIN);
}

// ---------------------------------------------------------------------------------------------
// Calendar, from the spec
// ---------------------------------------------------------------------------------------------

const WEEKDAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const; // getUTCDay order

function spanMinutes(text: string): [number, number] {
  const [s, e] = text.split('-') as [string, string];
  const m = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return [m(s), m(e)];
}

const dayStarts = new Map<string, Map<number, number>>();

/** The first UTC minute whose local day is `day` (scanning forward). */
function dayStart(zone: string, day: number): number {
  let perZone = dayStarts.get(zone);
  if (!perZone) dayStarts.set(zone, (perZone = new Map()));
  let t = perZone.get(day);
  if (t === undefined) {
    // Offsets of the supported zones lie within ±12 h, so the day starts after this.
    t = day * DAY - 12 * HOUR;
    while (localDay(zone, t) < day) t += MIN;
    perZone.set(day, t);
  }
  return t;
}

/**
 * METRICS.md §1 endpoint rule in its simplest form: local HH:MM of day D is the first UTC minute
 * of day D whose wall clock reads ≥ HH:MM (a skipped time → the next existing instant; a
 * repeated one → its first occurrence); 24:00 is the start of the next local day.
 */
function endpoint(zone: string, day: number, minuteOfDay: number): number {
  const next = dayStart(zone, day + 1);
  if (minuteOfDay >= 1440) return next;
  for (let t = dayStart(zone, day); t < next; t += MIN) if (localMinute(zone, t) >= minuteOfDay) return t;
  return next;
}

const openIntervals = new WeakMap<CalendarSpec, Map<number, Array<[number, number]>>>();

/** UTC [start, end) intervals open on local day `day`: an override, else closed, else weekly. */
function intervalsOf(spec: CalendarSpec, day: number): Array<[number, number]> {
  let perDay = openIntervals.get(spec);
  if (!perDay) openIntervals.set(spec, (perDay = new Map()));
  let out = perDay.get(day);
  if (out === undefined) {
    const key = new Date(day * DAY).toISOString().slice(0, 10);
    const weekday = WEEKDAY_KEYS[new Date(day * DAY).getUTCDay()]!;
    const spans = spec.overrides?.[key] ?? (spec.closed?.includes(key) ? [] : (spec.weekly[weekday] ?? []));
    out = spans.map((s) => {
      const [a, b] = spanMinutes(s);
      return [endpoint(spec.zone, day, a), endpoint(spec.zone, day, b)];
    });
    perDay.set(day, out);
  }
  return out;
}

/** Is the calendar open during the whole minute starting at t? */
export function referenceIsOpen(spec: CalendarSpec, t: number): boolean {
  return intervalsOf(spec, localDay(spec.zone, t)).some(([a, b]) => a <= t && t < b);
}

// ---------------------------------------------------------------------------------------------
// Ticket
// ---------------------------------------------------------------------------------------------

type State = 'active' | 'paused' | 'resolved';

export type ReferenceClock = {
  targetMinutes: number | null;
  elapsedMs: number;
  outcome: SlaOutcome;
  breachedAt: number | null;
  outcomeAt: number | null;
  /** undefined where the reference leaves it undefined (stopped before the target was reached, or too far ahead). */
  dueAt: number | null | undefined;
  /** The counted minutes (their start instants), for tests that aim targets at their gaps. */
  countedMinutes: number[];
};

export type ReferenceResult = ReferenceClock & {
  everBreached: boolean;
  reopenCount: number;
  /** First response: the clock from opening to the first response or first resolution. */
  response: ReferenceClock;
};

/** How far ahead (after `now`) the reference looks for a projected dueAt before giving up. */
const PROJECTION_LIMIT = 21 * DAY;

function classify(policy: PolicyVersion, status: string): State {
  const s = status.trim().toLowerCase();
  for (const r of policy.resolvedStatuses) if (s === r.toLowerCase()) return 'resolved';
  for (const p of policy.pausePrefixes) if (s.startsWith(p.toLowerCase())) return 'paused';
  return 'active';
}

/**
 * Resolution and first-response SLA of one ticket (METRICS.md §2), minute by minute. `now` must
 * not be before any of the ticket's instants.
 */
export function referenceEvaluate(ticket: SlaTicket, policy: PolicyVersion, spec: CalendarSpec, now: number): ReferenceResult {
  // Targets of the current priority and user class; a kind without its own table uses '*'.
  const targetOf = (tables: PolicyVersion['targets']) => {
    const row = (tables[ticket.kind] ?? tables['*'])?.[ticket.priority];
    return row ? (ticket.vip ? row.vip : row.standard) : null;
  };
  const resolutionTarget = targetOf(policy.targets);
  const responseTarget = targetOf(policy.responseTargets);
  const history = [...(ticket.statusHistory ?? [])].sort((a, b) => a.at - b.at); // stable: ties keep input order
  const instants = [ticket.openedAt, now, ...history.map((c) => c.at), ...(ticket.resolvedAt === null ? [] : [ticket.resolvedAt])];
  if (ticket.firstResponseAt != null) {
    if (ticket.firstResponseAt < ticket.openedAt) throw new Error('reference: first response before opening');
    instants.push(ticket.firstResponseAt);
  }
  for (const x of instants) if (x % MIN !== 0) throw new Error('reference: instants must be whole minutes');
  if (Math.max(...instants) > now) throw new Error('reference: now must not be before any instant of the ticket');

  // The ticket's `resolvedAt` closes it when the history does not end resolved and has no change
  // after it (the rule src/sla/evaluate.ts documents for phasesOf; METRICS.md is silent).
  const lastAt = Math.max(ticket.openedAt, ...history.map((c) => c.at));
  const historyEndsResolved = history.length > 0 && classify(policy, history[history.length - 1]!.status) === 'resolved';
  const lateResolution = ticket.resolvedAt !== null && !historyEndsResolved && ticket.resolvedAt >= lastAt ? ticket.resolvedAt : null;
  const classes = history.map((c) => classify(policy, c.status));
  const stateAt = (t: number): State => {
    if (lateResolution !== null && t >= lateResolution) return 'resolved';
    let state: State = 'active';
    for (let i = 0; i < history.length; i++) if (history[i]!.at <= t) state = classes[i]!;
    return state;
  };

  // One pass over the minutes [openedAt, now]: state and openness of each minute.
  const first = ticket.openedAt;
  const n = (now - first) / MIN;
  const states: State[] = [];
  const open: boolean[] = [];
  for (let i = 0; i <= n; i++) {
    states.push(stateAt(first + i * MIN));
    open.push(referenceIsOpen(spec, first + i * MIN));
  }

  // Cycles: opening (or a reopen) to the next resolution; a reopen leaves the resolved state.
  const cycles: Array<{ from: number; to: number; resolved: boolean }> = [];
  let from = 0;
  for (let i = 0; i <= n; i++) {
    const resolvedHere = states[i] === 'resolved' && (i === 0 || states[i - 1] !== 'resolved');
    const reopenedHere = i > 0 && states[i] !== 'resolved' && states[i - 1] === 'resolved';
    if (resolvedHere) cycles.push({ from, to: i, resolved: true });
    if (reopenedHere) from = i;
  }
  if (states[n] !== 'resolved') cycles.push({ from, to: n, resolved: false });
  const reopenCount = cycles.length - 1;
  const nowState = states[n]!;

  // The clock of one window [from, to) of minute indices: counted = open and active.
  const judge = (w: { from: number; to: number; resolved: boolean }, targetMinutes: number | null): ReferenceClock => {
    const counted: number[] = [];
    for (let i = w.from; i < w.to; i++) if (open[i] && states[i] === 'active') counted.push(first + i * MIN);
    const elapsedMs = counted.length * MIN;
    if (targetMinutes === null) {
      return { targetMinutes, elapsedMs, outcome: 'no_target', breachedAt: null, outcomeAt: null, dueAt: null, countedMinutes: counted };
    }
    let dueAt: number | null | undefined;
    if (counted.length >= targetMinutes) dueAt = counted[targetMinutes - 1]! + MIN;
    else if (w.resolved) dueAt = undefined;
    else if (nowState === 'paused') dueAt = null;
    else {
      // Open and active: the clock runs on from now over open minutes.
      let left = targetMinutes - counted.length;
      dueAt = undefined;
      for (let t = now; t < now + PROJECTION_LIMIT; t += MIN) {
        if (referenceIsOpen(spec, t) && --left === 0) {
          dueAt = t + MIN;
          break;
        }
      }
    }
    const resolvedAt = first + w.to * MIN;
    if (counted.length > targetMinutes) {
      const breachedAt = counted[targetMinutes]!;
      return { targetMinutes, elapsedMs, outcome: 'breached', breachedAt, outcomeAt: breachedAt, dueAt, countedMinutes: counted };
    }
    if (w.resolved) return { targetMinutes, elapsedMs, outcome: 'met', breachedAt: null, outcomeAt: resolvedAt, dueAt, countedMinutes: counted };
    const outcome: SlaOutcome = nowState === 'paused' ? 'paused' : 'in_progress';
    return { targetMinutes, elapsedMs, outcome, breachedAt: null, outcomeAt: null, dueAt, countedMinutes: counted };
  };

  // First response: stops at the first response or the first resolution, whichever is first.
  const firstResolution = cycles[0]!.resolved ? cycles[0]!.to : null;
  const firstResponse = ticket.firstResponseAt == null ? null : (ticket.firstResponseAt - first) / MIN;
  const responded = firstResponse === null ? firstResolution : firstResolution === null ? firstResponse : Math.min(firstResponse, firstResolution);
  const response = judge(responded === null ? { from: 0, to: n, resolved: false } : { from: 0, to: responded, resolved: true }, responseTarget);

  if (policy.reopen === 'new_cycle') {
    const judged = cycles.map((c) => judge(c, resolutionTarget));
    return { ...judged[judged.length - 1]!, everBreached: judged.some((r) => r.outcome === 'breached'), reopenCount, response };
  }
  // continue: every active minute up to the final resolution (or now); first: up to the first.
  const last = cycles[cycles.length - 1]!;
  const window = policy.reopen === 'first' ? cycles[0]! : { from: 0, to: last.to, resolved: last.resolved };
  const r = judge(window, resolutionTarget);
  return { ...r, everBreached: r.outcome === 'breached', reopenCount, response };
}
