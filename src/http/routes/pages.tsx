import { reportingZone } from '../../config/calendars.ts';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { addDays, localDayKey } from '../../calendar/zone.ts';
import { slaRules } from '../../sla/rules.ts';
import { callQueues } from '../../store/calls.ts';
import type { AppDeps } from '../context.ts';
import { ApiError, describeError, quote } from '../errors.ts';
import { apiRoute, router, text } from '../openapi.ts';
import { inProcessApi } from '../pages/api.ts';
import { availabilityData, AvailabilityPage } from '../pages/availability.tsx';
import { intParam, monthParam, nameParam } from '../params.ts';
import { ErrorPage, Layout, monthName, pageLinks, reportHref } from '../pages/layout.tsx';
import { supervisorData, SupervisorLive, SupervisorPage } from '../pages/supervisor.tsx';
import { asApiError } from './service-errors.ts';
import { teamLeaderData, TeamLeaderPage } from '../pages/team-leader.tsx';

const supervisorQuery = z.object({
  // The queue selector's "All queues" sends an empty value.
  queue: z
    .literal('')
    .transform(() => undefined)
    .or(nameParam())
    .optional(),
  interval: z.enum(['15', '30', '60']).default('30'),
  /** Seconds between refreshes (15–30 s in use; shorter only for tests and wallboards that ask). */
  refresh: intParam(2, 300).default(15),
});

const monthQuery = z.object({ month: monthParam.optional() });

const tags = ['Pages'];
const html = (description: string) => text(description, 'text/html');
const script = (description: string) => text(description, 'text/javascript');
const LinksSchema = z.object({ name: z.literal('attain'), links: z.record(z.string(), z.string()) }).openapi('Links', { example: { name: 'attain', links: { health: '/health', docs: '/docs' } } });
const homeRoute = apiRoute({
  method: 'get',
  path: '/',
  tags: ['Service'],
  summary: 'Links to everything: the start page, or its links as JSON for `Accept: application/json`',
  responses: { 200: { description: 'The start page, or its links', content: { 'text/html': { schema: z.string() }, 'application/json': { schema: LinksSchema } } } },
});
const teamLeaderRoute = apiRoute({
  method: 'get',
  path: '/pages/team-leader',
  tags,
  summary: "Page: the team leader's morning (attainment per team today, yesterday, month to date; backlog; at-risk and breached tickets; 12-month trend)",
  responses: { 200: html('The page') },
  errorsAs: 'html',
});
const supervisorRoute = apiRoute({
  method: 'get',
  path: '/pages/supervisor',
  tags,
  summary: "Page: the supervisor's day for a queue or all queues (intervals, tiles against targets, waiting now), refreshed in place",
  request: { query: supervisorQuery },
  responses: { 200: html('The page') },
  errorsAs: 'html',
  errors: { 404: 'An unknown queue (the page lists the known ones)' },
});
const supervisorLiveRoute = apiRoute({
  method: 'get',
  path: '/pages/supervisor/live',
  tags,
  summary: "The supervisor page's live part as an HTML fragment (what the page polls)",
  request: { query: supervisorQuery },
  responses: { 200: html('The fragment') },
  errorsAs: 'html',
  errors: { 404: 'An unknown queue' },
});
const availabilityRoute = apiRoute({
  method: 'get',
  path: '/pages/availability',
  tags,
  summary: "Page: each system's availability for a month (default this month so far; on the 1st, last month) and its outages on a timeline",
  request: { query: monthQuery },
  responses: { 200: html('The page') },
  errorsAs: 'html',
});
const chartRoute = apiRoute({ method: 'get', path: '/assets/chart.umd.min.js', tags, summary: 'Chart.js (UMD build) from the installed dependency, for the pages (no CDN)', responses: { 200: script('The script') } });
const faviconRoute = apiRoute({ method: 'get', path: '/favicon.ico', tags, summary: 'No icon (204), so browsers do not log a 404 on every page', responses: { 204: { description: 'No content' } } });
const pagesScriptRoute = apiRoute({ method: 'get', path: '/assets/pages.js', tags, summary: "The pages' script: draws the charts and refreshes the supervisor page", responses: { 200: script('The script') } });

const cached = new Map<string, string>();
function asset(key: string, file: () => string): string {
  let text = cached.get(key);
  if (text === undefined) cached.set(key, (text = readFileSync(file(), 'utf8')));
  return text;
}
// The package's exports map hides dist/; resolve its entry and read the UMD file beside it.
const chartFile = () => path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
const pagesScript = () => path.join(path.dirname(fileURLToPath(import.meta.url)), '../pages/pages.client.js');

const page = (c: Context, node: unknown) => c.html(`<!doctype html>${String(node)}`);

const previousMonth = (month: string) => addDays(`${month}-01`, -1).slice(0, 7);

/** A page's error in HTML, with the status the API would give and its message (an unknown queue lists the known ones). */
function pageError(err: Error, c: Context, log: (m: string) => void, reportMonth: string) {
  const e = describeError(asApiError(err), log, `${c.req.method} ${c.req.path}`);
  const known = Array.isArray(e.details?.known) ? (e.details.known as string[]) : undefined;
  const field = typeof e.details?.field === 'string' ? e.details.field : undefined;
  const node = (
    <ErrorPage status={e.status} code={e.code} message={e.message} field={field} reportMonth={reportMonth}>
      {known && known.length ? (
        <ul id="known-queues">
          {known.map((name) => (
            <li>
              <a href={`/pages/supervisor?${new URLSearchParams({ queue: name }).toString()}`}>{name}</a>
            </li>
          ))}
        </ul>
      ) : (
        ''
      )}
    </ErrorPage>
  );
  return c.html(`<!doctype html>${String(node)}`, e.status);
}

/** The start page: the pages, the monthly report, and the links for machines. */
function HomePage({ month }: { month: string }) {
  return (
    <Layout title="Home" reportMonth={month}>
      <h1>attain</h1>
      <p class="meta">Service-desk and contact-centre figures, against their targets.</p>
      <h2>Pages</h2>
      <ul class="cards">
        {pageLinks.map((p) => (
          <li>
            <a href={p.href}>{p.label}</a>
            <p>
              {p.key === 'team-leader'
                ? 'SLA attainment per team today, yesterday and this month; backlog; tickets at risk and breached; the 12-month trend.'
                : p.key === 'supervisor'
                  ? "Today's calls per interval, the measures against their targets, and who is waiting now, per queue. Refreshes itself."
                  : "Each system's availability this month and its outages on a timeline."}
            </p>
          </li>
        ))}
        <li>
          <a href={reportHref(month)}>Monthly report, {monthName(month)}</a>
          <p>
            The printable monthly performance report (also as <a href={`/api/v1/reports/monthly/${month}.csv`}>CSV</a> and{' '}
            <a href={`/api/v1/reports/monthly/${month}.json`}>JSON</a>): service-plan progress, measures with direction of travel and
            commentary (entered on the report page), then the service desk, contact centre and availability.
          </p>
        </li>
      </ul>
      <h2>For machines</h2>
      <ul>
        <li>
          <a href="/docs">The API</a> (and <a href="/openapi.json">its OpenAPI document</a>); <a href="/api/v1/plans">service plans</a>,{' '}
          <a href="/api/v1/measures">the measure catalogue</a>
        </li>
        <li>
          <a href="/health">Health</a>
        </li>
      </ul>
    </Layout>
  );
}

/** The pages for people (README "Pages"), server-rendered from the API's own answers. */
export function pagesRoutes(deps: AppDeps) {
  const api = inProcessApi(deps);
  const log = deps.log ?? (() => {}); // 5xx are logged with their request id by requestLog
  const zone = slaRules(deps.config).zone;
  const thisMonth = () => localDayKey(zone, deps.now().getTime()).slice(0, 7);
  /** The last complete month: the one the monthly report is for. */
  const reportMonth = () => previousMonth(thisMonth());

  /** The queues with calls; an unknown `queue=` is a 404 page listing them, not a page of zeros. */
  async function knownQueue(queue: string | undefined): Promise<string[]> {
    const queues = await callQueues(deps.db);
    if (queue !== undefined && !queues.includes(queue)) {
      const known = queues.length ? queues.map((n) => quote(n)).join(', ') : 'none yet (no calls have been loaded)';
      throw new ApiError('not_found', `queue: no calls are recorded for queue ${quote(queue)}; known queues: ${known}`, { field: 'queue', known: queues });
    }
    return queues;
  }

  const app = router();
  app.onError((err, c) => pageError(err, c, log, reportMonth()));
  return app
    .openapi(homeRoute, (c) => {
      const links = {
        health: '/health',
        attainment: '/api/v1/sla/attainment',
        attainmentDaily: '/api/v1/sla/attainment?grain=day',
        docs: '/docs',
        openapi: '/openapi.json',
        teamLeader: '/pages/team-leader',
        supervisor: '/pages/supervisor',
        availability: '/pages/availability',
        monthlyReport: reportHref(reportMonth()),
      };
      const accept = c.req.header('accept') ?? '';
      if (accept.includes('application/json') && !accept.includes('text/html')) return c.json({ name: 'attain' as const, links }, 200);
      const month = reportMonth();
      return page(c, <HomePage month={month} />);
    })
    .openapi(teamLeaderRoute, async (c) => page(c, <TeamLeaderPage data={await teamLeaderData(api)} reportMonth={reportMonth()} />))
    .openapi(supervisorRoute, async (c) => {
      const q = c.req.valid('query');
      const queues = await knownQueue(q.queue);
      const data = await supervisorData(api, q);
      return page(c, <SupervisorPage data={data} q={q} queues={queues} reportMonth={reportMonth()} />);
    })
    .openapi(supervisorLiveRoute, async (c) => {
      const q = c.req.valid('query');
      await knownQueue(q.queue);
      c.header('cache-control', 'no-store');
      return c.html(String(<SupervisorLive data={await supervisorData(api, q)} />));
    })
    .openapi(availabilityRoute, async (c) => {
      const q = c.req.valid('query');
      const today = localDayKey(reportingZone(deps.config), deps.now().getTime());
      const current = today.slice(0, 7);
      // On the 1st the month has barely begun: open on the last complete one.
      const opening = today.endsWith('-01') ? previousMonth(current) : current;
      const months = [current];
      while (months.length < 13) months.push(previousMonth(months[months.length - 1]!));
      const month = q.month ?? opening;
      if (!months.includes(month)) months.push(month);
      const data = await availabilityData(api, month, reportingZone(deps.config));
      return page(c, <AvailabilityPage data={data} now={deps.now()} reportMonth={reportMonth()} months={months} soFar={month === current} />);
    })
    .openapi(chartRoute, (c) =>
      c.body(asset('chart', chartFile), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' }),
    )
    .openapi(faviconRoute, (c) => c.body(null, 204, { 'cache-control': 'public, max-age=86400' }))
    .openapi(pagesScriptRoute, (c) => c.body(asset('pages', pagesScript), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));
}
