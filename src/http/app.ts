import { Hono } from 'hono';
import type { Db } from '../../db/client.ts';
import type { AppConfig } from '../config/app-config.ts';
import { errorBody, renderError } from './errors.ts';
import { healthRoutes } from './routes/health.ts';
import { slaRoutes } from './routes/sla.ts';

export type AppDeps = {
  db: Db;
  dbKind: 'pglite' | 'postgres';
  config: AppConfig;
  now: () => Date;
  log?: (message: string) => void;
};

/** The HTTP API; tests call `app.request()` on it without a server. */
export function createApp(deps: AppDeps) {
  const log = deps.log ?? ((m: string) => console.error(m));
  const app = new Hono();
  app.route('/', healthRoutes(deps));
  app.route('/', slaRoutes(deps));
  app.get('/', (c) =>
    c.json({
      name: 'attain',
      links: { health: '/health', attainment: '/api/v1/sla/attainment', attainmentDaily: '/api/v1/sla/attainment?grain=day' },
    }),
  );
  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => renderError(err, c, log));
  return app;
}
