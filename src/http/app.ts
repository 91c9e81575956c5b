import { OpenAPIHono } from '@hono/zod-openapi';
import { contextStorage } from 'hono/context-storage';
import { apiKeyAuth } from './auth.ts';
import type { AppDeps, AppEnv } from './context.ts';
import { errorBody, renderError } from './errors.ts';
import { generateDocument, registerSecuritySchemes, validationHook, type OpenApiDocument } from './openapi.ts';
import { authRoutes } from './routes/auth.tsx';
import { availabilityRoutes } from './routes/availability.ts';
import { callsRoutes } from './routes/calls.ts';
import { callsForecastRoutes } from './routes/calls-forecast.ts';
import { casesRoutes } from './routes/cases.ts';
import { docsRoutes } from './routes/docs.tsx';
import { drillPagesRoutes } from './routes/drill-pages.tsx';
import { feedsRoutes } from './routes/feeds.ts';
import { healthRoutes } from './routes/health.ts';
import { kpiFeedRoutes } from './routes/kpi-feed.ts';
import { measuresRoutes } from './routes/measures.ts';
import { outageRoutes } from './routes/outages.ts';
import { pagesRoutes } from './routes/pages.tsx';
import { plansRoutes } from './routes/plans.ts';
import { publishRoutes } from './routes/publish.ts';
import { reportRoutes } from './routes/reports.ts';
import { asApiError } from './routes/service-errors.ts';
import { slaForecastRoutes } from './routes/sla-forecast.ts';
import { slaRoutes } from './routes/sla.ts';
import { requestLog } from './request-log.ts';
import { cachedPaths, figureCache } from './figure-cache.ts';
import { securityHeaders } from './security-headers.ts';
import { sessionLoader } from './session.ts';

export type { AppDeps } from './context.ts';

const version = '0.1.0';

/** The HTTP API; tests call `app.request()` on it without a server. */
export function createApp(deps: AppDeps) {
  const log = deps.log ?? (() => {}); // 5xx are logged with their request id by requestLog
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('*', requestLog());
  app.use('*', securityHeaders());
  // Lets the layout show who is signed in without every page passing the request down.
  app.use('*', contextStorage());
  if (deps.auth?.mode === 'keys') {
    app.use('*', async (c, next) => (c.set('signInAvailable', true), next()));
    app.use('*', sessionLoader(deps.db, deps.auth, deps.now));
  }
  app.use('*', apiKeyAuth(deps.db, deps.auth ?? { mode: 'off', publicRead: true }));
  // After auth: a request refused there never reaches a stored answer.
  if (deps.config.responseCache.nowBucketSeconds > 0) app.use('*', figureCache(deps, cachedPaths));
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
  app.route('/', publishRoutes(deps));
  app.route('/', callsForecastRoutes(deps));
  app.route('/', drillPagesRoutes(deps));
  // The document is generated from the routes above (and these two and the pages) once, when first asked for.
  let document: OpenApiDocument | undefined;
  app.route('/', docsRoutes(deps, () => (document ??= generateDocument(app, version))));
  // `/` is the landing page, or its links as JSON for `Accept: application/json` (routes/pages.tsx).
  app.route('/', pagesRoutes(deps));
  registerSecuritySchemes(app);
  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => renderError(asApiError(err), c, log));
  return app;
}

/** Every served operation as `{ method, path }` (Hono-style path), from the generated document. */
export function operationsOf(app: ReturnType<typeof createApp>) {
  const doc = generateDocument(app, version);
  return Object.entries(doc.paths ?? {}).flatMap(([path, methods]) => Object.keys(methods as object).map((method) => ({ method, path: path.replace(/\{(\w+)\}/g, ':$1') })));
}
