import { body, type inProcessApi } from './api.ts';
import { FilterWords, hrefWith, type PageQuery } from './drill-common.tsx';
import { dayName, duration, int, Layout, monthName, pct, Status } from './layout.tsx';

type Api = ReturnType<typeof inProcessApi>;

/** The days behind a month's call figures (GET /api/v1/calls/kpis by day) and the month-end forecast beside them. */
export async function callDaysData(api: Api, q: { month: string; queue?: string }) {
  const queue = q.queue ? { queue: q.queue } : {};
  const [kpis, forecast] = await Promise.all([
    api.calls.api.v1.calls.kpis.$get({ query: { grain: 'day', from: q.month, to: q.month, ...queue } }).then(body),
    api.callsForecast.api.v1.calls.forecast.$get({ query: { month: q.month, ...queue } }).then(body),
  ]);
  return { kpis, forecast, q };
}
type Data = Awaited<ReturnType<typeof callDaysData>>;
export type CallForecast = Data['forecast'];

const callsPageHref = (month: string, queue: string | null) => hrefWith('/pages/calls', {}, { month, queue: queue ?? undefined });

/**
 * Will the month make its call targets, and how many more abandons can it take (README "Call
 * forecast"): the month so far, the central value and 80% interval, per measure; the abandon budget.
 */
export function CallForecastPanel(props: { f: CallForecast; link?: boolean }) {
  const f = props.f;
  const rows = [
    { key: 'answerRate', label: 'Answered', m: f.answerRate, help: 'at least' },
    { key: 'abandonRate', label: 'Abandoned', m: f.abandonRate, help: 'at most' },
    { key: 'serviceLevel', label: `Service level (answered in ${f.thresholds.serviceLevelSeconds} s)`, m: f.serviceLevel, help: 'at least' },
  ] as const;
  const budget = f.abandonBudget;
  return (
    <section id="call-forecast" aria-labelledby="call-forecast-h" data-budget={budget ?? ''} data-expected={f.expectedCalls}>
      <h2 id="call-forecast-h">
        {monthName(f.month)}
        {f.queue ? ` (${f.queue})` : ''}: month-end forecast and abandon budget
      </h2>
      <p>
        {int(f.offeredSoFar)} calls so far; about {int(Math.round(f.expectedCalls))} more expected on the {f.openDaysLeft} open days left (the same weekdays' calls over the last four
        weeks). The month-end value assumes the rest of the month answers as the month so far; the 80% range is how far it can still move.
      </p>
      <ul class="tiles">
        {rows.map((r) => (
          <li class={`tile ${r.m.status}`} data-figure={`forecast-${r.key}`} data-central={r.m.central ?? ''} data-low={r.m.low ?? ''} data-high={r.m.high ?? ''}>
            <p class="label">{r.label} at month end</p>
            <p class="value">{pct(r.m.central)}</p>
            <p class="target">
              80%: {pct(r.m.low)} to {pct(r.m.high)} · {r.m.target === null ? 'no target' : `target ${r.help} ${pct(r.m.target)}`}
            </p>
            <Status status={r.m.status} />
          </li>
        ))}
        <li class={`tile ${budget === null ? '' : budget >= 0 ? 'green' : 'red'}`} data-figure="abandonBudget" data-value={budget ?? ''}>
          <p class="label">Abandon budget</p>
          <p class="value">{budget === null ? '–' : int(budget)}</p>
          <p class="target">
            {budget === null
              ? 'No abandon target.'
              : budget >= 0
                ? `more abandons the month can take and stay within ${pct(f.abandonRate.target)}`
                : `abandons over what ${pct(f.abandonRate.target)} allows, even with every call still to come answered`}
          </p>
        </li>
      </ul>
      {props.link ? (
        <p>
          <a href={callsPageHref(f.month, f.queue)}>The days behind {monthName(f.month)}'s figures</a>
        </p>
      ) : (
        ''
      )}
    </section>
  );
}

/** GET /pages/calls: a month's calls day by day, with the forecast and the abandon budget beside them. */
export function CallDaysPage(props: { data: Data; reportMonth: string; q: PageQuery }) {
  const { kpis, forecast } = props.data;
  const rows = kpis.rows.filter((r) => r.offered > 0);
  const words = `calls ${kpis.queue ? `to queue ${kpis.queue}` : 'to all queues'}, ${monthName(props.data.q.month)}, per day with calls`;
  return (
    <Layout title="Calls per day" reportMonth={props.reportMonth}>
      <h1>Calls behind the month's figures</h1>
      <FilterWords words={words} json={hrefWith('/api/v1/calls/kpis', {}, { grain: 'day', from: props.data.q.month, to: props.data.q.month, queue: props.data.q.queue })} />
      <CallForecastPanel f={forecast} />
      <div class="scroll">
        <table id="call-days" data-rows={rows.length}>
          <caption>{`${words[0]!.toUpperCase()}${words.slice(1)}`} ({kpis.zone})</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col" class="n">Offered</th>
              <th scope="col" class="n">Answered</th>
              <th scope="col" class="n">Abandoned</th>
              <th scope="col" class="n">Answer rate</th>
              <th scope="col" class="n">Abandon rate</th>
              <th scope="col" class="n">Service level</th>
              <th scope="col" class="n">Average wait</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colspan={8}>No calls this month.</td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr data-period={r.period}>
                  <th scope="row">{dayName(r.period)}</th>
                  <td class="n">{int(r.offered)}</td>
                  <td class="n">{int(r.answered)}</td>
                  <td class="n">{int(r.abandoned)}</td>
                  <td class="n">{pct(r.figures.answerRate.value)}</td>
                  <td class="n">{pct(r.figures.abandonRate.value)}</td>
                  <td class="n">{pct(r.figures.serviceLevel.value)}</td>
                  <td class="n">{duration(r.figures.avgWait.value)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
