import { z } from '@hono/zod-openapi';
import { grains } from '../../sla/periods.ts';
import { slaAttainment, slaTickets, slaTimeline, slaToday } from '../../services/sla-views.ts';
import { measures, sliceDims } from '../../store/sla-queries.ts';
import type { AppDeps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { apiRoute, documented, json, router } from '../openapi.ts';
import { intParam, nameParam, periodParam as period } from '../params.ts';
import { AttainmentFigureSchema, FlagsSchema, StatusSchema } from './schemas.ts';

const sliceQuery = {
  kind: nameParam().optional(),
  team: nameParam().optional(),
  priority: nameParam().optional(),
  vip: z.enum(['true', 'false']).optional(),
  channel: nameParam().optional(),
};

const attainmentQuery = z.object({
  from: period.optional().openapi({ example: '2025-01' }),
  to: period.optional().openapi({ example: '2025-12' }),
  grain: z.enum(grains).default('month'),
  basis: z.enum(['outcome', 'resolved']).default('outcome'),
  by: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()) : []))
    .pipe(z.array(z.enum(sliceDims)))
    .openapi({ description: `Comma-separated: ${sliceDims.join(', ')}`, example: 'team' }),
  ...sliceQuery,
});

const outcomes = ['met', 'breached', 'in_progress', 'paused', 'no_target'] as const;
export const ticketsQuery = z.object({
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

const SliceSchema = z.object({ kind: z.string().optional(), team: z.string().optional(), priority: z.string().optional(), vip: z.string().optional(), channel: z.string().optional() });
const AttainmentSchema = z
  .object({
    basis: z.enum(['outcome', 'resolved']),
    grain: z.enum(grains),
    from: z.string(),
    to: z.string(),
    slice: SliceSchema,
    by: z.array(z.enum(sliceDims)),
    zone: z.string(),
    rows: z.array(z.looseObject({ period: z.string(), met: z.number().int(), breached: z.number().int(), attainment: z.number().nullable(), goal: z.number().nullable(), status: StatusSchema, flags: FlagsSchema })),
  })
  .openapi('SlaAttainment');
const TicketsSchema = z
  .object({
    measure: z.enum(measures).nullable(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    slice: SliceSchema,
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
    tickets: z.array(z.looseObject({ id: z.string(), source: z.string(), team: z.string().nullable(), outcome: z.string() })),
  })
  .openapi('SlaTickets');
const TodaySchema = z
  .object({
    day: z.string(),
    month: z.string(),
    now: z.string(),
    riskMinutes: z.number().int(),
    riskBy: z.string(),
    teams: z.array(
      z.object({
        team: z.string(),
        today: AttainmentFigureSchema.extend({ flags: FlagsSchema }),
        monthToDate: AttainmentFigureSchema.extend({ flags: FlagsSchema }),
        atRisk: z.number().int(),
        openBreached: z.number().int(),
        outstanding: z.object({ incident: z.number().int(), service_request: z.number().int(), total: z.number().int() }),
        assignedNotActioned: z.number().int(),
        oldestOpen: z.object({ id: z.string(), openedAt: z.string() }).nullable(),
      }),
    ),
  })
  .openapi('SlaToday');
const TimelineSchema = z
  .object({
    ticket: z.looseObject({ id: z.string(), source: z.string(), openedAt: z.string().nullable() }),
    policy: z.looseObject({ version: z.string(), calendar: z.string(), targetMinutes: z.number().nullable() }),
    outcome: z.string(),
    elapsedMinutes: z.number(),
    dueAt: z.string().nullable(),
    breachedAt: z.string().nullable(),
    outcomeAt: z.string().nullable(),
    everBreached: z.boolean(),
    reopenCount: z.number().int(),
    priorityHistory: z.array(z.object({ at: z.string(), priority: z.string().nullable() })),
    segments: z.array(z.looseObject({ start: z.string().nullable(), end: z.string().nullable() })),
  })
  .openapi('SlaTimeline');

type Out<F extends (...a: never[]) => unknown> = Awaited<ReturnType<F>>;

const attainmentRoute = apiRoute({
  method: 'get',
  path: '/api/v1/sla/attainment',
  tags: ['SLA'],
  summary: 'SLA attainment per period and slice, with goal and status',
  request: { query: attainmentQuery },
  responses: { 200: json(documented<Out<typeof slaAttainment>>(AttainmentSchema)) },
});
const ticketsRoute = apiRoute({
  method: 'get',
  path: '/api/v1/sla/tickets',
  tags: ['SLA'],
  summary: 'The tickets behind a figure (drill-down), or open, at-risk and breached tickets',
  request: { query: ticketsQuery },
  responses: { 200: json(documented<Out<typeof slaTickets>>(TicketsSchema)) },
});
const todayRoute = apiRoute({
  method: 'get',
  path: '/api/v1/sla/today',
  tags: ['SLA'],
  summary: "The team leader's day per team",
  request: { query: todayQuery },
  responses: { 200: json(documented<Out<typeof slaToday>>(TodaySchema)) },
});
const timelineRoute = apiRoute({
  method: 'get',
  path: '/api/v1/sla/tickets/{id}/timeline',
  tags: ['SLA'],
  summary: "Why did this breach? The ticket's counted, paused and out-of-hours segments",
  request: { params: z.object({ id: nameParam() }), query: z.object({ source: nameParam().optional() }) },
  responses: { 200: json(documented<NonNullable<Out<typeof slaTimeline>['found']>>(TimelineSchema)) },
  errors: { 404: 'No such ticket' },
});

export function slaRoutes(deps: AppDeps) {
  const ctx = () => ({ db: deps.db, config: deps.config, now: deps.now() });
  return router()
    .openapi(attainmentRoute, async (c) => c.json(await slaAttainment(ctx(), c.req.valid('query')), 200))
    .openapi(ticketsRoute, async (c) => c.json(await slaTickets(ctx(), c.req.valid('query')), 200))
    .openapi(todayRoute, async (c) => c.json(await slaToday(ctx(), c.req.valid('query')), 200))
    .openapi(timelineRoute, async (c) => {
      const { id } = c.req.valid('param');
      const t = await slaTimeline(ctx(), id, c.req.valid('query').source);
      if (!t.found) throw new ApiError('not_found', `no ticket "${id}" from source "${t.source}"`);
      return c.json(t.found, 200);
    });
}
