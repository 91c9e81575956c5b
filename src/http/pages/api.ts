import { Hono } from 'hono';
import { hc } from 'hono/client';
import type { AppDeps } from '../context.ts';
import { availabilityRoutes } from '../routes/availability.ts';
import { callsRoutes } from '../routes/calls.ts';
import { callsForecastRoutes } from '../routes/calls-forecast.ts';
import { casesRoutes } from '../routes/cases.ts';
import { outageRoutes } from '../routes/outages.ts';
import { slaRoutes } from '../routes/sla.ts';
import { slaForecastRoutes } from '../routes/sla-forecast.ts';

/**
 * The JSON API's own route groups, called in process (no network, no second auth check: the
 * page's request has passed it). Pages render exactly what the API answers for the same
 * query, so a page can never disagree with the API or carry a second set of formulas.
 */
export function inProcessApi(deps: AppDeps) {
  const sla = slaRoutes(deps);
  const forecast = slaForecastRoutes(deps);
  const calls = callsRoutes(deps);
  const availability = availabilityRoutes(deps);
  const outages = outageRoutes(deps);
  const cases = casesRoutes(deps);
  const callsForecast = callsForecastRoutes(deps);
  const api = new Hono().route('/', sla).route('/', calls).route('/', availability).route('/', outages).route('/', cases).route('/', forecast).route('/', callsForecast);
  // An ApiError (e.g. a bad query parameter) reaches the page's own handler and the app's
  // error handler, so the caller gets the same 4xx JSON the API would give.
  api.onError((err) => {
    throw err;
  });
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => api.request(input instanceof URL ? input.toString() : input, init);
  const base = 'http://attain.internal';
  return {
    sla: hc<typeof sla>(base, { fetch }),
    forecast: hc<typeof forecast>(base, { fetch }),
    calls: hc<typeof calls>(base, { fetch }),
    availability: hc<typeof availability>(base, { fetch }),
    outages: hc<typeof outages>(base, { fetch }),
    cases: hc<typeof cases>(base, { fetch }),
    callsForecast: hc<typeof callsForecast>(base, { fetch }),
  };
}

/** The body of a 200 answer (any other is a bug in the page's query: fail loudly). */
export async function body<T>(res: { ok: boolean; status: number; url: string; json(): Promise<T> }): Promise<T> {
  if (!res.ok) throw new Error(`in-process API answered ${res.status} for ${res.url}`);
  return res.json();
}
