import { Hono } from 'hono';
import { z } from 'zod';
import { addDays, localDayKey } from '../../calendar/zone.ts';
import { parsePriority } from '../../feeds/tickets/generic.ts';
import { attainmentOf, statusOf, type AttainmentCounts } from '../../sla/attainment.ts';
import { grains, periodEndDay, periodOf, periodsBetween, periodStartDay } from '../../sla/periods.ts';
import { goalFor, priorities } from '../../sla/policy.ts';
import { slaRules } from '../../sla/rules.ts';
import { explainTicket } from '../../sla/timeline.ts';
import { historyOf, toSlaTicket } from '../../store/sla.ts';
import {
  attainmentCounts,
  listSlaTickets,
  measures,
  oldestOpenTicket,
  openTicketsByTeam,
  sliceDims,
  slaTicket,
  type Measure,
  type SliceFilter,
} from '../../store/sla-queries.ts';
import { flagsForPeriods, withFlags } from '../../services/quality.ts';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';
import { ApiError, parseQuery } from '../errors.ts';
import { intParam, nameParam, periodParam } from '../params.ts';

const period = periodParam;

const sliceQuery = {
  kind: nameParam().optional(),
  team: nameParam().optional(),
  priority: nameParam().optional(),
  vip: z.enum(['true', 'false']).optional(),
  channel: nameParam().optional(),
};

const attainmentQuery = z.object({
  from: period.optional(),
  to: period.optional(),
  grain: z.enum(grains).default('month'),
  basis: z.enum(['outcome', 'resolved']).default('outcome'),
  by: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()) : []))
    .pipe(z.array(z.enum(sliceDims))),
  ...sliceQuery,
});

const outcomes = ['met', 'breached', 'in_progress', 'paused', 'no_target'] as const;
const ticketsQuery = z.object({
  measure: z.enum(measures).optional(),
  outcome: z.enum(outcomes).optional(),
  from: period.optional(),
  to: period.optional(),
  open: z.enum(['true', 'false']).optional(),
  dueWithinMinutes: intParam(0, 100_000).optional(),
  page: intParam(1, 100_000).default(1),
  pageSize: intParam(1, 500).default(50),
  ...sliceQuery,
});

const todayQuery = z.object({ riskMinutes: intParam(0, 10_000).default(60) });
const timelineParams = z.object({ id: nameParam(), source: nameParam().optional() });

export const slaOperations: Operation[] = [
  { method: 'get', path: '/api/v1/sla/attainment', tag: 'SLA', summary: 'SLA attainment per period and slice, with goal and status', query: attainmentQuery },
  { method: 'get', path: '/api/v1/sla/tickets', tag: 'SLA', summary: 'The tickets behind a figure (drill-down), or open, at-risk and breached tickets', query: ticketsQuery },
  { method: 'get', path: '/api/v1/sla/today', tag: 'SLA', summary: "The team leader's day per team", query: todayQuery },
  { method: 'get', path: '/api/v1/sla/tickets/:id/timeline', tag: 'SLA', summary: 'Why did this breach? The ticket\'s counted, paused and out-of-hours segments', query: timelineParams.pick({ source: true }) },
];

export function slaRoutes(deps: AppDeps) {
  const rules = slaRules(deps.config);
  const today = () => localDayKey(rules.zone, deps.now().getTime());
  const calendar = rules.policyAt(deps.now().getTime()).calendar;

  function slice(q: { kind?: string; team?: string; priority?: string; vip?: string; channel?: string }): SliceFilter {
    const s: SliceFilter = {};
    if (q.kind) {
      if (!deps.config.kinds.includes(q.kind)) {
        throw new ApiError('invalid_parameter', `kind: unknown kind "${q.kind}" (expected ${deps.config.kinds.join(', ')})`, { field: 'kind' });
      }
      s.kind = q.kind;
    }
    if (q.priority) {
      const p = parsePriority(q.priority);
      // Own values only: an alias lookup must not hand back an inherited member (`constructor`).
      if (!p || !(priorities as readonly string[]).includes(p)) throw new ApiError('invalid_parameter', `priority: unknown priority "${q.priority}"`, { field: 'priority' });
      s.priority = p;
    }
    if (q.team) s.team = q.team;
    if (q.vip) s.vip = q.vip;
    if (q.channel) s.channel = q.channel;
    return s;
  }

  function range(q: { from?: string; to?: string }, defaultFrom: string) {
    const fromDay = periodStartDay(q.from ?? defaultFrom);
    const toDay = periodEndDay(q.to ?? today());
    if (fromDay > toDay) {
      const to = q.to === undefined ? `today (${toDay})` : `to ${q.to}`;
      throw new ApiError('invalid_parameter', `from: ${q.from ?? fromDay} is after ${to}`, { field: 'from' });
    }
    return { fromDay, toDay };
  }

  return new Hono()
    .get('/api/v1/sla/attainment', async (c) => {
      const q = parseQuery(attainmentQuery, c.req.query());
      const defaultFrom = q.grain === 'day' ? addDays(today(), -30) : q.grain === 'week' ? addDays(today(), -7 * 12) : addDays(`${today().slice(0, 7)}-15`, -334).slice(0, 7);
      const { fromDay, toDay } = range(q, defaultFrom);
      let periods: string[];
      try {
        periods = periodsBetween(q.grain, fromDay, toDay, 1000);
      } catch {
        throw new ApiError('invalid_parameter', `to: a ${q.grain} query covers at most 1000 periods; narrow from/to`, { field: 'to' });
      }
      const s = slice(q);
      const counted = await attainmentCounts(deps.db, { fromDay, toDay, grain: q.grain, slice: s, by: q.by });
      const row = (p: string, dims: Record<string, string>, counts: Record<Measure, number>) => {
        const attainment = attainmentOf(counts as AttainmentCounts, q.basis);
        const goal = goalFor(deps.config.goals, periodStartDay(p), s.kind ?? dims.kind);
        return { period: p, ...s, ...dims, ...counts, attainment, goal, status: statusOf(attainment, goal) };
      };
      const zero = Object.fromEntries(measures.map((m) => [m, 0])) as Record<Measure, number>;
      const rows =
        q.by.length === 0
          ? periods.map((p) => row(p, {}, counted.find((r) => r.period === p)?.counts ?? zero))
          : counted.sort((a, b) => a.period.localeCompare(b.period) || JSON.stringify(a.dims).localeCompare(JSON.stringify(b.dims))).map((r) => row(r.period, r.dims, r.counts));
      return c.json({ basis: q.basis, grain: q.grain, from: fromDay, to: toDay, slice: s, by: q.by, zone: rules.zone, rows: await withFlags(deps, 'sla', rows, { fromDay, toDay }) });
    })
    .get('/api/v1/sla/tickets', async (c) => {
      const q = parseQuery(ticketsQuery, c.req.query());
      const s = slice(q);
      let measure: Measure | undefined = q.measure;
      if (!measure && (q.outcome === 'met' || q.outcome === 'breached') && (q.from || q.to)) measure = q.outcome;
      const dated = measure !== undefined;
      const { fromDay, toDay } = dated ? range(q, '1970-01-01') : { fromDay: undefined, toDay: undefined };
      const dueBy = q.dueWithinMinutes === undefined ? undefined : new Date(calendar.addBusinessMs(deps.now().getTime(), q.dueWithinMinutes * 60_000));
      const { total, rows } = await listSlaTickets(deps.db, {
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
      return c.json({ measure: measure ?? null, from: fromDay ?? null, to: toDay ?? null, slice: s, total, page: q.page, pageSize: q.pageSize, tickets: rows });
    })
    .get('/api/v1/sla/today', async (c) => {
      const q = parseQuery(todayQuery, c.req.query());
      const now = deps.now();
      const day = today();
      const riskBy = new Date(calendar.addBusinessMs(now.getTime(), q.riskMinutes * 60_000));
      const [daily, monthly, open] = await Promise.all([
        attainmentCounts(deps.db, { fromDay: day, toDay: day, grain: 'day', slice: {}, by: ['team'] }),
        attainmentCounts(deps.db, { fromDay: `${day.slice(0, 7)}-01`, toDay: day, grain: 'month', slice: {}, by: ['team'] }),
        openTicketsByTeam(deps.db, riskBy),
      ]);
      const [dayFlags, monthFlags] = await flagsForPeriods(deps, 'sla', [{ fromDay: day, toDay: day }, { fromDay: `${day.slice(0, 7)}-01`, toDay: day }]);
      const teams = new Set<string>([...daily, ...monthly].map((r) => r.dims.team!));
      for (const list of [open.openByKind, open.breached, open.atRisk, open.notActioned]) for (const r of list) teams.add(r.team);
      const goal = goalFor(deps.config.goals, day);
      const figure = (rows: typeof daily, team: string) => {
        const counts = rows.find((r) => r.dims.team === team)?.counts;
        const met = counts?.met ?? 0;
        const breached = counts?.breached ?? 0;
        const attainment = attainmentOf({ met, breached } as AttainmentCounts);
        return { met, breached, attainment, goal, status: statusOf(attainment, goal) };
      };
      const n = (list: { team: string; n: number }[], team: string) => Number(list.find((r) => r.team === team)?.n ?? 0);
      const rows = await Promise.all(
        [...teams].sort().map(async (team) => {
          const oldest = await oldestOpenTicket(deps.db, team);
          const openKinds = open.openByKind.filter((r) => r.team === team);
          return {
            team,
            today: { ...figure(daily, team), flags: dayFlags! },
            monthToDate: { ...figure(monthly, team), flags: monthFlags! },
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
      return c.json({ day, month: periodOf('month', day), now: now.toISOString(), riskMinutes: q.riskMinutes, riskBy: riskBy.toISOString(), teams: rows });
    })
    .get('/api/v1/sla/tickets/:id/timeline', async (c) => {
      const p = parseQuery(timelineParams, { id: c.req.param('id'), source: c.req.query('source') });
      const source = p.source ?? deps.config.ticketSource;
      const id = p.id;
      const t = await slaTicket(deps.db, source, id);
      if (!t) throw new ApiError('not_found', `no ticket "${id}" from source "${source}"`);
      const history = (await historyOf(deps.db, source, [id])).get(id) ?? [];
      const { policy, calendar: cal } = rules.policyAt(t.openedAt.getTime());
      const now = deps.now().getTime();
      const { result, segments } = explainTicket(toSlaTicket({ ...t, resolvedAt: t.ticketResolvedAt }, history), policy, cal, now);
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      return c.json({
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
      });
    });
}
