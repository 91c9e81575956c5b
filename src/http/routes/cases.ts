import { z } from '@hono/zod-openapi';
import { caseAttainmentFor, casesFor } from '../../services/case-views.ts';
import { AmbiguousCaseError, caseTimeline } from '../../services/cases.ts';
import { grains } from '../../sla/periods.ts';
import { caseDims, caseMeasures, caseStates } from '../../store/cases.ts';
import type { AppDeps } from '../context.ts';
import { ApiError, quote } from '../errors.ts';
import { apiRoute, documented, json, router } from '../openapi.ts';
import { dayParam, intParam, nameParam, periodParam as period } from '../params.ts';
import { FlagsSchema, StatusSchema } from './schemas.ts';

const sliceQuery = { kind: nameParam().optional(), department: nameParam().optional() };

const attainmentQuery = z.object({
  from: period.optional().openapi({ example: '2025-04' }),
  to: period.optional(),
  grain: z.enum(grains).default('month'),
  by: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()) : []))
    .pipe(z.array(z.enum(caseDims)))
    .openapi({ description: `Comma-separated: ${caseDims.join(', ')}` }),
  ...sliceQuery,
});

export const casesQuery = z.object({
  measure: z.enum(caseMeasures).optional(),
  /** Current state instead of a figure: open (not yet due), overdue (past due, unanswered), stopped (waiting for the requester). */
  state: z.enum(caseStates).optional(),
  from: period.optional(),
  to: period.optional(),
  /** Unanswered cases due on these local days. */
  dueFrom: dayParam.optional(),
  dueTo: dayParam.optional(),
  page: intParam(1, 100_000).default(1),
  pageSize: intParam(1, 500).default(50),
  ...sliceQuery,
});

const CaseSliceSchema = z.object({ kind: z.string().optional(), department: z.string().optional() });
const CaseAttainmentSchema = z
  .looseObject({
    grain: z.enum(grains),
    from: z.string(),
    to: z.string(),
    slice: CaseSliceSchema,
    by: z.array(z.enum(caseDims)),
    zone: z.string(),
    now: z.looseObject({}),
    rows: z.array(
      z.looseObject({
        period: z.string(),
        received: z.number().int(),
        responded: z.number().int(),
        met: z.number().int(),
        late: z.number().int(),
        attainment: z.number().nullable(),
        goal: z.number().nullable(),
        status: StatusSchema,
        extended: z.number().int(),
        escalated: z.number().int(),
        meanWorkingDaysToRespond: z.number().nullable(),
        flags: FlagsSchema,
      }),
    ),
  })
  .openapi('CaseAttainment');
const CasesSchema = z
  .object({
    measure: z.enum(caseMeasures).nullable(),
    state: z.enum(caseStates).nullable(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    slice: CaseSliceSchema,
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
    cases: z.array(z.looseObject({ receivedAt: z.string(), dueAt: z.string().nullable(), respondedAt: z.string().nullable() })),
  })
  .openapi('Cases');
const CaseTimelineSchema = z.looseObject({ case: z.looseObject({ id: z.string(), source: z.string(), kind: z.string(), receivedAt: z.string(), respondedAt: z.string().nullable() }) }).openapi('CaseTimeline');

const attainmentRoute = apiRoute({
  method: 'get',
  path: '/api/v1/cases/attainment',
  tags: ['Casework'],
  summary: 'Casework within timescale per period, kind and department: received, responded, met, late, attainment, goal, status, extended',
  request: { query: attainmentQuery },
  responses: { 200: json(documented<Awaited<ReturnType<typeof caseAttainmentFor>>>(CaseAttainmentSchema)) },
});
const casesRoute = apiRoute({
  method: 'get',
  path: '/api/v1/cases',
  tags: ['Casework'],
  summary: 'The cases behind a casework figure (drill-down), each with dueAt, respondedAt and outcome; or open, overdue and stopped cases',
  request: { query: casesQuery },
  responses: { 200: json(documented<Awaited<ReturnType<typeof casesFor>>>(CasesSchema)) },
});
const timelineRoute = apiRoute({
  method: 'get',
  path: '/api/v1/cases/{id}/timeline',
  tags: ['Casework'],
  summary: 'Why was this case late? Received, clock start, pauses, restarts, extension, due date, response',
  request: { params: z.object({ id: nameParam() }), query: z.object({ source: nameParam().optional() }) },
  responses: { 200: json(documented<NonNullable<Awaited<ReturnType<typeof caseTimeline>>>>(CaseTimelineSchema)) },
  errors: { 404: 'No such case' },
});

export function casesRoutes(deps: AppDeps) {
  return router()
    .openapi(attainmentRoute, async (c) => c.json(await caseAttainmentFor(deps.db, deps.config, c.req.valid('query'), deps.now()), 200))
    .openapi(casesRoute, async (c) => c.json(await casesFor(deps.db, deps.config, c.req.valid('query'), deps.now()), 200))
    .openapi(timelineRoute, async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      try {
        const t = await caseTimeline(deps.db, deps.config, id, q.source, deps.now());
        if (!t) throw new ApiError('not_found', `case ${quote(id)}${q.source ? ` (source ${quote(q.source)})` : ''} does not exist`, { field: 'id' });
        return c.json(t, 200);
      } catch (e) {
        if (e instanceof AmbiguousCaseError) throw new ApiError('invalid_parameter', `source: ${e.message}`, { field: 'source' });
        throw e;
      }
    });
}
