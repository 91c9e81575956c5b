import { z } from '@hono/zod-openapi';
import { MAX_AGENTS, StaffingLimitError, staffingFor } from '../../calls/erlang-c.ts';
import { serviceLevelVariants, type ServiceLevelVariant } from '../../calls/kpis.ts';
import { callFiguresFor, callsNow } from '../../services/calls.ts';
import type { AppDeps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { apiRoute, documented, json, router } from '../openapi.ts';
import { dayOrMonthParam, intParam, nameParam, numberParam } from '../params.ts';
import { CallCountsSchema, FlagsSchema } from './schemas.ts';

const variants = Object.keys(serviceLevelVariants) as [ServiceLevelVariant, ...ServiceLevelVariant[]];

const kpisQuery = z.object({
  from: dayOrMonthParam.optional().openapi({ example: '2025-11' }),
  to: dayOrMonthParam.optional(),
  grain: z.enum(['interval', 'day', 'month']).default('day'),
  interval: z.enum(['15', '30', '60']).default('15').transform(Number),
  queue: nameParam().optional(),
  /** Thresholds other than the configured ones: the figures are then computed from the visits. */
  slSeconds: intParam(0, 86_400).optional(),
  shortAbandonSeconds: intParam(0, 3_600).optional(),
  variant: z.enum(variants).optional(),
});

const fractionMessage = 'expected a fraction between 0 and 1 (exclusive), e.g. 0.8';
// Sane ranges (issue 17): a day's calls of a large centre, a day's handling at most, an interval of
// a day at most; the agents the goal needs are bounded separately (MAX_AGENTS in src/calls/erlang-c.ts).
const staffingQuery = z.object({
  arrivals: numberParam(0, 1_000_000).openapi({ example: '120' }),
  aht: numberParam(0, 86_400, { gt: true }).openapi({ example: '240' }),
  intervalMinutes: numberParam(0, 1440, { gt: true }).default(30),
  slTarget: numberParam(0, 1, { gt: true, message: fractionMessage }).pipe(z.number().lt(1, fractionMessage)).default(0.8),
  slSeconds: numberParam(0, 86_400).default(20),
  maxOccupancy: numberParam(0, 1, { gt: true, message: 'expected a fraction above 0 and at most 1, e.g. 0.85' }).optional(),
});

const nowQuery = z.object({ queue: nameParam().optional() });

const KpisSchema = z
  .object({
    grain: z.enum(['interval', 'day', 'month']),
    interval: z.number().int().optional(),
    from: z.string(),
    to: z.string(),
    zone: z.string(),
    calendar: z.string(),
    queue: z.string().nullable(),
    thresholds: z.object({ shortAbandonSeconds: z.number(), serviceLevelSeconds: z.number() }),
    serviceLevelVariant: z.object({ name: z.enum(variants), label: z.string() }),
    basis: z.enum(['visits', 'stored']),
    rows: z.array(CallCountsSchema.extend({ period: z.string(), start: z.string(), end: z.string(), queue: z.string().nullable(), openDays: z.number().int().nullable(), flags: FlagsSchema })),
  })
  .openapi('CallKpis');

const NowSchema = z
  .object({
    at: z.string(),
    zone: z.string(),
    today: z.string(),
    queue: z.string().nullable(),
    waiting: z.number().int(),
    longestWaitSeconds: z.number().nullable(),
    oldestArrivedAt: z.string().nullable(),
    queues: z.array(z.object({ queue: z.string(), waiting: z.number().int(), longestWaitSeconds: z.number(), oldestArrivedAt: z.string() })),
    todaySoFar: CallCountsSchema.extend({ flags: FlagsSchema }),
  })
  .openapi('CallsNow');

const StaffingSchema = z
  .object({
    model: z.string(),
    input: z.object({ arrivals: z.number(), ahtSeconds: z.number(), intervalMinutes: z.number(), slTarget: z.number(), slSeconds: z.number(), maxOccupancy: z.number().nullable() }),
    trafficErlangs: z.number(),
    agents: z.number().int(),
    serviceLevel: z.number(),
    occupancy: z.number(),
    probabilityOfWaiting: z.number(),
    asaSeconds: z.number(),
    agentsForServiceLevel: z.number().int(),
  })
  .openapi('Staffing');

const kpisRoute = apiRoute({
  method: 'get',
  path: '/api/v1/calls/kpis',
  tags: ['Calls'],
  summary: 'Contact-centre KPIs per interval, day or month, per queue or all queues, with targets and status',
  request: { query: kpisQuery },
  responses: { 200: json(documented<Awaited<ReturnType<typeof callFiguresFor>>>(KpisSchema), 'One row per period, each with its counts and figures') },
});
const nowRoute = apiRoute({
  method: 'get',
  path: '/api/v1/calls/now',
  tags: ['Calls'],
  summary: 'Calls waiting now, the longest current wait, and today so far',
  request: { query: nowQuery },
  responses: { 200: json(documented<Awaited<ReturnType<typeof callsNow>>>(NowSchema)) },
});
const staffingRoute = apiRoute({
  method: 'get',
  path: '/api/v1/calls/staffing',
  tags: ['Calls'],
  summary: `Erlang C: agents needed for an interval (at most ${MAX_AGENTS}), predicted service level and occupancy`,
  request: { query: staffingQuery },
  responses: { 200: json(StaffingSchema) },
});


export function callsRoutes(deps: AppDeps) {
  return router()
    .openapi(kpisRoute, async (c) => c.json(await callFiguresFor(deps.db, deps.config, c.req.valid('query'), deps.now()), 200))
    .openapi(nowRoute, async (c) => c.json(await callsNow(deps.db, deps.config, c.req.valid('query'), deps.now()), 200))
    .openapi(staffingRoute, (c) => {
      const q = c.req.valid('query');
      let s;
      try {
        s = staffingFor({ arrivals: q.arrivals, ahtSeconds: q.aht, intervalMinutes: q.intervalMinutes, slTarget: q.slTarget, slSeconds: q.slSeconds, maxOccupancy: q.maxOccupancy });
      } catch (e) {
        if (e instanceof StaffingLimitError) throw new ApiError('invalid_parameter', `${e.field}: ${e.message}`, { field: e.field, maxAgents: MAX_AGENTS });
        throw e;
      }
      return c.json(
        {
          model: 'Erlang C (M/M/N: Poisson arrivals, exponential handling, no abandonment)',
          input: { arrivals: q.arrivals, ahtSeconds: q.aht, intervalMinutes: q.intervalMinutes, slTarget: q.slTarget, slSeconds: q.slSeconds, maxOccupancy: q.maxOccupancy ?? null },
          ...s,
        },
        200,
      );
    });
}
