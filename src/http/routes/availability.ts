import { z } from '@hono/zod-openapi';
import { availabilityFor } from '../../services/availability.ts';
import type { AppDeps } from '../context.ts';
import { apiRoute, documented, json, router } from '../openapi.ts';
import { dayOrMonthParam, nameParam } from '../params.ts';
import { FlagsSchema, StatusSchema } from './schemas.ts';

const availabilityQuery = z.object({
  from: dayOrMonthParam.optional().openapi({ example: '2025-11' }),
  to: dayOrMonthParam.optional(),
  grain: z.enum(['day', 'month']).default('month'),
  system: nameParam().optional(),
  group: nameParam().optional(),
});

const AvailabilityRow = z.looseObject({
  period: z.string(),
  system: z.string(),
  group: z.string(),
  availability: z.number().nullable(),
  target: z.number().nullable(),
  status: StatusSchema,
  flags: FlagsSchema,
});
const AvailabilitySchema = z
  .looseObject({
    grain: z.enum(['day', 'month']),
    from: z.string(),
    to: z.string(),
    rows: z.array(AvailabilityRow),
    allSystems: z.array(z.looseObject({ period: z.string(), availability: z.number().nullable(), flags: FlagsSchema })),
    warnings: z.array(z.string()),
    slice: z.object({ system: z.string().nullable(), group: z.string().nullable() }),
  })
  .openapi('Availability');

const availabilityRoute = apiRoute({
  method: 'get',
  path: '/api/v1/availability',
  tags: ['Availability'],
  summary: 'Availability in core hours per system and for all systems, with target and status',
  request: { query: availabilityQuery },
  responses: { 200: json(documented<Awaited<ReturnType<typeof availabilityFor>>>(AvailabilitySchema)) },
});

/** Availability per local day or month (METRICS.md §4; ARCHITECTURE.md "Interfaces"), computed on request. */
export function availabilityRoutes(deps: AppDeps) {
  return router().openapi(availabilityRoute, async (c) => c.json(await availabilityFor(deps.db, deps.config, c.req.valid('query'), deps.now()), 200));
}
