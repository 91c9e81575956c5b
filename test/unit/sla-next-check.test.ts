/**
 * Issue 12, "compute proportional to change": a stored state is re-evaluated only when its
 * `next_check_at` has come. Property: evaluated at `now`, the state (outcome, due, breach,
 * outcome and resolution instants, response clock) is the same at every later instant before
 * its next check; and at the next check itself (when there is one, past the events) it is
 * allowed to move. Random tickets, histories, reopen rules and the default calendars.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getCompiledDefaultCalendar } from '../../src/calendar/defaults.ts';
import { evaluateTicket, type SlaResult, type SlaTicket } from '../../src/sla/evaluate.ts';
import { nextCheckAt } from '../../src/sla/next-check.ts';
import { defaultPolicies, policyVersionSchema, priorities, reopenPolicies } from '../../src/sla/policy.ts';

const MIN = 60_000;
const START = Date.parse('2025-03-24T07:00:00Z'); // the week of the spring clock change

/** What the compute stores and counts: everything but elapsed time. */
const stored = (r: SlaResult) => ({
  outcome: r.outcome,
  dueAt: r.dueAt,
  breachedAt: r.breachedAt,
  outcomeAt: r.outcomeAt,
  resolutionAt: r.resolutionAt,
  everBreached: r.everBreached,
  reopenCount: r.reopenCount,
  response: { outcome: r.response.outcome, dueAt: r.response.dueAt, outcomeAt: r.response.outcomeAt },
});

const caseArb = fc.record({
  calendarId: fc.constantFrom('service-desk', 'always'),
  reopen: fc.constantFrom(...reopenPolicies),
  response: fc.boolean(),
  priority: fc.constantFrom(...priorities),
  vip: fc.boolean(),
  openedMin: fc.integer({ min: 0, max: 3 * 24 * 60 }),
  changes: fc.array(fc.record({ gap: fc.integer({ min: 0, max: 24 * 60 }), status: fc.constantFrom('In Progress', 'Awaiting User', 'Resolved', 'Reopened') }), { maxLength: 5 }),
  firstResponseGap: fc.option(fc.integer({ min: 0, max: 2 * 24 * 60 })),
  nowGap: fc.integer({ min: -24 * 60, max: 5 * 24 * 60 }),
  laterFraction: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
});

describe('nextCheckAt', () => {
  it('holds the stored state constant until the next check', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const calendar = getCompiledDefaultCalendar(c.calendarId)!;
        const policy = policyVersionSchema.parse({
          ...defaultPolicies[0]!,
          calendarId: c.calendarId,
          reopen: c.reopen,
          ...(c.response ? { responseTargets: { '*': Object.fromEntries(priorities.map((p) => [p, { vip: 60, standard: 120 }])) } } : {}),
        });
        const openedAt = START + c.openedMin * MIN;
        let at = openedAt;
        const statusHistory = c.changes.map((h) => ({ at: (at += h.gap * MIN), status: h.status }));
        const ticket: SlaTicket = {
          kind: 'incident',
          priority: c.priority,
          vip: c.vip,
          openedAt,
          resolvedAt: null,
          firstResponseAt: c.firstResponseGap === null ? null : openedAt + c.firstResponseGap * MIN,
          statusHistory,
        };
        const now = Math.max(at, openedAt) + c.nowGap * MIN;
        const r = evaluateTicket(ticket, policy, calendar, now);
        const next = nextCheckAt(ticket, r, calendar, now);
        // Without a next check, look a fortnight ahead: only new data may change the state.
        const until = next ?? now + 14 * 24 * 60 * MIN;
        for (const f of c.laterFraction) {
          const later = Math.floor(now + f * (until - now - 1));
          if (later < now || later >= until) continue;
          expect(stored(evaluateTicket(ticket, policy, calendar, later)), `at ${new Date(later).toISOString()} (next ${next})`).toEqual(stored(r));
        }
        if (next !== null) expect(next).toBeGreaterThanOrEqual(now);
      }),
      { seed: 12, numRuns: 3000 },
    );
  });

  it('checks an in-progress clock just after its breach, not before: 240 business minutes from Mon 09:00 run out at 13:00', () => {
    const calendar = getCompiledDefaultCalendar('service-desk')!;
    const policy = policyVersionSchema.parse(defaultPolicies[0]!);
    // critical standard = 240 min; Mon 3 Mar 2025 09:00 London (= UTC) + 240 counted min = 13:00.
    const t: SlaTicket = { kind: 'incident', priority: 'critical', vip: false, openedAt: Date.parse('2025-03-03T09:00:00Z'), resolvedAt: null };
    const now = Date.parse('2025-03-03T10:00:00Z');
    const r = evaluateTicket(t, policy, calendar, now);
    expect(r.outcome).toBe('in_progress');
    expect(nextCheckAt(t, r, calendar, now)).toBe(Date.parse('2025-03-03T13:00:00.001Z'));
    // At 13:00:00.001 it has breached; the breached open ticket then waits for new data.
    const after = evaluateTicket(t, policy, calendar, Date.parse('2025-03-03T13:00:00.001Z'));
    expect(after.outcome).toBe('breached');
    expect(nextCheckAt(t, after, calendar, Date.parse('2025-03-03T13:00:00.001Z'))).toBeNull();
  });
});
