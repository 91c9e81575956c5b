import { Hono } from 'hono';
import { z } from 'zod';
import { localDayKey } from '../../calendar/zone.ts';
import { planDocument, planFigures, plansOverview } from '../../services/plans.ts';
import { slaRules } from '../../sla/rules.ts';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';
import { ApiError, parseQuery, quote } from '../errors.ts';
import { dayParam, nameParam } from '../params.ts';

const dateQuery = z.object({
  date: dayParam.optional(),
});

export const plansOperations: Operation[] = [
  { method: 'get', path: '/api/v1/plans', tag: 'Service plans', summary: 'Every service plan with its weighted progress as of ?date (default today)', query: dateQuery },
  {
    method: 'get',
    path: '/api/v1/plans/:code',
    tag: 'Service plans',
    summary: 'A service plan as of ?date: progress (exact 0–100) and progressDisplay (as printed), sections, actions with weight and status',
    query: dateQuery,
  },
];

/** Service plans (METRICS.md §7): progress and action status as of a date. */
export function plansRoutes(deps: AppDeps) {
  const today = () => localDayKey(slaRules(deps.config).zone, deps.now().getTime());
  return new Hono()
    .get('/api/v1/plans', async (c) => {
      const q = parseQuery(dateQuery, c.req.query());
      const date = q.date ?? today();
      return c.json({ date, plans: await plansOverview(deps.db, deps.config, date) });
    })
    .get('/api/v1/plans/:code', async (c) => {
      const q = parseQuery(dateQuery, c.req.query());
      const { code } = parseQuery(z.object({ code: nameParam(100) }), c.req.param());
      const found = await planFigures(deps.db, deps.config, code, q.date ?? today());
      if (!found) throw new ApiError('not_found', `no service plan ${quote(code)} (import one with \`attain ingest actions FILE --plan CODE\`)`, { field: 'code' });
      return c.json(planDocument(found.plan, found.figures));
    });
}
