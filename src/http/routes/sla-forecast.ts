import { Hono } from 'hono';
import { z } from 'zod';
import { slaForecastFor } from '../../services/sla-forecast.ts';
import { priorities } from '../../sla/policy.ts';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';
import { monthParam, nameParam, parseQuery } from '../params.ts';

const forecastQuery = z.object({
  /** Default: the current month. */
  month: monthParam.optional(),
  kind: nameParam().optional(),
  team: nameParam().optional(),
  priority: z.enum(priorities).optional(),
});

export const slaForecastOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/sla/forecast',
    tag: 'SLA',
    summary: "Month-end forecast of SLA attainment (central value, 80% interval, attainment so far) and the breach budget: how many more tickets may breach with the month still at its goal",
    query: forecastQuery,
  },
];

export function slaForecastRoutes(deps: AppDeps) {
  return new Hono().get('/api/v1/sla/forecast', async (c) => {
    const q = parseQuery(forecastQuery, c.req.query());
    return c.json(await slaForecastFor(deps.db, deps.config, q, deps.now()));
  });
}
