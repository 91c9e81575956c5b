import { localDayKey } from '../calendar/zone.ts';
import type { AppConfig } from '../config/app-config.ts';
import { evaluateTicket } from '../sla/evaluate.ts';
import { slaRules } from '../sla/rules.ts';
import { historyOf, saveSlaStates, ticketsToEvaluate, toSlaTicket, type HistoryEntry } from '../store/sla.ts';
import type { NewTicketSla } from '../../db/schema.ts';
import type { Db } from '../../db/client.ts';

/** Re-evaluates stale tickets; returns the local months whose figures may have moved. */
export async function evaluateStaleTickets(db: Db, config: AppConfig, now: Date) {
  const rules = slaRules(config);
  const months = new Set<string>();
  const day = (d: Date | number | null) => (d === null ? null : localDayKey(rules.zone, typeof d === 'number' ? d : d.getTime()));
  const toDate = (ms: number | null) => (ms === null ? null : new Date(ms));
  let evaluated = 0;
  for await (const page of ticketsToEvaluate(db, rules.policyStamps)) {
    const histories = new Map<string, Map<string, HistoryEntry[]>>();
    for (const source of new Set(page.map((t) => t.source))) {
      histories.set(source, await historyOf(db, source, page.filter((t) => t.source === source).map((t) => t.externalId)));
    }
    const states: NewTicketSla[] = [];
    for (const t of page) {
      const history = histories.get(t.source)?.get(t.externalId) ?? [];
      const { policy, calendar } = rules.policyAt(t.openedAt.getTime());
      const r = evaluateTicket(toSlaTicket(t, history), policy, calendar, now.getTime());
      states.push({
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
        openedDay: day(t.openedAt)!,
        resolvedDay: day(r.resolutionAt),
        outcomeDay: day(r.outcomeAt),
        responseTargetMinutes: r.response.targetMinutes,
        responseOutcome: r.response.outcome,
        responseDueAt: toDate(r.response.dueAt),
        responseOutcomeAt: toDate(r.response.outcomeAt),
        ticketUpdatedAt: t.updatedAt,
        evaluatedAt: now,
      });
      const old = t.old;
      const moved =
        old === null ||
        old.outcome !== r.outcome ||
        (old.outcomeAt?.getTime() ?? null) !== r.outcomeAt ||
        (old.breachedAt?.getTime() ?? null) !== r.breachedAt ||
        (old.resolvedAt?.getTime() ?? null) !== r.resolutionAt ||
        t.updatedAt.getTime() !== old.ticketUpdatedAt.getTime();
      if (moved) {
        for (const d of [t.openedAt.getTime(), r.resolutionAt, r.outcomeAt, r.breachedAt, old?.openedAt.getTime() ?? null, old?.resolvedAt?.getTime() ?? null, old?.outcomeAt?.getTime() ?? null, old?.breachedAt?.getTime() ?? null]) {
          const m = day(d)?.slice(0, 7);
          if (m) months.add(m);
        }
      }
    }
    await saveSlaStates(db, states);
    evaluated += states.length;
  }
  return { evaluated, months: [...months].sort(), zone: rules.zone };
}
