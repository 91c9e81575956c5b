import { describe, expect, it } from 'vitest';
import { compileCalendar } from '../../src/calendar/calendar.ts';
import { defaultCalendars } from '../../src/calendar/defaults.ts';
import { evaluateTicket, type SlaTicket } from '../../src/sla/evaluate.ts';
import { defaultPolicies, goalFor, defaultGoals, targetFor } from '../../src/sla/policy.ts';

// service-desk: Mon–Thu 08:40–17:00 (500 min), Fri 08:40–16:30 (470 min), Europe/London.
const calendar = compileCalendar(defaultCalendars.find((c) => c.id === 'service-desk')!);
const policy = defaultPolicies[0]!;
const at = (iso: string) => Date.parse(iso);
const ticket = (t: Partial<SlaTicket> & Pick<SlaTicket, 'openedAt'>): SlaTicket => ({
  kind: 'incident',
  priority: 'normal',
  vip: false,
  resolvedAt: null,
  ...t,
});
const farFuture = at('2030-01-01T00:00:00Z');

describe('targets (METRICS.md §2 published table)', () => {
  it('maps priority and user class to business minutes', () => {
    expect(targetFor(policy, 'incident', 'critical', true)).toBe(180);
    expect(targetFor(policy, 'incident', 'critical', false)).toBe(240);
    expect(targetFor(policy, 'service_request', 'normal', false)).toBe(1260);
    expect(targetFor(policy, 'incident', 'low', true)).toBe(1260);
    expect(targetFor(policy, 'incident', 'long_term', false)).toBeNull();
  });
  it('uses 90% before 2017-08-01 and 95% from then', () => {
    expect(goalFor(defaultGoals, '2017-07-01')).toBe(0.9);
    expect(goalFor(defaultGoals, '2017-08-01')).toBe(0.95);
  });
});

describe('evaluateTicket', () => {
  // Normal, standard: 1260 min from Mon 2025-03-03 08:40 (GMT): Mon 500 + Tue 500 = 1000, then
  // 260 min on Wed from 08:40 = 13:00. Due Wed 2025-03-05 13:00Z.
  const opened = at('2025-03-03T08:40:00Z');

  it('resolved exactly at the target is met', () => {
    const r = evaluateTicket(ticket({ openedAt: opened, resolvedAt: at('2025-03-05T13:00:00Z') }), policy, calendar, farFuture);
    expect(r.dueAt).toBe(at('2025-03-05T13:00:00Z'));
    expect(r.elapsedMs).toBe(1260 * 60_000);
    expect(r).toMatchObject({ outcome: 'met', outcomeAt: at('2025-03-05T13:00:00Z'), breachedAt: null, everBreached: false });
  });

  it('resolved one minute after the target is breached at the target', () => {
    const r = evaluateTicket(ticket({ openedAt: opened, resolvedAt: at('2025-03-05T13:01:00Z') }), policy, calendar, farFuture);
    expect(r.elapsedMs).toBe(1261 * 60_000);
    expect(r).toMatchObject({ outcome: 'breached', breachedAt: at('2025-03-05T13:00:00Z'), outcomeAt: at('2025-03-05T13:00:00Z'), everBreached: true });
  });

  it('counts a weekend as closed: VIP critical opened Friday afternoon', () => {
    // 180 min from Fri 2025-03-07 15:00: 90 min to 16:30, then 90 from Mon 08:40 = 10:10.
    const r = evaluateTicket(
      ticket({ priority: 'critical', vip: true, openedAt: at('2025-03-07T15:00:00Z'), resolvedAt: at('2025-03-10T10:10:00Z') }),
      policy,
      calendar,
      farFuture,
    );
    expect(r.targetMinutes).toBe(180);
    expect(r.dueAt).toBe(at('2025-03-10T10:10:00Z'));
    expect(r.outcome).toBe('met');
  });

  it('a target running out at Friday close is breached only at Monday opening', () => {
    // Critical standard 240 min from Fri 2025-03-28 12:30: to 16:30 is exactly 240 min.
    const openedFri = at('2025-03-28T12:30:00Z');
    const weekend = evaluateTicket(ticket({ priority: 'critical', openedAt: openedFri, resolvedAt: at('2025-03-29T11:00:00Z') }), policy, calendar, farFuture);
    expect(weekend.dueAt).toBe(at('2025-03-28T16:30:00Z'));
    expect(weekend.outcome).toBe('met');
    // Resolved Mon 2025-03-31 08:50 BST (07:50Z), after the clock change: 10 min over.
    const monday = evaluateTicket(ticket({ priority: 'critical', openedAt: openedFri, resolvedAt: at('2025-03-31T07:50:00Z') }), policy, calendar, farFuture);
    expect(monday.elapsedMs).toBe(250 * 60_000);
    expect(monday.outcome).toBe('breached');
    expect(monday.breachedAt).toBe(at('2025-03-31T07:40:00Z')); // 08:40 BST
  });

  it('a ticket opened on Saturday starts its clock on Monday', () => {
    // Low standard 2100 min from Sat 2025-03-08: Mon–Thu 4 × 500 = 2000, then 100 on Fri from 08:40 = 10:20.
    const r = evaluateTicket(ticket({ priority: 'low', openedAt: at('2025-03-08T10:00:00Z') }), policy, calendar, at('2025-03-12T12:00:00Z'));
    expect(r.dueAt).toBe(at('2025-03-14T10:20:00Z'));
    // Still open on Wed 12:00: Mon 500 + Tue 500 + Wed 200 = 1200 min elapsed.
    expect(r).toMatchObject({ outcome: 'in_progress', elapsedMs: 1200 * 60_000, outcomeAt: null });
  });

  it('an open ticket past its target is breached and stays dated at the breach', () => {
    // High standard 420 from Mon 2025-03-31 09:00 BST: due 16:00 BST (15:00Z).
    const t = ticket({ priority: 'high', openedAt: at('2025-03-31T08:00:00Z') });
    const early = evaluateTicket(t, policy, calendar, at('2025-04-02T11:00:00Z'));
    const later = evaluateTicket(t, policy, calendar, at('2025-04-09T11:00:00Z'));
    expect(early).toMatchObject({ outcome: 'breached', breachedAt: at('2025-03-31T15:00:00Z'), outcomeAt: at('2025-03-31T15:00:00Z') });
    expect(later.outcomeAt).toBe(early.outcomeAt);
  });

  it('a bank holiday is closed: Good Friday and Easter Monday 2025', () => {
    // Normal standard 1260 from Thu 2025-04-17 08:40 BST: Thu 500, (Fri 18 and Mon 21 closed),
    // Tue 22 500 → 1000, Wed 23 260 → 13:00 BST = 12:00Z.
    const r = evaluateTicket(ticket({ openedAt: at('2025-04-17T07:40:00Z') }), policy, calendar, farFuture);
    expect(r.dueAt).toBe(at('2025-04-23T12:00:00Z'));
  });

  it('long_term has no target', () => {
    const r = evaluateTicket(ticket({ priority: 'long_term', openedAt: opened, resolvedAt: at('2025-06-01T10:00:00Z') }), policy, calendar, farFuture);
    expect(r).toMatchObject({ outcome: 'no_target', dueAt: null, outcomeAt: null, targetMinutes: null });
  });
});
