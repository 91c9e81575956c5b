import { z } from '@hono/zod-openapi';
import { slaForecastFor } from '../../services/sla-forecast.ts';
import { priorities } from '../../sla/policy.ts';
import type { AppDeps } from '../context.ts';
import { apiRoute, documented, json, router } from '../openapi.ts';
import { monthParam, nameParam } from '../params.ts';

const forecastQuery = z.object({
  /** Default: the current month. */
  month: monthParam.optional().openapi({ example: '2026-03' }),
  kind: nameParam().optional(),
  team: nameParam().optional(),
  priority: z.enum(priorities).optional(),
});

const ForecastSchema = z
  .looseObject({
    month: z.string(),
    asOf: z.string(),
    slice: z.object({ kind: z.string().nullable(), team: z.string().nullable(), priority: z.string().nullable() }),
    met: z.number().int(),
    breached: z.number().int(),
    open: z.number().int(),
    expectedArrivals: z.number(),
    expectedOutcomes: z.number(),
    attainmentSoFar: z.number().nullable(),
    forecast: z.object({ central: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable(), coverage: z.number() }),
    goal: z.number().nullable(),
    breachBudget: z.number().int().nullable().openapi({ description: 'How many more tickets may breach this month with the month still at its goal (negative: already short of it)' }),
  })
  .openapi('SlaForecast');

const forecastRoute = apiRoute({
  method: 'get',
  path: '/api/v1/sla/forecast',
  tags: ['SLA'],
  summary: 'Month-end forecast of SLA attainment (central value, 80% interval, attainment so far) and the breach budget: how many more tickets may breach with the month still at its goal',
  request: { query: forecastQuery },
  responses: { 200: json(documented<Awaited<ReturnType<typeof slaForecastFor>>>(ForecastSchema)) },
});

export function slaForecastRoutes(deps: AppDeps) {
  return router().openapi(forecastRoute, async (c) => c.json(await slaForecastFor(deps.db, deps.config, c.req.valid('query'), deps.now()), 200));
}
