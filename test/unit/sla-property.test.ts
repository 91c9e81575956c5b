/**
 * Property (issue 3, "Correctness"): the fast SLA engine (src/sla/evaluate.ts over
 * src/calendar) equals the minute-by-minute reference (test/support/sla-reference.ts) on random
 * calendars, tickets, status histories and reopen policies (METRICS.md §1–2).
 *
 * Cases are generated with ISO instants (whole minutes) so a shrunk counterexample reads as a
 * ticket; the failure message shows both results side by side.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCalendar, type BusinessCalendar, type CalendarSpec } from '../../src/calendar/calendar.ts';
import { defaultCalendars } from '../../src/calendar/defaults.ts';
import { evaluateTicket, type SlaTicket } from '../../src/sla/evaluate.ts';
import { policyVersionSchema, priorities, reopenPolicies, type PolicyVersion, type ReopenPolicy } from '../../src/sla/policy.ts';
import { referenceEvaluate, referenceIsOpen, referenceZones, type ReferenceResult } from '../support/sla-reference.ts';

const MIN = 60_000;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Calendars
// ---------------------------------------------------------------------------------------------

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

// Span ends biased towards midnight, the clock-change hours (01:00–03:00) and office hours.
const minuteOfDay = fc.oneof(
  fc.constantFrom(0, 60, 90, 120, 150, 180, 520, 540, 720, 780, 1020, 1380, 1440),
  fc.integer({ min: 0, max: 1440 }),
);

/** Sorted ends taken in pairs: non-overlapping spans, possibly touching (a lunch break of 0). */
const spanList = fc.oneof(
  { weight: 2, arbitrary: fc.constant<string[]>([]) },
  { weight: 1, arbitrary: fc.constant<string[]>(['00:00-24:00']) },
  {
    weight: 6,
    arbitrary: fc.array(minuteOfDay, { minLength: 2, maxLength: 6 }).map((ends) => {
      const v = [...ends].sort((a, b) => a - b);
      const spans: string[] = [];
      for (let i = 0; i + 1 < v.length; i += 2) if (v[i]! < v[i + 1]!) spans.push(`${hhmm(v[i]!)}-${hhmm(v[i + 1]!)}`);
      return spans;
    }),
  },
);

const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Tickets open around these days: the four clock changes, Christmas Eve and ordinary days. */
const anchorDay = fc.oneof(
  fc.constantFrom('2025-03-30', '2025-10-26', '2025-03-09', '2025-11-02', '2025-12-24', '2025-04-17'),
  fc.integer({ min: 0, max: 364 }).map((d) => dayKey(Date.UTC(2025, 0, 1) + d * DAY)),
);

function randomCalendar(anchor: string) {
  const near = fc.integer({ min: -1, max: 10 }).map((d) => dayKey(Date.parse(anchor) + d * DAY));
  return fc
    .record({
      zone: fc.constantFrom(...referenceZones),
      weekly: fc.record({ mon: spanList, tue: spanList, wed: spanList, thu: spanList, fri: spanList, sat: spanList, sun: spanList }),
      closed: fc.uniqueArray(near, { maxLength: 3 }),
      overrides: fc.dictionary(near, spanList, { maxKeys: 2 }),
    })
    .map(({ zone, weekly, closed, overrides }): CalendarSpec => {
      // A calendar that is never open has no answer to "when is it due": keep one open weekday.
      if (Object.values(weekly).every((s) => s.length === 0)) weekly.wed = ['09:00-17:00'];
      return { id: 'random', zone, weekly, closed, overrides };
    });
}

const calendarNear = (anchor: string) =>
  fc.oneof(
    { weight: 6, arbitrary: randomCalendar(anchor) },
    { weight: 1, arbitrary: fc.constantFrom(...defaultCalendars) },
  );

// ---------------------------------------------------------------------------------------------
// Policies and tickets
// ---------------------------------------------------------------------------------------------

// Round targets from round openings often run out exactly at a closing time or a lunch break.
const target = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 120 }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 600 }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 20 }).map((n) => n * 30) },
  { weight: 1, arbitrary: fc.constant(null) },
);
const targetTable = fc.record(
  Object.fromEntries(priorities.map((p) => [p, fc.record({ vip: target, standard: target })])) as Record<
    (typeof priorities)[number],
    fc.Arbitrary<{ vip: number | null; standard: number | null }>
  >,
);

// Default sets: pause = begins with awaiting / pending / on hold; resolved = resolved, closed,
// done, completed, cancelled (case-insensitive). Near misses are active ('Onhold', 'Resolved pending').
const defaultSetStatuses = [
  'New', 'Assigned', 'In Progress', 'in progress', 'Reopened', 'Onhold', 'Resolved pending',
  'Awaiting User', 'awaiting', 'Pending Vendor', 'PENDING', 'On Hold', 'on hold - change',
  'Resolved', 'CLOSED', 'Done', 'completed', 'Cancelled', ' Closed ',
];
const customSets = { pausePrefixes: ['waiting', 'on hold'], resolvedStatuses: ['fixed', 'closed'] };
const customSetStatuses = ['Open', 'Waiting for customer', 'On hold', 'Fixed', 'closed', 'Resolved', 'Pending'];

type Case = {
  calendar: CalendarSpec;
  policy: { reopen: ReopenPolicy; custom: boolean; targets: Record<string, unknown>; responseTargets?: Record<string, unknown> };
  ticket: {
    kind: string;
    priority: (typeof priorities)[number];
    vip: boolean;
    openedAt: string;
    firstResponseAt: string | null;
    resolvedAt: string | null;
    statusHistory: Array<{ at: string; status: string }>;
  };
  now: string;
  /** Which gap in the counted minutes a derived target runs out at. */
  gapPick: number;
};

const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z');

// Gaps between events in minutes: some none, mostly within a working day, sometimes days.
const gap = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) }, // two changes at the same instant
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 240 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 16 }).map((n) => n * 30) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 3000 }) },
);

function caseFor(reopen: ReopenPolicy): fc.Arbitrary<Case> {
  return anchorDay.chain((anchor) =>
    fc
      .record({
        calendar: calendarNear(anchor),
        customSets: fc.nat({ max: 4 }).map((n) => n === 0),
        star: targetTable,
        incident: fc.option(targetTable, { freq: 3 }),
        response: fc.option(targetTable, { freq: 2 }),
        firstResponseGap: fc.option(gap, { freq: 3 }),
        kind: fc.constantFrom('incident', 'service_request'),
        priority: fc.constantFrom(...priorities),
        vip: fc.boolean(),
        // Opening: from 12 h before the anchor day to 36 h after its start (outside hours, at
        // night, inside the clock-change hour …).
        openedOffset: fc.oneof(fc.integer({ min: -12 * 60, max: 36 * 60 }), fc.integer({ min: -24, max: 72 }).map((n) => n * 30)),
        firstGap: fc.integer({ min: -60, max: 600 }),
        changes: fc.array(fc.record({ gap, pick: fc.nat() }), { maxLength: 8 }),
        rotate: fc.nat({ max: 7 }),
        gapPick: fc.nat(),
        resolvedMode: fc.constantFrom('none', 'none', 'after last change', 'after opening'),
        resolvedGap: gap,
        nowGap: gap,
      })
      .map((r): Case => {
        const statuses = r.customSets ? customSetStatuses : defaultSetStatuses;
        const openedAt = Date.parse(anchor) + r.openedOffset * MIN;
        let at = openedAt + r.firstGap * MIN;
        const history = r.changes.map((c, i) => {
          if (i > 0) at += c.gap * MIN;
          return { at, status: statuses[c.pick % statuses.length]! };
        });
        const lastAt = Math.max(openedAt, ...history.map((c) => c.at));
        const resolvedAt =
          r.resolvedMode === 'after last change' ? lastAt + r.resolvedGap * MIN
          : r.resolvedMode === 'after opening' ? openedAt + r.resolvedGap * MIN
          : null;
        const firstResponseAt = r.firstResponseGap === null ? null : openedAt + r.firstResponseGap * MIN;
        const now = Math.max(lastAt, resolvedAt ?? 0, firstResponseAt ?? 0) + r.nowGap * MIN;
        // The engine accepts changes in any order: hand them over rotated.
        const k = history.length === 0 ? 0 : r.rotate % history.length;
        const given = [...history.slice(k), ...history.slice(0, k)];
        return {
          calendar: r.calendar,
          policy: {
            reopen,
            custom: r.customSets,
            targets: r.incident ? { '*': r.star, incident: r.incident } : { '*': r.star },
            ...(r.response ? { responseTargets: { '*': r.response } } : {}),
          },
          ticket: {
            kind: r.kind,
            priority: r.priority,
            vip: r.vip,
            openedAt: iso(openedAt),
            firstResponseAt: firstResponseAt === null ? null : iso(firstResponseAt),
            resolvedAt: resolvedAt === null ? null : iso(resolvedAt),
            statusHistory: given.map((c) => ({ at: iso(c.at), status: c.status })),
          },
          now: iso(now),
          gapPick: r.gapPick,
        };
      }),
  );
}

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

const compiled = new WeakMap<CalendarSpec, ReturnType<typeof compileCalendar>>();

function check(c: Case, engine = evaluateTicket): void {
  const policy = policyVersionSchema.parse({
    id: 'random',
    effectiveFrom: '1970-01-01',
    calendarId: c.calendar.id,
    targets: c.policy.targets,
    ...(c.policy.responseTargets ? { responseTargets: c.policy.responseTargets } : {}),
    reopen: c.policy.reopen,
    ...(c.policy.custom ? customSets : {}),
  });
  let calendar = compiled.get(c.calendar);
  if (!calendar) compiled.set(c.calendar, (calendar = compileCalendar(c.calendar)));
  const ticket: SlaTicket = {
    kind: c.ticket.kind,
    priority: c.ticket.priority,
    vip: c.ticket.vip,
    openedAt: Date.parse(c.ticket.openedAt),
    firstResponseAt: c.ticket.firstResponseAt === null ? null : Date.parse(c.ticket.firstResponseAt),
    resolvedAt: c.ticket.resolvedAt === null ? null : Date.parse(c.ticket.resolvedAt),
    statusHistory: c.ticket.statusHistory.map((s) => ({ at: Date.parse(s.at), status: s.status })),
  };
  const now = Date.parse(c.now);
  const ref = compare(ticket, policy, c.calendar, calendar, now, engine);
  // A target that runs out exactly where counting stops for a while (a closing time, a lunch
  // break, a pause): breachedAt must be where counting resumes, not dueAt.
  const counted = ref.countedMinutes;
  const gaps = counted.flatMap((t, i) => (i + 1 < counted.length && counted[i + 1] !== t + MIN ? [i + 1] : []));
  if (gaps.length > 0) {
    const atGap = gaps[c.gapPick % gaps.length]!;
    const row = { vip: atGap, standard: atGap };
    const aimed = policyVersionSchema.parse({ ...policy, targets: { '*': Object.fromEntries(priorities.map((p) => [p, row])) } });
    compare(ticket, aimed, c.calendar, calendar, now, engine, `target ${atGap} min, running out at a gap`);
  }
  // The edge that matters most (METRICS.md §2, "equal counts as met"): the same ticket resolved
  // exactly when an open, active clock reaches its target.
  // And resolved one counted minute later: breached, at the next open instant after dueAt (not
  // at dueAt itself when the target runs out at a closing time).
  const lastChange = Math.max(ticket.openedAt, ...ticket.statusHistory!.map((s) => s.at));
  if (ref.outcome === 'in_progress' && typeof ref.dueAt === 'number' && ref.dueAt >= lastChange) {
    const resolvedAt = (at: number) => ({ ...ticket, statusHistory: [...ticket.statusHistory!, { at, status: c.policy.custom ? 'Fixed' : 'Resolved' }] });
    compare(resolvedAt(ref.dueAt), policy, c.calendar, calendar, Math.max(now, ref.dueAt), engine, 'resolved at dueAt');
    let next = ref.dueAt;
    while (!referenceIsOpen(c.calendar, next) && next < ref.dueAt + 60 * DAY) next += MIN;
    compare(resolvedAt(next + MIN), policy, c.calendar, calendar, Math.max(now, next + MIN), engine, 'resolved a counted minute after dueAt');
  }
}

type Clock = { targetMinutes: number | null; elapsedMs: number; outcome: string; breachedAt: number | null; outcomeAt: number | null; dueAt: number | null | undefined };

/** Engine vs reference on one ticket; throws a readable side-by-side message when they differ. */
function compare(
  ticket: SlaTicket,
  policy: PolicyVersion,
  spec: CalendarSpec,
  calendar: BusinessCalendar,
  now: number,
  engine: typeof evaluateTicket,
  variant = 'as generated',
): ReferenceResult {
  const ref = referenceEvaluate(ticket, policy, spec, now);
  const fast = engine(ticket, policy, calendar, now);
  const clock = (r: Clock, defined: boolean) => ({
    targetMinutes: r.targetMinutes,
    elapsedMinutes: r.elapsedMs / MIN,
    outcome: r.outcome,
    breachedAt: r.breachedAt === null ? null : iso(r.breachedAt),
    outcomeAt: r.outcomeAt === null ? null : iso(r.outcomeAt),
    // Compared only where the reference defines it.
    dueAt: !defined || r.dueAt === undefined ? 'n/a' : r.dueAt === null ? null : iso(r.dueAt),
  });
  const view = (r: Clock & { everBreached: boolean; reopenCount: number; response: Clock }) => ({
    ...clock(r, ref.dueAt !== undefined),
    everBreached: r.everBreached,
    reopenCount: r.reopenCount,
    response: clock(r.response, ref.response.dueAt !== undefined),
  });
  const a = view(fast);
  const b = view(ref);
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    throw new Error(
      `engine and reference differ (${variant}, now ${iso(now)})\n  engine:    ${JSON.stringify(a)}\n  reference: ${JSON.stringify(b)}`,
    );
  }
  return ref;
}

describe('SLA engine = minute-by-minute reference (METRICS.md §1–2)', () => {
  it.each(reopenPolicies)('reopen policy %s, 1000 random calendars and tickets', (reopen) => {
    fc.assert(fc.property(caseFor(reopen), (c) => check(c)), { numRuns: 1000, includeErrorInReport: true });
  });

  it('the reference itself: hand-checked minutes on the London spring-forward day', () => {
    // Always-open London calendar; 2025-03-30 00:00 GMT → 24:00 = 2025-03-31 00:00 BST = 23:00Z:
    // a 23-hour local day, so a ticket open all day counts 23 × 60 = 1380 minutes.
    const spec: CalendarSpec = { id: 'x', zone: 'Europe/London', weekly: { sun: ['00:00-24:00'] } };
    const policy = policyVersionSchema.parse({ id: 'p', effectiveFrom: '1970-01-01', calendarId: 'x', targets: { '*': Object.fromEntries(priorities.map((p) => [p, { vip: 1380, standard: 1380 }])) } });
    const t: SlaTicket = { kind: 'incident', priority: 'normal', vip: false, openedAt: Date.parse('2025-03-30T00:00:00Z'), resolvedAt: Date.parse('2025-03-31T00:00:00Z') };
    const r = referenceEvaluate(t, policy, spec, Date.parse('2025-03-31T00:00:00Z'));
    expect(r).toMatchObject({ elapsedMs: 1380 * MIN, outcome: 'met', dueAt: Date.parse('2025-03-30T23:00:00Z') });
  });
});
