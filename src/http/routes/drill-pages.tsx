import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { addDays, localDayKey } from '../../calendar/zone.ts';
import { callsRules } from '../../calls/rules.ts';
import { slaRules } from '../../sla/rules.ts';
import { callQueues } from '../../store/calls.ts';
import type { AppDeps } from '../app.ts';
import { ApiError, describeError, parseQuery, quote } from '../errors.ts';
import type { Operation } from '../openapi.ts';
import { inProcessApi } from '../pages/api.ts';
import { callDaysData, CallDaysPage } from '../pages/drill-calls.tsx';
import { caseListData, CaseListPage } from '../pages/drill-cases.tsx';
import { ticketListData, TicketListPage } from '../pages/drill-tickets.tsx';
import { ErrorPage } from '../pages/layout.tsx';
import { caseTimelineData, CaseTimelinePage, ticketTimelineData, TicketTimelinePage } from '../pages/timeline.tsx';
import { monthParam, nameParam } from '../params.ts';
import { casesOperations } from './cases.ts';
import { slaOperations } from './sla.ts';

const sourceQuery = z.object({ source: nameParam().optional() });
const callsQuery = z.object({
  month: monthParam.optional(),
  // A queue selector's "All queues" sends an empty value.
  queue: z
    .literal('')
    .transform(() => undefined)
    .or(nameParam())
    .optional(),
});
/** A drill-down page takes exactly its JSON list's query (the API validates it). */
const queryOf = (path: string, ops: Operation[]) => ops.find((o) => o.path === path && o.method === 'get')!.query;

export const drillPagesOperations: Operation[] = [
  { method: 'get', path: '/pages/tickets', tag: 'Pages', summary: 'Page: the tickets behind an SLA figure (the /api/v1/sla/tickets drill-down) with its filter in words, paged, each linked to its timeline; beside one month\'s met or breached, that month\'s forecast and breach budget', query: queryOf('/api/v1/sla/tickets', slaOperations), produces: ['text/html'] },
  { method: 'get', path: '/pages/tickets/:id', tag: 'Pages', summary: "Page: a ticket's timeline (why it breached): counted, paused and out-of-hours segments", query: sourceQuery, produces: ['text/html'] },
  { method: 'get', path: '/pages/cases', tag: 'Pages', summary: 'Page: the cases behind a casework figure (the /api/v1/cases drill-down), paged, each linked to its timeline', query: queryOf('/api/v1/cases', casesOperations), produces: ['text/html'] },
  { method: 'get', path: '/pages/cases/:id', tag: 'Pages', summary: "Page: a case's timeline (received, clock start, pauses, extension, due date, response)", query: sourceQuery, produces: ['text/html'] },
  { method: 'get', path: '/pages/calls', tag: 'Pages', summary: "Page: a month's calls day by day (default this month), with the month-end forecast of the call measures and the abandon budget", query: callsQuery, produces: ['text/html'] },
];

const html = (c: Context, node: unknown) => c.html(`<!doctype html>${String(node)}`);
/** The query as given, text only (repeated keys keep their last value, as the API reads them). */
const textQuery = (c: Context) => Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => typeof v === 'string'));

/** The drill-down pages (README "Drill-down pages"): each list and timeline of the API as a page people read. */
export function drillPagesRoutes(deps: AppDeps) {
  const api = inProcessApi(deps);
  const log = deps.log ?? ((m: string) => console.error(m));
  const zone = slaRules(deps.config).zone;
  const callsZone = callsRules(deps.config).zone;
  const reportMonth = () => addDays(`${localDayKey(zone, deps.now().getTime()).slice(0, 7)}-01`, -1).slice(0, 7);

  return new Hono()
    .onError((err, c) => {
      // As the other pages: the API's status and message, in HTML.
      const e = describeError(err, log, `${c.req.method} ${c.req.path}`);
      const field = typeof e.details?.field === 'string' ? e.details.field : undefined;
      return c.html(`<!doctype html>${String(<ErrorPage status={e.status} code={e.code} message={e.message} field={field} reportMonth={reportMonth()} />)}`, e.status);
    })
    .get('/pages/tickets', async (c) => {
      const q = textQuery(c);
      return html(c, <TicketListPage data={await ticketListData(api, q)} zone={zone} reportMonth={reportMonth()} />);
    })
    .get('/pages/tickets/:id', async (c) => {
      const { source } = parseQuery(sourceQuery, c.req.query());
      return html(c, <TicketTimelinePage t={await ticketTimelineData(api, c.req.param('id'), source)} zone={zone} reportMonth={reportMonth()} />);
    })
    .get('/pages/cases', async (c) => html(c, <CaseListPage data={await caseListData(api, textQuery(c))} reportMonth={reportMonth()} />))
    .get('/pages/cases/:id', async (c) => {
      const { source } = parseQuery(sourceQuery, c.req.query());
      return html(c, <CaseTimelinePage t={await caseTimelineData(api, c.req.param('id'), source)} reportMonth={reportMonth()} />);
    })
    .get('/pages/calls', async (c) => {
      const q = parseQuery(callsQuery, c.req.query());
      if (q.queue !== undefined && !(await callQueues(deps.db)).includes(q.queue)) {
        throw new ApiError('not_found', `queue: no calls are recorded for queue ${quote(q.queue)}`, { field: 'queue' });
      }
      const month = q.month ?? localDayKey(callsZone, deps.now().getTime()).slice(0, 7);
      const data = await callDaysData(api, { month, queue: q.queue });
      return html(c, <CallDaysPage data={data} q={textQuery(c)} reportMonth={reportMonth()} />);
    });
}
