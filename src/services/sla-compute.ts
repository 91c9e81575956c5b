import { localDayKey } from '../calendar/zone.ts';
import type { AppConfig } from '../config/app-config.ts';
import { evaluateTicket } from '../sla/evaluate.ts';
import { nextCheckAt } from '../sla/next-check.ts';
import { slaRules } from '../sla/rules.ts';
import { countNotActionedZone } from '../store/not-actioned.ts';
import { ticketsToEvaluate, toSlaTicket, type Candidate } from '../store/sla.ts';
import { changeHorizon, computeState, countsDifferences, saveComputeState, saveSlaStates, slaColumns } from '../store/sla-counts.ts';
import type { NewTicketSla, TicketSla } from '../../db/schema.ts';
import type { Db } from '../../db/client.ts';

const ms = (d: Date | null | undefined) => (d === null || d === undefined ? null : d.getTime());

/** Columns that only say when it was looked at: a state differing only in these is not rewritten. */
const volatile = new Set(['evaluatedAt', 'elapsedMs']);
const compared = slaColumns.map(([k]) => k).filter((k) => !volatile.has(k));

/** Whether the new state differs from the stored one in anything but when it was evaluated. */
function differs(old: TicketSla, next: NewTicketSla): boolean {
  for (const k of compared) {
    const v = (next as Record<string, unknown>)[k];
    const o = (old as Record<string, unknown>)[k];
    if (v instanceof Date || o instanceof Date) {
      if (ms(v as Date | null) !== ms(o as Date | null)) return true;
    } else if ((v ?? null) !== (o ?? null)) return true;
  }
  return false;
}

/** One ticket's new state (evaluated at `now`) and the local months it touches. */
// Module-level helpers, not closures made per ticket: tsx's keepNames wraps each one it creates (bench:sla).
const toDate = (v: number | null) => (v === null ? null : new Date(v));
const dayIn = (zone: string, d: number | null) => (d === null ? null : localDayKey(zone, d));

function evaluateOne(t: Candidate, rules: ReturnType<typeof slaRules>, now: Date): NewTicketSla {
  const { policy, calendar } = rules.policyAt(t.openedAt.getTime());
  const ticket = toSlaTicket(t, t.history);
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
    openedDay: localDayKey(rules.zone, t.openedAt.getTime()),
    resolvedDay: dayIn(rules.zone, r.resolutionAt),
    outcomeDay: dayIn(rules.zone, r.outcomeAt),
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
    firstResponseAt: t.firstResponseAt,
    nextCheckAt: toDate(nextCheckAt(ticket, r, calendar, now.getTime())),
  };
}

/**
 * Local months of the dated events of a state, from its stored days: opening, resolution and
 * outcome (a breach is always the outcome instant, so its month is the outcome day's).
 */
function monthsOf(s: { openedDay: string; resolvedDay?: string | null; outcomeDay?: string | null }, out: Set<string>) {
  out.add(s.openedDay.slice(0, 7));
  if (s.resolvedDay) out.add(s.resolvedDay.slice(0, 7));
  if (s.outcomeDay) out.add(s.outcomeDay.slice(0, 7));
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
  const pages = ticketsToEvaluate(db, rules.policyStamps, 10_000, incremental ? { since: state.ticketsSince, now } : undefined);
  // A pipeline: the next page is read and the last one written while this one is evaluated.
  let reading = pages.next();
  let writing: Promise<void> = Promise.resolve();
  try {
    for (;;) {
      const page = await reading;
      if (page.done) break;
      reading = pages.next();
      reading.catch(() => {}); // awaited on the next turn; a failure meanwhile is not unhandled
      const states: NewTicketSla[] = [];
      for (const t of page.value) {
        const next = evaluateOne(t, rules, now);
        if (t.old !== null && !differs(t.old, next)) continue;
        states.push(next);
        monthsOf(next, months);
        if (t.old) monthsOf(t.old, months);
      }
      await writing;
      writing = saveSlaStates(db, states);
      writing.catch(() => {});
      evaluated += page.value.length;
      written += states.length;
    }
    await writing;
  } finally {
    await pages.return(undefined);
  }
  await saveComputeState(db, horizon, stamps);
  // Once per zone for the database's life (the triggers keep it from then on): here, not on a report's GET.
  await countNotActionedZone(db, rules.zone);
  return { evaluated, written, months: [...months].sort(), zone: rules.zone };
}

/** `attain verify`: the stored counts against a recount of `ticket_sla`; empty when they agree. */
export async function verifySlaCounts(db: Db) {
  return countsDifferences(db);
}
