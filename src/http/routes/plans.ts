import { z } from '@hono/zod-openapi';
import { localDayKey } from '../../calendar/zone.ts';
import { planDocument, planFigures, plansOverview, type PlanDocument } from '../../services/plans.ts';
import { slaRules } from '../../sla/rules.ts';
import type { AppDeps } from '../context.ts';
import { ApiError, quote } from '../errors.ts';
import { apiRoute, documented, json, router } from '../openapi.ts';
import { dayParam, nameParam } from '../params.ts';

const dateQuery = z.object({ date: dayParam.optional().openapi({ example: '2026-03-31' }) });

const progress = { progress: z.number().nullable(), progressDisplay: z.union([z.number(), z.string()]).nullable() };
const PlansSchema = z
  .object({
    date: z.string(),
    plans: z.array(z.object({ code: z.string(), title: z.string(), actions: z.number().int(), ...progress, updatedAt: z.string() })),
  })
  .openapi('Plans');
const PlanSchema = z
  .looseObject({
    code: z.string(),
    title: z.string(),
    ...progress,
    sections: z.array(z.looseObject({ name: z.string(), weight: z.number(), ...progress, actions: z.array(z.looseObject({ code: z.string(), title: z.string(), weight: z.number(), status: z.string() })) })),
  })
  .openapi('Plan');

const plansRoute = apiRoute({
  method: 'get',
  path: '/api/v1/plans',
  tags: ['Service plans'],
  summary: 'Every service plan with its weighted progress as of ?date (default today)',
  request: { query: dateQuery },
  responses: { 200: json(documented<{ date: string; plans: Awaited<ReturnType<typeof plansOverview>> }>(PlansSchema)) },
});
const planRoute = apiRoute({
  method: 'get',
  path: '/api/v1/plans/{code}',
  tags: ['Service plans'],
  summary: 'A service plan as of ?date: progress (exact 0–100) and progressDisplay (as printed), sections, actions with weight and status',
  request: { params: z.object({ code: nameParam(100) }), query: dateQuery },
  responses: { 200: json(documented<PlanDocument>(PlanSchema)) },
  errors: { 404: 'No such plan' },
});

/** Service plans (METRICS.md §7): progress and action status as of a date. */
export function plansRoutes(deps: AppDeps) {
  const today = () => localDayKey(slaRules(deps.config).zone, deps.now().getTime());
  return router()
    .openapi(plansRoute, async (c) => {
      const date = c.req.valid('query').date ?? today();
      return c.json({ date, plans: await plansOverview(deps.db, deps.config, date) }, 200);
    })
    .openapi(planRoute, async (c) => {
      const { code } = c.req.valid('param');
      const found = await planFigures(deps.db, deps.config, code, c.req.valid('query').date ?? today());
      if (!found) throw new ApiError('not_found', `no service plan ${quote(code)} (import one with \`attain ingest actions FILE --plan CODE\`)`, { field: 'code' });
      return c.json(planDocument(found.plan, found.figures), 200);
    });
}
