import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { logger } from '../../log.ts';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';

export const healthOperations: Operation[] = [{ method: 'get', path: '/health', tag: 'Service', summary: 'Liveness and database reachability (no key needed)' }];

export function healthRoutes(deps: AppDeps) {
  const log = deps.log ?? ((m: string) => logger.warn(m));
  return new Hono().get('/health', async (c) => {
    const started = performance.now();
    try {
      await deps.db.execute(sql`select 1`);
    } catch (e) {
      // /health needs no key: the driver's text (host names, users, paths) goes to the log only.
      log(`GET /health: database unreachable: ${(e as Error).message}`);
      return c.json({ status: 'degraded', database: { kind: deps.dbKind, ok: false, state: 'unreachable' }, time: deps.now().toISOString() }, 503);
    }
    return c.json({
      status: 'ok',
      database: { kind: deps.dbKind, ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 },
      time: deps.now().toISOString(),
    });
  });
}
