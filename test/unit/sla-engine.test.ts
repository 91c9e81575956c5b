import { describe, expect, it } from 'vitest';
import { compileCalendar } from '../../src/calendar/calendar.ts';
import { defaultCalendars } from '../../src/calendar/defaults.ts';
import { evaluateTicket, type SlaTicket, type StatusChange } from '../../src/sla/evaluate.ts';
import { classifyStatus, defaultPolicies, policyVersionSchema, type ReopenPolicy } from '../../src/sla/policy.ts';
import { explainTicket } from '../../src/sla/timeline.ts';

// service-desk: Mon–Thu 08:40–17:00, Fri 08:40–16:30, Europe/London (GMT until 30 March 2025).
const calendar = compileCalendar(defaultCalendars.find((c) => c.id === 'service-desk')!);
const base = defaultPolicies[0]!;
const policy = (reopen: ReopenPolicy) => ({ ...base, reopen });
const at = (iso: string) => Date.parse(iso);
const history = (...pairs: [string, string][]): StatusChange[] => pairs.map(([iso, status]) => ({ at: at(iso), status }));
const ticket = (t: Partial<SlaTicket> & Pick<SlaTicket, 'openedAt'>): SlaTicket => ({ kind: 'incident', priority: 'normal', vip: false, resolvedAt: null, ...t });
const MIN = 60_000;
const later = at('2026-01-01T00:00:00Z');

describe('status sets (METRICS.md §2 defaults)', () => {
  it('pauses on Awaiting/Pending/On hold prefixes and resolves on the resolved set, any case', () => {
    expect(classifyStatus(base, 'Awaiting User Info')).toBe('paused');
    expect(classifyStatus(base, 'pending vendor')).toBe('paused');
    expect(classifyStatus(base, 'ON HOLD - parts')).toBe('paused');
    for (const s of ['Resolved', 'closed', 'Done', 'Completed', 'Cancelled']) expect(classifyStatus(base, s)).toBe('resolved');
    expect(classifyStatus(base, 'In Progress')).toBe('active');
  });
});

describe('hand-computed SLA cases', () => {
  it('a pause over a weekend stops the clock', () => {
    // Normal standard 1260 min. Counted: Thu 6 Mar 09:00–15:00 = 360; paused until Mon 10 Mar 11:00;
    // Mon 11:00–17:00 = 360 (720); Tue 11 Mar 08:40–16:00 = 440 (1160) ≤ 1260 → met.
    const t = ticket({
      openedAt: at('2025-03-06T09:00:00Z'),
      resolvedAt: at('2025-03-11T16:00:00Z'),
      statusHistory: history(['2025-03-06T15:00:00Z', 'Awaiting User'], ['2025-03-10T11:00:00Z', 'In Progress'], ['2025-03-11T16:00:00Z', 'Resolved']),
    });
    const r = evaluateTicket(t, base, calendar, later);
    expect(r.elapsedMs).toBe(1160 * MIN);
    expect(r.outcome).toBe('met');
    expect(r.outcomeAt).toBe(at('2025-03-11T16:00:00Z'));
    // 100 min left at Tue 16:00: 60 to 17:00, 40 from Wed 08:40 → Wed 12 Mar 09:20.
    expect(r.dueAt).toBe(at('2025-03-12T09:20:00Z'));
    // Without the pause: Thu 480 + Fri 470 + Mon 500 = 1450 > 1260 → breached.
    expect(evaluateTicket({ ...t, statusHistory: [] }, base, calendar, later).outcome).toBe('breached');
  });

  it('an open ticket paused now is "paused" with no due time', () => {
    const t = ticket({ openedAt: at('2025-03-06T09:00:00Z'), statusHistory: history(['2025-03-06T10:00:00Z', 'On hold']) });
    const r = evaluateTicket(t, base, calendar, at('2025-03-07T12:00:00Z'));
    expect(r).toMatchObject({ outcome: 'paused', dueAt: null, elapsedMs: 60 * MIN });
  });

  describe('reopen after a breach (critical 240 min)', () => {
    // Mon 3 Mar 09:00 → resolved 15:00 (360 min: breached at 13:00); reopened Tue 4 Mar 10:00,
    // resolved again 11:00 (60 min).
    const t = ticket({
      priority: 'critical',
      openedAt: at('2025-03-03T09:00:00Z'),
      resolvedAt: at('2025-03-04T11:00:00Z'),
      statusHistory: history(['2025-03-03T15:00:00Z', 'Resolved'], ['2025-03-04T10:00:00Z', 'In Progress'], ['2025-03-04T11:00:00Z', 'Closed']),
    });
    it('continue: 360 + 60 = 420 > 240 → breached at Mon 13:00', () => {
      const r = evaluateTicket(t, policy('continue'), calendar, later);
      expect(r).toMatchObject({ outcome: 'breached', elapsedMs: 420 * MIN, breachedAt: at('2025-03-03T13:00:00Z'), reopenCount: 1, everBreached: true });
      expect(r.resolutionAt).toBe(at('2025-03-04T11:00:00Z'));
    });
    it('first: only the first resolution counts → breached, resolved Mon 15:00', () => {
      const r = evaluateTicket(t, policy('first'), calendar, later);
      expect(r).toMatchObject({ outcome: 'breached', elapsedMs: 360 * MIN, resolutionAt: at('2025-03-03T15:00:00Z') });
    });
    it('new_cycle: the reopen gets a full 240; 60 ≤ 240 → met, but everBreached', () => {
      const r = evaluateTicket(t, policy('new_cycle'), calendar, later);
      expect(r).toMatchObject({ outcome: 'met', elapsedMs: 60 * MIN, outcomeAt: at('2025-03-04T11:00:00Z'), everBreached: true });
    });
  });

  it('reopen after a met resolution breaches under continue at the crossing instant', () => {
    // Mon 09:00–10:00 = 60, reopened Tue 09:00, resolved 13:00 = 240: total 300 > 240.
    // 180 more needed from Tue 09:00 → breached Tue 12:00.
    const t = ticket({
      priority: 'critical',
      openedAt: at('2025-03-03T09:00:00Z'),
      resolvedAt: at('2025-03-04T13:00:00Z'),
      statusHistory: history(['2025-03-03T10:00:00Z', 'Resolved'], ['2025-03-04T09:00:00Z', 'Assigned'], ['2025-03-04T13:00:00Z', 'Resolved']),
    });
    expect(evaluateTicket(t, policy('continue'), calendar, later)).toMatchObject({ outcome: 'breached', breachedAt: at('2025-03-04T12:00:00Z') });
    expect(evaluateTicket(t, policy('first'), calendar, later)).toMatchObject({ outcome: 'met', outcomeAt: at('2025-03-03T10:00:00Z') });
    // new_cycle: second cycle 240 = target → met (equal counts as met), never breached.
    expect(evaluateTicket(t, policy('new_cycle'), calendar, later)).toMatchObject({ outcome: 'met', everBreached: false, elapsedMs: 240 * MIN });
  });

  it('a priority raised mid-life re-targets the whole ticket from opening', () => {
    // Current priority high (420); it was low (2100) when opened. Mon 3 Mar 09:00 → Tue 10:00:
    // 480 + 80 = 560 > 420 → breached, at Mon 09:00 + 420 = 16:00.
    const t = ticket({ priority: 'high', openedAt: at('2025-03-03T09:00:00Z'), resolvedAt: at('2025-03-04T10:00:00Z') });
    const r = evaluateTicket(t, base, calendar, later);
    expect(r).toMatchObject({ targetMinutes: 420, outcome: 'breached', breachedAt: at('2025-03-03T16:00:00Z') });
    expect(evaluateTicket({ ...t, priority: 'low' }, base, calendar, later).outcome).toBe('met');
  });

  it('a ticket opened on a bank holiday starts its clock the next working day', () => {
    // Easter Monday 21 Apr 2025 10:00 BST; critical 240 from Tue 08:40 BST → 12:40 BST (11:40Z).
    const t = ticket({ priority: 'critical', openedAt: at('2025-04-21T09:00:00Z'), resolvedAt: at('2025-04-22T11:40:00Z') });
    const r = evaluateTicket(t, base, calendar, later);
    expect(r).toMatchObject({ dueAt: at('2025-04-22T11:40:00Z'), outcome: 'met', elapsedMs: 240 * MIN });
  });

  it('response SLA runs to the first response when the policy has response targets', () => {
    const withResponse = policyVersionSchema.parse({
      ...base,
      responseTargets: { '*': { critical: { vip: 15, standard: 30 }, high: { vip: 30, standard: 60 }, normal: { vip: 60, standard: 120 }, low: { vip: 120, standard: 240 }, long_term: { vip: null, standard: null } } },
    });
    // Normal standard: 120 min. Opened Fri 7 Mar 16:00, first response Mon 10 Mar 09:50:
    // Fri 16:00–16:30 = 30, Mon 08:40–09:50 = 70 → 100 ≤ 120 → met.
    const r = evaluateTicket(ticket({ openedAt: at('2025-03-07T16:00:00Z'), firstResponseAt: at('2025-03-10T09:50:00Z') }), withResponse, calendar, later);
    expect(r.response).toMatchObject({ targetMinutes: 120, outcome: 'met', elapsedMs: 100 * MIN, dueAt: at('2025-03-10T10:10:00Z') });
  });
});

describe('timeline ("why did this breach?")', () => {
  it('cuts the life into counted, out-of-hours, paused and resolved segments that add up', () => {
    // Opened Fri 7 Mar 15:00; paused Fri 16:00 – Mon 10 Mar 09:00; resolved Mon 10:00.
    const t = ticket({
      priority: 'critical',
      openedAt: at('2025-03-07T15:00:00Z'),
      resolvedAt: at('2025-03-10T10:00:00Z'),
      statusHistory: history(['2025-03-07T16:00:00Z', 'Awaiting User'], ['2025-03-10T09:00:00Z', 'In Progress']),
    });
    const { result, segments } = explainTicket(t, base, calendar, at('2025-03-10T12:00:00Z'));
    expect(segments.map((s) => [s.kind, new Date(s.start).toISOString().slice(5, 16), s.countedMinutes])).toEqual([
      ['counted', '03-07T15:00', 60],
      ['paused', '03-07T16:00', 0],
      ['counted', '03-10T09:00', 60],
      ['resolved', '03-10T10:00', 0],
    ]);
    // Counted 60 + 60 = 120 min ≤ 240 → met; the clock at the end equals the engine's elapsed.
    expect(segments.at(-1)!.elapsedMinutesAtEnd).toBe(result.elapsedMs / MIN);
    expect(result.outcome).toBe('met');
  });

  it('shows out-of-hours time between counted segments', () => {
    // Critical from Thu 6 Mar 16:00 to Fri 7 Mar 10:00, no history: 60 + 80 = 140 counted.
    const { segments } = explainTicket(ticket({ priority: 'critical', openedAt: at('2025-03-06T16:00:00Z'), resolvedAt: at('2025-03-07T10:00:00Z') }), base, calendar, later);
    expect(segments.filter((s) => s.kind !== 'resolved').map((s) => [s.kind, s.countedMinutes])).toEqual([
      ['counted', 60],
      ['out_of_hours', 0],
      ['counted', 80],
    ]);
  });
});
