import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';

export const healthOperations: Operation[] = [{ method: 'get', path: '/health', tag: 'Service', summary: 'Liveness and database reachability (no key needed)' }];

export function healthRoutes(deps: AppDeps) {
  return new Hono().get('/health', async (c) => {
    const started = performance.now();
    try {
      await deps.db.execute(sql`select 1`);
    } catch (e) {
      return c.json({ status: 'error', database: { kind: deps.dbKind, ok: false, error: (e as Error).message } }, 503);
    }
    return c.json({
      status: 'ok',
      database: { kind: deps.dbKind, ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 },
      time: deps.now().toISOString(),
    });
  });
}
