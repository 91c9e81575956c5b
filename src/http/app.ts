import { Hono } from 'hono';
import { contextStorage } from 'hono/context-storage';
import type { Db } from '../../db/client.ts';
import type { AppConfig } from '../config/app-config.ts';
import { apiKeyAuth, type AuthOptions } from './auth.ts';
import { SIGN_IN_AVAILABLE } from './pages/signed-in.tsx';
import { authOperations, authRoutes } from './routes/auth.tsx';
import { securityHeaders } from './security-headers.ts';
import { requestLog } from './request-log.ts';
import { sessionLoader } from './session.ts';
import { errorBody, renderError } from './errors.ts';
import { docsRoutes } from './routes/docs.ts';
import { healthOperations, healthRoutes } from './routes/health.ts';
import { slaOperations, slaRoutes } from './routes/sla.ts';
import { slaForecastOperations, slaForecastRoutes } from './routes/sla-forecast.ts';
import { callsOperations, callsRoutes } from './routes/calls.ts';
import { availabilityOperations, availabilityRoutes } from './routes/availability.ts';
import { outageOperations, outageRoutes } from './routes/outages.ts';
import { reportOperations, reportRoutes } from './routes/reports.ts';
import { kpiFeedOperations, kpiFeedRoutes } from './routes/kpi-feed.ts';
import { feedsOperations, feedsRoutes } from './routes/feeds.ts';
import { casesOperations, casesRoutes } from './routes/cases.ts';
import { pagesOperations, pagesRoutes } from './routes/pages.tsx';
import { plansOperations, plansRoutes } from './routes/plans.ts';
import { measuresOperations, measuresRoutes } from './routes/measures.ts';
import type { Operation } from './openapi.ts';

/** Every documented operation; a test holds it equal to the routes the app serves. */
export const operations: Operation[] = [
  { method: 'get', path: '/', tag: 'Service', summary: 'Links to everything' },
  ...healthOperations, ...slaOperations, ...slaForecastOperations, ...callsOperations, ...availabilityOperations, ...outageOperations,
  ...reportOperations, ...kpiFeedOperations, ...feedsOperations, ...casesOperations, ...pagesOperations, ...authOperations,
  ...plansOperations, ...measuresOperations];

export type AppDeps = {
  db: Db;
  dbKind: 'pglite' | 'postgres';
  config: AppConfig;
  now: () => Date;
  log?: (message: string) => void;
  /**
   * API keys. Absent means off, for in-process tests of other concerns; the server commands
   * always pass `{ mode: 'keys' }` (src/cli.ts).
   */
  auth?: AuthOptions;
  /** The job runner's enqueue (uploads queue `compute-sla`); absent: the upload computes inline. */
  enqueue?: (job: string, slot: string, payload?: unknown) => Promise<void>;
  /** ATTAIN_DATA_DIR: uploads are streamed to `tmp/` under it (absent: the OS temp folder). */
  dataDir?: string;
};

/** The HTTP API; tests call `app.request()` on it without a server. */
export function createApp(deps: AppDeps) {
  const log = deps.log ?? (() => {}); // 5xx are logged with their request id by requestLog
  const app = new Hono();
  app.use('*', requestLog());
  app.use('*', securityHeaders());
  // Lets the layout show who is signed in without every page passing the request down.
  app.use('*', contextStorage());
  if (deps.auth?.mode === 'keys') {
    app.use('*', async (c, next) => (c.set(SIGN_IN_AVAILABLE as never, true as never), next()));
    app.use('*', sessionLoader(deps.db, deps.auth, deps.now));
  }
  app.use('*', apiKeyAuth(deps.db, deps.auth ?? { mode: 'off', publicRead: true }));
  app.route('/', authRoutes(deps));
  app.route('/', healthRoutes(deps));
  app.route('/', slaRoutes(deps));
  app.route('/', slaForecastRoutes(deps));
  app.route('/', callsRoutes(deps));
  app.route('/', availabilityRoutes(deps));
  app.route('/', outageRoutes(deps));
  app.route('/', reportRoutes(deps));
  app.route('/', kpiFeedRoutes(deps));
  app.route('/', feedsRoutes(deps));
  app.route('/', casesRoutes(deps));
  app.route('/', plansRoutes(deps));
  app.route('/', measuresRoutes(deps));
  app.route('/', docsRoutes(operations));
  // `/` is the landing page, or its links as JSON for `Accept: application/json` (routes/pages.tsx).
  app.route('/', pagesRoutes(deps));
  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => renderError(err, c, log));
  return app;
}
