import type { Db } from '../../db/client.ts';
import { flagRows, flagsForPeriods, qualityEvidence } from './quality.ts';
import { localDayKey } from '../calendar/zone.ts';
import type { AppConfig } from '../config/app-config.ts';
import { parsePriority } from '../feeds/tickets/generic.ts';
import { attainmentOf, statusOf, type AttainmentCounts } from '../sla/attainment.ts';
import { periodEndDay, periodOf, periodsBetween, periodStartDay, type Grain, defaultPeriodFrom } from '../sla/periods.ts';
import { goalFor, priorities } from '../sla/policy.ts';
import { slaRules } from '../sla/rules.ts';
import { explainTicket } from '../sla/timeline.ts';
import { historyOf, toSlaTicket } from '../store/sla.ts';
import { attainmentCounts, attainmentCountsOf, listSlaTickets, measures, slaTicket, teamOpenFigures, type Measure, type SliceFilter, type sliceDims } from '../store/sla-queries.ts';
import { InputError } from './input-error.ts';

/** The SLA figures the API and the pages show: attainment, the tickets behind it, the day per team, one ticket's timeline. */

type Ctx = { db: Db; config: AppConfig; now: Date };
export type SliceQuery = { kind?: string; team?: string; priority?: string; vip?: 'true' | 'false'; channel?: string };

/** `a.localeCompare(b)` (the same default collator), without making the collator on every call. */
const collate = new Intl.Collator().compare;

const todayOf = (config: AppConfig, now: Date) => localDayKey(slaRules(config).zone, now.getTime());

/** A slice of tickets from query text: kinds and priorities must be known ones. */
function sliceOf(config: AppConfig, q: SliceQuery): SliceFilter {
  const s: SliceFilter = {};
  if (q.kind) {
    if (!config.kinds.includes(q.kind)) throw new InputError('kind', `unknown kind "${q.kind}" (expected ${config.kinds.join(', ')})`);
    s.kind = q.kind;
  }
  if (q.priority) {
    const p = parsePriority(q.priority);
    // Own values only: an alias lookup must not hand back an inherited member (`constructor`).
    if (!p || !(priorities as readonly string[]).includes(p)) throw new InputError('priority', `unknown priority "${q.priority}"`);
    s.priority = p;
  }
  if (q.team) s.team = q.team;
  if (q.vip) s.vip = q.vip;
  if (q.channel) s.channel = q.channel;
  return s;
}

/** First and last day of a from/to query (periods of any grain); `to` defaults to today. */
function rangeOf(q: { from?: string; to?: string }, defaultFrom: string, today: string) {
  const fromDay = periodStartDay(q.from ?? defaultFrom);
  const toDay = periodEndDay(q.to ?? today);
  if (fromDay > toDay) throw new InputError('from', `${q.from ?? fromDay} is after ${q.to === undefined ? `today (${toDay})` : `to ${q.to}`}`);
  return { fromDay, toDay };
}

export type AttainmentQuery = SliceQuery & { from?: string; to?: string; grain: Grain; basis: 'outcome' | 'resolved'; by: (typeof sliceDims)[number][] };

/** SLA attainment per period and slice, with goal and status. */
export async function slaAttainment({ db, config, now }: Ctx, q: AttainmentQuery) {
  const today = todayOf(config, now);
  const defaultFrom = defaultPeriodFrom(q.grain, today);
  const { fromDay, toDay } = rangeOf(q, defaultFrom, today);
  let periods: string[];
  try {
    periods = periodsBetween(q.grain, fromDay, toDay, 1000);
  } catch {
    throw new InputError('to', `a ${q.grain} query covers at most 1000 periods; narrow from/to`);
  }
  const s = sliceOf(config, q);
  // The flags' evidence is read beside the counts (one wave), for the days of every period the
  // rows can have; flagRows narrows it to the rows' own.
  const [counted, evidence] = await Promise.all([
    attainmentCounts(db, { fromDay, toDay, grain: q.grain, slice: s, by: q.by }),
    qualityEvidence(db, config, 'sla', periodStartDay(periods[0]!), periodEndDay(periods[periods.length - 1]!)),
  ]);
  // One goal per period start and kind, not one lookup per row.
  const goals = new Map<string, number | null>();
  const goalOf = (p: string, kind: string | undefined) => {
    const key = `${p}|${kind ?? ''}`;
    let g = goals.get(key);
    if (g === undefined) goals.set(key, (g = goalFor(config.goals, periodStartDay(p), kind)));
    return g;
  };
  const row = (p: string, dims: Record<string, string>, counts: Record<Measure, number>) => {
    const attainment = attainmentOf(counts as AttainmentCounts, q.basis);
    const goal = goalOf(p, s.kind ?? dims.kind);
    return { period: p, ...s, ...dims, ...counts, attainment, goal, status: statusOf(attainment, goal) };
  };
  const zero = Object.fromEntries(measures.map((m) => [m, 0])) as Record<Measure, number>;
  let rows;
  if (q.by.length === 0) {
    const byPeriod = new Map(counted.map((r) => [r.period, r.counts]));
    rows = periods.map((p) => row(p, {}, byPeriod.get(p) ?? zero));
  } else {
    // Sorted by period, then by the dims' JSON text (as before), each key written once.
    const keyed = counted.map((r) => ({ r, dims: JSON.stringify(r.dims) }));
    keyed.sort((a, b) => collate(a.r.period, b.r.period) || collate(a.dims, b.dims));
    rows = keyed.map(({ r }) => row(r.period, r.dims, r.counts));
  }
  return { basis: q.basis, grain: q.grain, from: fromDay, to: toDay, slice: s, by: q.by, zone: slaRules(config).zone, rows: flagRows(evidence, 'sla', rows, { fromDay, toDay }, now) };
}

export type TicketsQuery = SliceQuery & {
  measure?: Measure;
  outcome?: 'met' | 'breached' | 'in_progress' | 'paused' | 'no_target';
  from?: string;
  to?: string;
  open?: 'true' | 'false';
  dueWithinMinutes?: number;
  page: number;
  pageSize: number;
};

/** The tickets behind a figure (drill-down), or open, at-risk and breached tickets. */
export async function slaTickets({ db, config, now }: Ctx, q: TicketsQuery) {
  const s = sliceOf(config, q);
  let measure: Measure | undefined = q.measure;
  if (!measure && (q.outcome === 'met' || q.outcome === 'breached') && (q.from || q.to)) measure = q.outcome;
  const { fromDay, toDay } = measure !== undefined ? rangeOf(q, '1970-01-01', todayOf(config, now)) : { fromDay: undefined, toDay: undefined };
  const calendar = slaRules(config).policyAt(now.getTime()).calendar;
  const dueBy = q.dueWithinMinutes === undefined ? undefined : new Date(calendar.addBusinessMs(now.getTime(), q.dueWithinMinutes * 60_000));
  const { total, rows } = await listSlaTickets(db, {
    measure,
    fromDay,
    toDay,
    open: q.open === 'true' || q.dueWithinMinutes !== undefined,
    outcomes: q.dueWithinMinutes !== undefined ? ['in_progress'] : q.outcome ? [q.outcome] : undefined,
    dueBy,
    slice: s,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  return { measure: measure ?? null, from: fromDay ?? null, to: toDay ?? null, slice: s, total, page: q.page, pageSize: q.pageSize, tickets: rows };
}

type TeamCounts = Awaited<ReturnType<typeof attainmentCounts>>;

/** The team leader's day: per team, today and month to date, at risk, breached, outstanding, oldest. */
export async function slaToday({ db, config, now }: Ctx, q: { riskMinutes: number }) {
  const day = todayOf(config, now);
  const calendar = slaRules(config).policyAt(now.getTime()).calendar;
  const riskBy = new Date(calendar.addBusinessMs(now.getTime(), q.riskMinutes * 60_000));
  // Three statements in one wave: today's and the month's counts together, the open figures
  // together, and the flags' evidence beside them.
  const [[daily, monthly], open, [dayFlags, monthFlags]] = await Promise.all([
    attainmentCountsOf(db, [
      { fromDay: day, toDay: day, grain: 'day', slice: {}, by: ['team'] },
      { fromDay: `${day.slice(0, 7)}-01`, toDay: day, grain: 'month', slice: {}, by: ['team'] },
    ]) as Promise<[TeamCounts, TeamCounts]>,
    teamOpenFigures(db, riskBy),
    flagsForPeriods({ db, config, now: () => now }, 'sla', [{ fromDay: day, toDay: day }, { fromDay: `${day.slice(0, 7)}-01`, toDay: day }]),
  ]);
  const oldestOpen = open.oldest;
  const teams = new Set<string>([...daily, ...monthly].map((r) => r.dims.team!));
  for (const list of [open.openByKind, open.breached, open.atRisk, open.notActioned]) for (const r of list) teams.add(r.team);
  const goal = goalFor(config.goals, day);
  const figure = (rows: TeamCounts, team: string) => {
    const counts = rows.find((r) => r.dims.team === team)?.counts;
    const met = counts?.met ?? 0;
    const breached = counts?.breached ?? 0;
    const attainment = attainmentOf({ met, breached } as AttainmentCounts);
    return { met, breached, attainment, goal, status: statusOf(attainment, goal) };
  };
  const n = (list: { team: string; n: number }[], team: string) => Number(list.find((r) => r.team === team)?.n ?? 0);
  const rows = await Promise.all(
    [...teams].sort().map(async (team) => {
      const oldest = oldestOpen.get(team);
      const openKinds = open.openByKind.filter((r) => r.team === team);
      return {
        team,
        today: Object.assign(figure(daily, team), { flags: dayFlags! }),
        monthToDate: Object.assign(figure(monthly, team), { flags: monthFlags! }),
        atRisk: n(open.atRisk, team),
        openBreached: n(open.breached, team),
        outstanding: {
          incident: Number(openKinds.find((r) => r.kind === 'incident')?.n ?? 0),
          service_request: Number(openKinds.find((r) => r.kind === 'service_request')?.n ?? 0),
          total: openKinds.reduce((sum, r) => sum + Number(r.n), 0),
        },
        assignedNotActioned: n(open.notActioned, team),
        oldestOpen: oldest ? { id: oldest.id, openedAt: oldest.openedAt.toISOString() } : null,
      };
    }),
  );
  return { day, month: periodOf('month', day), now: now.toISOString(), riskMinutes: q.riskMinutes, riskBy: riskBy.toISOString(), teams: rows };
}

/** Why did this ticket breach? Its counted, paused and out-of-hours segments; null when there is no such ticket. */
export async function slaTimeline({ db, config, now }: Ctx, id: string, sourceGiven: string | undefined) {
  const source = sourceGiven ?? config.ticketSource;
  const t = await slaTicket(db, source, id);
  if (!t) return { source, found: null };
  const history = (await historyOf(db, source, [id])).get(id) ?? [];
  const { policy, calendar: cal } = slaRules(config).policyAt(t.openedAt.getTime());
  const { result, segments } = explainTicket(toSlaTicket({ ...t, resolvedAt: t.ticketResolvedAt }, history), policy, cal, now.getTime());
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    source,
    found: {
      ticket: { id, source, kind: t.kind, priority: t.priority, vip: t.vip, team: t.team, status: t.status, openedAt: iso(t.openedAt.getTime()) },
      policy: { version: result.policyVersion, reopen: policy.reopen, calendar: result.calendarId, targetMinutes: result.targetMinutes },
      outcome: result.outcome,
      elapsedMinutes: result.elapsedMs / 60_000,
      dueAt: iso(result.dueAt),
      breachedAt: iso(result.breachedAt),
      outcomeAt: iso(result.outcomeAt),
      everBreached: result.everBreached,
      reopenCount: result.reopenCount,
      priorityHistory: history.filter((h) => h.field === 'priority').map((h) => ({ at: h.at.toISOString(), priority: h.value })),
      segments: segments.map((s) => ({ ...s, start: iso(s.start), end: iso(s.end) })),
    },
  };
}
