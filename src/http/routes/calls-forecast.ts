import { Hono } from 'hono';
import { z } from 'zod';
import { callsForecastFor } from '../../services/calls-forecast.ts';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';
import { monthParam, nameParam, parseQuery } from '../params.ts';

const forecastQuery = z.object({
  /** Default: the current month. */
  month: monthParam.optional(),
  queue: nameParam().optional(),
});

export const callsForecastOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/calls/forecast',
    tag: 'Calls',
    summary:
      'Month-end forecast of the answer rate, abandon rate and service level (month to date, central value, 80% interval, calls still expected) and the abandon budget: how many more abandons the month can take within its target',
    query: forecastQuery,
  },
];

export function callsForecastRoutes(deps: AppDeps) {
  return new Hono().get('/api/v1/calls/forecast', async (c) => {
    const q = parseQuery(forecastQuery, c.req.query());
    return c.json(await callsForecastFor(deps.db, deps.config, q, deps.now()));
  });
}
