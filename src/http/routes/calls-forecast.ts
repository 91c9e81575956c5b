import { z } from '@hono/zod-openapi';
import { callsForecastFor } from '../../services/calls-forecast.ts';
import type { AppDeps } from '../context.ts';
import { apiRoute, documented, json, router } from '../openapi.ts';
import { monthParam, nameParam } from '../params.ts';

const forecastQuery = z.object({
  /** Default: the current month. */
  month: monthParam.optional().openapi({ example: '2026-03' }),
  queue: nameParam().optional(),
});

const Measure = z.looseObject({
  soFar: z.looseObject({ numerator: z.number(), denominator: z.number() }).openapi({ description: 'The month to date' }),
  expectedMore: z.number(),
  central: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  target: z.number().nullable(),
  direction: z.enum(['up', 'down']),
});
const ForecastSchema = z
  .looseObject({ month: z.string(), asOf: z.string(), queue: z.string().nullable(), answerRate: Measure, abandonRate: Measure, serviceLevel: Measure })
  .openapi('CallsForecast');

const forecastRoute = apiRoute({
  method: 'get',
  path: '/api/v1/calls/forecast',
  tags: ['Calls'],
  summary:
    'Month-end forecast of the answer rate, abandon rate and service level (month to date, central value, 80% interval, calls still expected) and the abandon budget: how many more abandons the month can take within its target',
  request: { query: forecastQuery },
  responses: { 200: json(documented<Awaited<ReturnType<typeof callsForecastFor>>>(ForecastSchema)) },
});

export function callsForecastRoutes(deps: AppDeps) {
  return router().openapi(forecastRoute, async (c) => c.json(await callsForecastFor(deps.db, deps.config, c.req.valid('query'), deps.now()), 200));
}
