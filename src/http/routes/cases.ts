import { Hono } from 'hono';
import { z } from 'zod';
import { addDays, localDayKey } from '../../calendar/zone.ts';
import { caseStates, caseDims, caseMeasures, type CaseSlice } from '../../store/cases.ts';
import { AmbiguousCaseError, caseAttainment, caseDrillDown, caseRulesOf, caseTimeline } from '../../services/cases.ts';
import { grains, periodEndDay, periodsBetween, periodStartDay } from '../../sla/periods.ts';
import { withFlags } from '../../services/quality.ts';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';
import { ApiError, parseQuery, quote } from '../errors.ts';
import { dayParam, intParam, nameParam, periodParam as period } from '../params.ts';

const sliceQuery = { kind: nameParam().optional(), department: nameParam().optional() };
const day = dayParam;

const attainmentQuery = z.object({
  from: period.optional(),
  to: period.optional(),
  grain: z.enum(grains).default('month'),
  by: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()) : []))
    .pipe(z.array(z.enum(caseDims))),
  ...sliceQuery,
});

const casesQuery = z.object({
  measure: z.enum(caseMeasures).optional(),
  /** Current state instead of a figure: open (not yet due), overdue (past due, unanswered), stopped (waiting for the requester). */
  state: z.enum(caseStates).optional(),
  from: period.optional(),
  to: period.optional(),
  /** Unanswered cases due on these local days. */
  dueFrom: day.optional(),
  dueTo: day.optional(),
  page: intParam(1, 100_000).default(1),
  pageSize: intParam(1, 500).default(50),
  ...sliceQuery,
});

export const casesOperations: Operation[] = [
  { method: 'get', path: '/api/v1/cases/attainment', tag: 'Casework', summary: 'Casework within timescale per period, kind and department: received, responded, met, late, attainment, goal, status, extended', query: attainmentQuery },
  { method: 'get', path: '/api/v1/cases', tag: 'Casework', summary: 'The cases behind a casework figure (drill-down), each with dueAt, respondedAt and outcome; or open, overdue and stopped cases', query: casesQuery },
  { method: 'get', path: '/api/v1/cases/:id/timeline', tag: 'Casework', summary: 'Why was this case late? Received, clock start, pauses, restarts, extension, due date, response', query: z.object({ source: nameParam().optional() }) },
];

export function casesRoutes(deps: AppDeps) {
  const rules = () => caseRulesOf(deps.config);
  const today = () => localDayKey(rules().zone, deps.now().getTime());

  function slice(q: { kind?: string; department?: string }): CaseSlice {
    if (q.kind && !rules().kinds.includes(q.kind)) {
      throw new ApiError('invalid_parameter', `kind: unknown casework kind "${q.kind}" (expected ${rules().kinds.join(', ')})`, { field: 'kind' });
    }
    return { ...(q.kind ? { kind: q.kind } : {}), ...(q.department ? { department: q.department } : {}) };
  }

  function range(q: { from?: string; to?: string }, defaultFrom: string) {
    const fromDay = periodStartDay(q.from ?? defaultFrom);
    const toDay = periodEndDay(q.to ?? today());
    if (fromDay > toDay) throw new ApiError('invalid_parameter', `from: ${q.from} is after to ${q.to ?? toDay}`, { field: 'from' });
    return { fromDay, toDay };
  }

  return new Hono()
    .get('/api/v1/cases/attainment', async (c) => {
      const q = parseQuery(attainmentQuery, c.req.query());
      const defaultFrom = q.grain === 'day' ? addDays(today(), -30) : addDays(`${today().slice(0, 7)}-15`, -334).slice(0, 7);
      const { fromDay, toDay } = range(q, defaultFrom);
      try {
        periodsBetween(q.grain, fromDay, toDay, 1000);
      } catch {
        throw new ApiError('invalid_parameter', `to: a ${q.grain} query covers at most 1000 periods; narrow from/to`, { field: 'to' });
      }
      const s = slice(q);
      const result = await caseAttainment(deps.db, deps.config, { fromDay, toDay, grain: q.grain, slice: s, by: q.by }, deps.now());
      return c.json({ grain: q.grain, from: fromDay, to: toDay, slice: s, by: q.by, ...result, rows: await withFlags(deps, 'casework', result.rows, { fromDay, toDay }) });
    })
    .get('/api/v1/cases', async (c) => {
      const q = parseQuery(casesQuery, c.req.query());
      if (q.measure && q.state) throw new ApiError('invalid_parameter', 'state: give a measure (a figure of a period) or a state (now), not both', { field: 'state' });
      const s = slice(q);
      const dated = q.measure !== undefined;
      const { fromDay, toDay } = dated ? range(q, '1970-01-01') : { fromDay: undefined, toDay: undefined };
      const result = await caseDrillDown(deps.db, {
        measure: q.measure,
        state: q.state,
        fromDay,
        toDay,
        dueFrom: q.dueFrom,
        dueTo: q.dueTo,
        slice: s,
        now: deps.now(),
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      });
      return c.json({ measure: q.measure ?? null, state: q.state ?? null, from: fromDay ?? null, to: toDay ?? null, slice: s, page: q.page, pageSize: q.pageSize, ...result });
    })
    .get('/api/v1/cases/:id/timeline', async (c) => {
      const { id } = parseQuery(z.object({ id: nameParam() }), c.req.param());
      const q = parseQuery(z.object({ source: nameParam().optional() }), c.req.query());
      try {
        const t = await caseTimeline(deps.db, deps.config, id, q.source, deps.now());
        if (!t) throw new ApiError('not_found', `case ${quote(id)}${q.source ? ` (source ${quote(q.source)})` : ''} does not exist`, { field: 'id' });
        return c.json(t);
      } catch (e) {
        if (e instanceof AmbiguousCaseError) throw new ApiError('invalid_parameter', `source: ${e.message}`, { field: 'source' });
        throw e;
      }
    });
}
