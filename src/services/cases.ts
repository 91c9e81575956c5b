/**
 * Casework use cases (METRICS.md §6): ingest, attainment figures, drill-down, timeline, cases
 * due. Routes, jobs, commands and pages call these; the rules live in src/casework.
 */
import type { Db } from '../../db/client.ts';
import type { CaseRow } from '../../db/schema.ts';
import { caseClock, caseOutcome, type CaseFacts } from '../casework/clock.ts';
import { caseRules, type CaseRules } from '../casework/policy.ts';
import type { AppConfig } from '../config/app-config.ts';
import { ingestCaseFile } from '../feeds/cases/ingest-file.ts';
import { attainmentOf, statusOf, type AttainmentCounts } from '../sla/attainment.ts';
import { periodsBetween, periodStartDay, type Grain } from '../sla/periods.ts';
import {
  caseCounts,
  caseMeasures,
  caseStateCounts,
  findCases,
  listCases,
  type CaseDim,
  type CaseListQuery,
  type CaseMeasure,
  type CaseSlice,
} from '../store/cases.ts';

export { ingestCaseFile as ingestCases };

const compiled = new WeakMap<AppConfig, CaseRules>();
/** The casework rules of a configuration, compiled once per configuration object. */
export function caseRulesOf(config: AppConfig): CaseRules {
  let r = compiled.get(config);
  if (!r) {
    r = caseRules(config.casework);
    compiled.set(config, r);
  }
  return r;
}

export type CaseAttainmentQuery = { fromDay: string; toDay: string; grain: Grain; slice: CaseSlice; by: CaseDim[] };

/**
 * Per period (and kind / department when asked): received, responded, met, late, attainment =
 * met ÷ (met + late) with the kind's goal and status (the SLA's status rule), extended (data
 * only), escalations and the mean working days to respond; plus the cases open and overdue now.
 */
export async function caseAttainment(db: Db, config: AppConfig, q: CaseAttainmentQuery, now: Date) {
  const rules = caseRulesOf(config);
  // Counts and the state now together: two statements at once, not one after the other.
  const [counted, stateNow] = await Promise.all([caseCounts(db, { ...q, now }), caseStateCounts(db, q.slice, now)]);
  const row = (period: string, dims: Record<string, string>, counts: Record<CaseMeasure, number>, respondedWorkingDays: number) => {
    const attainment = attainmentOf({ met: counts.met, breached: counts.late } as AttainmentCounts);
    const goal = rules.goalFor(q.slice.kind ?? dims.kind, periodStartDay(period));
    return {
      period,
      ...q.slice,
      ...dims,
      received: counts.received,
      responded: counts.responded,
      met: counts.met,
      late: counts.late,
      attainment,
      goal,
      status: statusOf(attainment, goal),
      extended: counts.extended,
      escalated: counts.escalated,
      meanWorkingDaysToRespond: counts.responded === 0 ? null : respondedWorkingDays / counts.responded,
    };
  };
  const zero = Object.fromEntries(caseMeasures.map((m) => [m, 0])) as Record<CaseMeasure, number>;
  const rows =
    q.by.length === 0
      ? periodsBetween(q.grain, q.fromDay, q.toDay, 1000).map((p) => {
          const c = counted.find((r) => r.period === p);
          return row(p, {}, c?.counts ?? zero, c?.respondedWorkingDays ?? 0);
        })
      : counted
          .sort((a, b) => a.period.localeCompare(b.period) || JSON.stringify(a.dims).localeCompare(JSON.stringify(b.dims)))
          .map((r) => row(r.period, r.dims, r.counts, r.respondedWorkingDays));
  return { zone: rules.zone, now: stateNow, rows };
}

/** The cases behind a figure (same predicates as the counts), or the open / overdue / stopped ones. */
export async function caseDrillDown(db: Db, q: CaseListQuery) {
  const { total, rows } = await listCases(db, q);
  const iso = (d: Date | null) => (d === null ? null : d.toISOString());
  return { total, cases: rows.map((r) => ({ ...r, receivedAt: iso(r.receivedAt), dueAt: iso(r.dueAt), respondedAt: iso(r.respondedAt) })) };
}

/** Cases not yet answered that are due between two local days (the team leader's week). */
export function casesDue(db: Db, fromDay: string, toDay: string, now: Date, limit = 200) {
  return caseDrillDown(db, { dueFrom: fromDay, dueTo: toDay, slice: {}, now, limit, offset: 0 });
}

const factsOf = (c: CaseRow): CaseFacts => {
  const ms = (d: Date | null) => (d === null ? null : d.getTime());
  return {
    receivedAt: c.receivedAt.getTime(),
    respondedAt: ms(c.respondedAt),
    extendedTo: c.extendedTo,
    extensionReason: c.extensionReason,
    clarificationRequestedAt: ms(c.clarificationRequestedAt),
    clarificationReceivedAt: ms(c.clarificationReceivedAt),
    feeRequestedAt: ms(c.feeRequestedAt),
    feeReceivedAt: ms(c.feeReceivedAt),
    idRequestedAt: ms(c.idRequestedAt),
    idReceivedAt: ms(c.idReceivedAt),
  };
};

export class AmbiguousCaseError extends Error {}

/**
 * "Why was this late?": the case's clock explained from its stored facts with the policy in force
 * at receipt — received, day 0, pauses, restarts, extension, due date, response — and its
 * outcome now. Null when no case has that id.
 */
export async function caseTimeline(db: Db, config: AppConfig, externalId: string, source: string | undefined, now: Date) {
  const found = await findCases(db, externalId, source);
  if (found.length === 0) return null;
  if (found.length > 1) throw new AmbiguousCaseError(`case ${externalId} exists in several sources (${found.map((c) => c.source).join(', ')}); name one with ?source=`);
  const c = found[0]!;
  const rules = caseRulesOf(config);
  const p = rules.policyFor(c.kind, c.receivedDay);
  const clock = p ? caseClock(factsOf(c), p.policy, p.calendar) : null;
  const dueAt = clock ? clock.dueAt : c.dueAt?.getTime() ?? null;
  return {
    case: {
      id: c.externalId,
      source: c.source,
      kind: c.kind,
      department: c.department,
      stage: c.stage,
      parentId: c.parentId,
      decision: c.decision,
      receivedAt: c.receivedAt.toISOString(),
      respondedAt: c.respondedAt?.toISOString() ?? null,
    },
    policy: p ? { kind: p.policy.kind, effectiveFrom: p.policy.effectiveFrom, title: p.policy.title, target: p.policy.target, calendarId: p.policy.calendarId } : null,
    startDay: clock?.startDay ?? c.startDay,
    originalDueDay: clock?.originalDueDay ?? null,
    dueDay: clock?.dueDay ?? c.dueDay,
    dueAt: dueAt === null ? null : new Date(dueAt).toISOString(),
    extended: clock?.extended ?? c.extended,
    pausedWorkingDays: clock?.pausedWorkingDays ?? 0,
    waitingFor: clock?.waitingFor ?? c.waitingFor,
    workingDaysToRespond: clock?.workingDaysToRespond ?? c.workingDaysToRespond,
    outcome: caseOutcome(dueAt, c.respondedAt?.getTime() ?? null, now.getTime()),
    events: clock?.events ?? [],
  };
}
