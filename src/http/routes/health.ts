import { logger } from '../../log.ts';
import { z } from '@hono/zod-openapi';
import { checkHealth } from '../../services/health.ts';
import type { AppDeps } from '../context.ts';
import { apiRoute, json, router } from '../openapi.ts';

const kind = z.enum(['pglite', 'postgres']);
const HealthSchema = z
  .union([
    z.object({ status: z.literal('ok'), database: z.object({ kind, ok: z.literal(true), latencyMs: z.number() }), time: z.string() }),
    z.object({ status: z.literal('degraded'), database: z.object({ kind, ok: z.literal(false), state: z.literal('unreachable') }), time: z.string() }),
  ])
  .openapi('Health', { example: { status: 'ok', database: { kind: 'postgres', ok: true, latencyMs: 0.8 }, time: '2026-03-10T12:00:00.000Z' } });

const healthRoute = apiRoute({
  method: 'get',
  path: '/health',
  tags: ['Service'],
  summary: 'Liveness and database reachability (no key needed)',
  responses: { 200: json(HealthSchema, 'Up, the database answering'), 503: json(HealthSchema, 'Up, the database unreachable') },
});

export function healthRoutes(deps: AppDeps) {
  const log = deps.log ?? ((m: string) => logger.warn(m));
  return router().openapi(healthRoute, async (c) => {
    const h = await checkHealth({ ...deps, log });
    return h.status === 'ok' ? c.json(h, 200) : c.json(h, 503);
  });
}
