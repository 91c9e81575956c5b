import type { Context, MiddlewareHandler } from 'hono';
import { snapshotReader } from '../store/snapshot.ts';
import type { AppDeps } from './context.ts';
import { responseCache } from './response-cache.ts';
import { actorOf, sessionOf } from './session.ts';

/**
 * The GET routes whose answers are cached (docs/response-cache.md): the figures behind the pages
 * and the report, the report and KPI feed, and the pages. Each reads only the database, the clock
 * and the configuration, and writes nothing (test/e2e/response-cache.e2e.test.ts checks that a
 * GET of each leaves the database's snapshot as it was).
 */
export const cachedPaths: readonly RegExp[] = [
  /^\/api\/v1\/sla\/(attainment|today|tickets)$/,
  /^\/api\/v1\/sla\/tickets\/[^/]+\/timeline$/,
  /^\/api\/v1\/calls\/(kpis|now)$/,
  /^\/api\/v1\/availability$/,
  /^\/api\/v1\/reports\/monthly\/[^/]+$/,
  /^\/api\/v1\/kpi-feed\/[^/]+$/,
  /^\/pages\/.+$/,
];

/**
 * Who the answer is for, as far as it can differ: a page's header names the signed-in person
 * (src/http/pages/signed-in.tsx); the API's JSON is the same for every role that may read it, but
 * the role is in the key all the same, so that a route answering by role later stays right.
 */
export function principalOf(c: Context): string {
  const s = sessionOf(c);
  const a = actorOf(c);
  return `${s ? `${s.subject}\u0000${s.name}\u0000${s.role}` : '-'}\u0000${a.kind === 'none' ? '-' : a.role}`;
}

export function figureCache(deps: Pick<AppDeps, 'db' | 'now' | 'config'>, paths: readonly RegExp[]): MiddlewareHandler {
  const { nowBucketSeconds, maxMiB } = deps.config.responseCache;
  return responseCache({ snapshot: snapshotReader(deps.db), now: deps.now, bucketMs: nowBucketSeconds * 1000, maxBytes: maxMiB * 2 ** 20, paths, variesOn: principalOf });
}
