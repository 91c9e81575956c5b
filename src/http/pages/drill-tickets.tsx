import { body, type inProcessApi } from './api.ts';
import { FilterWords, hrefWith, NoneRow, listWords, minutesText, Pager, ticketPageHref, type PageQuery } from './drill-common.tsx';
import { int, Layout, localTime, monthName, pct } from './layout.tsx';

type Api = ReturnType<typeof inProcessApi>;

const measureWords: Record<string, string> = {
  received: 'received (opened)',
  resolved: 'resolved',
  met: 'that met their target',
  breached: 'that breached their target',
  noTarget: 'with no target',
  resolvedWithTarget: 'resolved, with a target',
  resolvedMet: 'resolved within their target',
};
const outcomeWords: Record<string, string> = { met: 'met', breached: 'breached', in_progress: 'in progress', paused: 'paused', no_target: 'with no target' };

/** The SLA drill-down (GET /api/v1/sla/tickets with the same query) and, for one month's met or breached, that month's forecast. */
export async function ticketListData(api: Api, q: PageQuery) {
  // The API validates the query: a bad parameter is its 4xx, shown as the error page.
  const list = await body(await api.sla.api.v1.sla.tickets.$get({ query: q as never }));
  const slice = list.slice as { kind?: string; team?: string; priority?: string; vip?: string; channel?: string };
  const oneMonth = list.from !== null && list.to !== null && list.from.slice(0, 7) === list.to.slice(0, 7);
  const forecastable = oneMonth && (list.measure === 'met' || list.measure === 'breached') && !slice.vip && !slice.channel;
  const forecast = forecastable
    ? await body(
        await api.forecast.api.v1.sla.forecast.$get({
          query: { month: list.from!.slice(0, 7), ...(slice.kind ? { kind: slice.kind } : {}), ...(slice.team ? { team: slice.team } : {}), ...(slice.priority ? { priority: slice.priority } : {}) } as never,
        }),
      )
    : null;
  return { list, forecast, q };
}
type ListData = Awaited<ReturnType<typeof ticketListData>>;

/** The filter of a ticket list in words ("tickets that breached their target from … to …, team Network"). */
export function ticketFilterWords(list: ListData['list'], q: PageQuery): string {
  const parts: string[] = [];
  const slice = list.slice as Record<string, string | undefined>;
  let what = 'tickets';
  if (list.measure) what += ` ${measureWords[list.measure] ?? list.measure}`;
  else if (q.dueWithinMinutes !== undefined) what = `open tickets still in progress, due within ${q.dueWithinMinutes} business minutes`;
  else if (q.outcome) what += ` ${q.open === 'true' ? 'still open and ' : ''}${outcomeWords[q.outcome] ?? q.outcome}`;
  else if (q.open === 'true') what = 'open tickets';
  else what = 'all tickets';
  if (list.from && list.to) parts.push(list.from === list.to ? `on ${list.from}` : `from ${list.from} to ${list.to}`);
  for (const k of ['team', 'kind', 'priority', 'channel'] as const) if (slice[k]) parts.push(`${k} ${slice[k]}`);
  if (slice.vip) parts.push(slice.vip === 'true' ? 'VIP only' : 'not VIP');
  // The period reads with the noun ("… on 2025-04-01"), the slice after a comma.
  const [period, ...rest] = list.from && list.to ? parts : ['', ...parts];
  return `${what}${period ? ` ${period}` : ''}${rest.length ? `, ${listWords(rest)}` : ''}`;
}

/** The month-end forecast and breach budget beside the month's figure it explains. */
export function SlaForecastPanel(props: { f: NonNullable<ListData['forecast']> }) {
  const f = props.f;
  const budget = f.breachBudget;
  const slice = [f.slice.team && `team ${f.slice.team}`, f.slice.kind && `kind ${f.slice.kind}`, f.slice.priority && `priority ${f.slice.priority}`].filter(Boolean) as string[];
  return (
    <aside class="tile" id="sla-forecast" aria-labelledby="sla-forecast-h" data-central={f.forecast.central ?? ''} data-budget={budget ?? ''}>
      <h2 id="sla-forecast-h">
        {monthName(f.month)}
        {slice.length ? ` (${listWords(slice)})` : ''}: forecast and breach budget
      </h2>
      <p>
        So far {pct(f.attainmentSoFar)} ({int(f.met)} met, {int(f.breached)} breached, {int(f.open)} open). Expected at month end:{' '}
        <strong>{pct(f.forecast.central)}</strong> (80% between {pct(f.forecast.low)} and {pct(f.forecast.high)}), goal {pct(f.goal)}.
      </p>
      <p>
        {budget === null
          ? 'No goal for this slice: no breach budget.'
          : budget >= 0
            ? `Breach budget: ${int(budget)} more of the about ${int(f.expectedOutcomes)} outcomes still to come may breach with the month at its goal.`
            : `The goal is out of reach: even if every outcome still to come is met, the month ends ${int(-budget)} short of it.`}
      </p>
    </aside>
  );
}

/** GET /pages/tickets: the tickets behind a figure, paged, each linked to its timeline. */
export function TicketListPage(props: { data: ListData; reportMonth: string; zone: string }) {
  const { list, forecast, q } = props.data;
  const zone = props.zone;
  const words = ticketFilterWords(list, q);
  return (
    <Layout title="Tickets" reportMonth={props.reportMonth}>
      <h1>Tickets behind the figure</h1>
      <FilterWords words={words} json={hrefWith('/api/v1/sla/tickets', q, {})} />
      {forecast ? <SlaForecastPanel f={forecast} /> : ''}
      <Pager path="/pages/tickets" q={q} page={list.page} pageSize={list.pageSize} total={list.total} noun="tickets" />
      <div class="scroll">
        <table id="tickets" data-total={list.total}>
          <caption>{`${words[0]!.toUpperCase()}${words.slice(1)}`} (times in {zone})</caption>
          <thead>
            <tr>
              <th scope="col">Ticket</th>
              <th scope="col">Team</th>
              <th scope="col">Kind</th>
              <th scope="col">Priority</th>
              <th scope="col">Opened</th>
              <th scope="col">Due</th>
              <th scope="col">Outcome</th>
              <th scope="col" class="n">Business time on the clock</th>
            </tr>
          </thead>
          <tbody>
            {list.tickets.length === 0 ? (
              <NoneRow cols={8} />
            ) : (
              list.tickets.map((t) => (
                <tr data-ticket={t.id}>
                  <th scope="row">
                    <a href={ticketPageHref(t)} aria-label={`Ticket ${t.id}: its clock, step by step (timeline)`}>
                      {t.id}
                    </a>
                    {t.vip ? ' (VIP)' : ''}
                  </th>
                  <td>{t.team ?? '(none)'}</td>
                  <td>{t.kind.replace('_', ' ')}</td>
                  <td>{t.priority}</td>
                  <td>{localTime(t.openedAt as unknown as string, zone)}</td>
                  <td>{localTime(t.dueAt as unknown as string | null, zone)}</td>
                  <td data-outcome={t.outcome ?? ''}>{t.outcome ? (outcomeWords[t.outcome] ?? t.outcome) : '–'}</td>
                  <td class="n">
                    {minutesText(t.elapsedMs === null ? null : Number(t.elapsedMs) / 60_000)}
                    {t.targetMinutes === null ? '' : ` of ${minutesText(t.targetMinutes)}`}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <Pager path="/pages/tickets" q={q} page={list.page} pageSize={list.pageSize} total={list.total} noun="tickets" />
    </Layout>
  );
}
