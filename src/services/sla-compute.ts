import { localDayKey } from '../calendar/zone.ts';
import type { AppConfig } from '../config/app-config.ts';
import { evaluateTicket } from '../sla/evaluate.ts';
import { nextCheckAt } from '../sla/next-check.ts';
import { slaRules } from '../sla/rules.ts';
import { historyOf, ticketsToEvaluate, toSlaTicket, type HistoryEntry } from '../store/sla.ts';
import { changeHorizon, computeState, countsDifferences, saveComputeState, saveSlaStates } from '../store/sla-counts.ts';
import type { NewTicketSla, TicketSla } from '../../db/schema.ts';
import type { Db } from '../../db/client.ts';

type Yielded<G> = G extends AsyncGenerator<infer T, unknown, unknown> ? T : never;
type Candidate = Yielded<ReturnType<typeof ticketsToEvaluate>>[number];

const ms = (d: Date | null | undefined) => (d === null || d === undefined ? null : d.getTime());

/** Columns that only say when it was looked at: a state differing only in these is not rewritten. */
const volatile = new Set(['evaluatedAt', 'elapsedMs']);

/** Whether the new state differs from the stored one in anything but when it was evaluated. */
function differs(old: TicketSla, next: NewTicketSla): boolean {
  for (const [k, v] of Object.entries(next)) {
    if (volatile.has(k)) continue;
    const o = (old as Record<string, unknown>)[k];
    if (v instanceof Date || o instanceof Date) {
      if (ms(v as Date | null) !== ms(o as Date | null)) return true;
    } else if ((v ?? null) !== (o ?? null)) return true;
  }
  return false;
}

/** One ticket's new state (evaluated at `now`) and the local months it touches. */
function evaluateOne(t: Candidate, history: HistoryEntry[], rules: ReturnType<typeof slaRules>, now: Date): NewTicketSla {
  const day = (d: number | null) => (d === null ? null : localDayKey(rules.zone, d));
  const toDate = (v: number | null) => (v === null ? null : new Date(v));
  const { policy, calendar } = rules.policyAt(t.openedAt.getTime());
  const ticket = toSlaTicket(t, history);
  const r = evaluateTicket(ticket, policy, calendar, now.getTime());
  return {
    ticketId: t.id,
    policyVersion: r.policyVersion,
    calendarId: r.calendarId,
    openedAt: t.openedAt,
    resolvedAt: toDate(r.resolutionAt),
    targetMinutes: r.targetMinutes,
    elapsedMs: r.elapsedMs,
    outcome: r.outcome,
    dueAt: toDate(r.dueAt),
    breachedAt: toDate(r.breachedAt),
    outcomeAt: toDate(r.outcomeAt),
    everBreached: r.everBreached,
    reopenCount: r.reopenCount,
    openedDay: day(t.openedAt.getTime())!,
    resolvedDay: day(r.resolutionAt),
    outcomeDay: day(r.outcomeAt),
    responseTargetMinutes: r.response.targetMinutes,
    responseOutcome: r.response.outcome,
    responseDueAt: toDate(r.response.dueAt),
    responseOutcomeAt: toDate(r.response.outcomeAt),
    ticketUpdatedAt: t.updatedAt,
    evaluatedAt: now,
    kind: t.kind,
    priority: t.priority,
    vip: t.vip,
    team: t.team,
    channel: t.channel,
    satisfaction: t.satisfaction,
    nextCheckAt: toDate(nextCheckAt(ticket, r, calendar, now.getTime())),
  };
}

/** Local months of the dated events of a state (opening, resolution, outcome, breach). */
function monthsOf(zone: string, s: Pick<TicketSla, 'openedAt' | 'resolvedAt' | 'outcomeAt' | 'breachedAt'> | NewTicketSla, out: Set<string>) {
  for (const d of [s.openedAt, s.resolvedAt, s.outcomeAt, s.breachedAt]) if (d) out.add(localDayKey(zone, d.getTime()).slice(0, 7));
}

/**
 * Re-evaluates the tickets whose SLA state may have moved and writes only the states that did,
 * with the stored counts in the same transaction (issue 12). The first run, and a run after the
 * configured policies change, look at every ticket the old way (missing, changed, unknown
 * policy, open); later runs only at tickets changed since the last run's horizon and states
 * whose `next_check_at` has come. Returns the local months whose figures may have moved.
 */
export async function evaluateStaleTickets(db: Db, config: AppConfig, now: Date) {
  const rules = slaRules(config);
  const stamps = [...rules.policyStamps].sort();
  const state = await computeState(db);
  const incremental = state !== null && JSON.stringify(state.policyStamps) === JSON.stringify(stamps);
  // Taken before reading: a change committed while this run reads is seen by the next one.
  const horizon = await changeHorizon(db);
  const months = new Set<string>();
  let evaluated = 0;
  let written = 0;
  for await (const page of ticketsToEvaluate(db, rules.policyStamps, 5000, incremental ? { since: state.ticketsSince, now } : undefined)) {
    const histories = new Map<string, Map<string, HistoryEntry[]>>();
    for (const source of new Set(page.map((t) => t.source))) {
      histories.set(source, await historyOf(db, source, page.filter((t) => t.source === source).map((t) => t.externalId)));
    }
    const states: NewTicketSla[] = [];
    for (const t of page) {
      const next = evaluateOne(t, histories.get(t.source)?.get(t.externalId) ?? [], rules, now);
      if (t.old !== null && !differs(t.old, next)) continue;
      states.push(next);
      monthsOf(rules.zone, next, months);
      if (t.old) monthsOf(rules.zone, t.old, months);
    }
    await saveSlaStates(db, states);
    evaluated += page.length;
    written += states.length;
  }
  await saveComputeState(db, horizon, stamps);
  return { evaluated, written, months: [...months].sort(), zone: rules.zone };
}

/** `attain verify`: the stored counts against a recount of `ticket_sla`; empty when they agree. */
export async function verifySlaCounts(db: Db) {
  return countsDifferences(db);
}
