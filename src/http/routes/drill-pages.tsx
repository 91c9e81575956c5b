import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { addDays, localDayKey } from '../../calendar/zone.ts';
import { callsRules } from '../../calls/rules.ts';
import { slaRules } from '../../sla/rules.ts';
import { callQueues } from '../../store/calls.ts';
import type { AppDeps } from '../context.ts';
import { ApiError, describeError, quote } from '../errors.ts';
import { apiRoute, router, text } from '../openapi.ts';
import { inProcessApi } from '../pages/api.ts';
import { callDaysData, CallDaysPage } from '../pages/drill-calls.tsx';
import { caseListData, CaseListPage } from '../pages/drill-cases.tsx';
import { ticketListData, TicketListPage } from '../pages/drill-tickets.tsx';
import { ErrorPage } from '../pages/layout.tsx';
import { caseTimelineData, CaseTimelinePage, ticketTimelineData, TicketTimelinePage } from '../pages/timeline.tsx';
import { monthParam, nameParam } from '../params.ts';
import { casesQuery } from './cases.ts';
import { asApiError } from './service-errors.ts';
import { ticketsQuery } from './sla.ts';

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
const idParams = z.object({ id: nameParam().openapi({ description: 'The ticket or case id', example: 'INC0012345' }) });
const tags = ['Pages'];
const html = (description: string) => text(description, 'text/html');
// A drill-down page takes exactly its JSON list's query (the API validates it).
const page = (path: string, summary: string, request: Record<string, z.ZodType>) =>
  apiRoute({ method: 'get', path, tags, summary, request, responses: { 200: html('The page') }, errorsAs: 'html', errors: { 404: 'No such record' } });

const ticketsRoute = page('/pages/tickets', "Page: the tickets behind an SLA figure (the /api/v1/sla/tickets drill-down) with its filter in words, paged, each linked to its timeline; beside one month's met or breached, that month's forecast and breach budget", { query: ticketsQuery });
const ticketRoute = page('/pages/tickets/{id}', "Page: a ticket's timeline (why it breached): counted, paused and out-of-hours segments", { params: idParams, query: sourceQuery });
const casesRoute = page('/pages/cases', 'Page: the cases behind a casework figure (the /api/v1/cases drill-down), paged, each linked to its timeline', { query: casesQuery });
const caseRoute = page('/pages/cases/{id}', "Page: a case's timeline (received, clock start, pauses, extension, due date, response)", { params: idParams, query: sourceQuery });
const callsRoute = page('/pages/calls', "Page: a month's calls day by day (default this month), with the month-end forecast of the call measures and the abandon budget", { query: callsQuery });

const htmlOf = (c: Context, node: unknown) => c.html(`<!doctype html>${String(node)}`);
/** The query as given, text only (repeated keys keep their last value, as the API reads them). */
const textQuery = (c: Context) => Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => typeof v === 'string'));

/** The drill-down pages (README "Drill-down pages"): each list and timeline of the API as a page people read. */
export function drillPagesRoutes(deps: AppDeps) {
  const api = inProcessApi(deps);
  const log = deps.log ?? (() => {}); // 5xx are logged with their request id by requestLog
  const zone = slaRules(deps.config).zone;
  const callsZone = callsRules(deps.config).zone;
  const reportMonth = () => addDays(`${localDayKey(zone, deps.now().getTime()).slice(0, 7)}-01`, -1).slice(0, 7);

  const app = router();
  app.onError((err, c) => {
      // As the other pages: the API's status and message, in HTML.
      const e = describeError(asApiError(err), log, `${c.req.method} ${c.req.path}`);
      const field = typeof e.details?.field === 'string' ? e.details.field : undefined;
      return c.html(`<!doctype html>${String(<ErrorPage status={e.status} code={e.code} message={e.message} field={field} reportMonth={reportMonth()} />)}`, e.status);
  });
  return app
    .openapi(ticketsRoute, async (c) => {
      const q = textQuery(c);
      return htmlOf(c, <TicketListPage data={await ticketListData(api, q)} zone={zone} reportMonth={reportMonth()} />);
    })
    .openapi(ticketRoute, async (c) => {
      const { source } = c.req.valid('query') as z.infer<typeof sourceQuery>;
      return htmlOf(c, <TicketTimelinePage t={await ticketTimelineData(api, (c.req.valid('param') as z.infer<typeof idParams>).id, source)} zone={zone} reportMonth={reportMonth()} />);
    })
    .openapi(casesRoute, async (c) => htmlOf(c, <CaseListPage data={await caseListData(api, textQuery(c))} reportMonth={reportMonth()} />))
    .openapi(caseRoute, async (c) => {
      const { source } = c.req.valid('query') as z.infer<typeof sourceQuery>;
      return htmlOf(c, <CaseTimelinePage t={await caseTimelineData(api, (c.req.valid('param') as z.infer<typeof idParams>).id, source)} reportMonth={reportMonth()} />);
    })
    .openapi(callsRoute, async (c) => {
      const q = c.req.valid('query') as z.infer<typeof callsQuery>;
      if (q.queue !== undefined && !(await callQueues(deps.db)).includes(q.queue)) {
        throw new ApiError('not_found', `queue: no calls are recorded for queue ${quote(q.queue)}`, { field: 'queue' });
      }
      const month = q.month ?? localDayKey(callsZone, deps.now().getTime()).slice(0, 7);
      const data = await callDaysData(api, { month, queue: q.queue });
      return htmlOf(c, <CallDaysPage data={data} q={textQuery(c)} reportMonth={reportMonth()} />);
    });
}
