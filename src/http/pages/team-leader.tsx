import { addDays, weekdayOf } from '../../calendar/zone.ts';
import { body, type inProcessApi } from './api.ts';
import { CaseCell, Heads, NoneRow, ticketPageHref } from './drill-common.tsx';
import { Chart, dayName, int, Layout, localTime, monthName, pct, Status } from './layout.tsx';
import { QualityFlag } from './quality-flag.tsx';
import type { QualityFlag as Flag } from '../../quality/flags.ts';

type Api = ReturnType<typeof inProcessApi>;

const PAGE_SIZE = '50';

/** Everything the team leader's page shows, each part from the API answer that serves it. */
export async function teamLeaderData(api: Api) {
  const today = await body(await api.sla.api.v1.sla.today.$get({ query: {} }));
  const yesterdayDay = addDays(today.day, -1);
  // Casework not yet answered that is due this week (Monday to Sunday), overdue ones included.
  const weekStart = addDays(today.day, -weekdayOf(today.day));
  const weekEnd = addDays(weekStart, 6);
  const [yesterday, trend, atRisk, breached, casesDue, forecast] = await Promise.all([
    api.sla.api.v1.sla.attainment.$get({ query: { grain: 'day', from: yesterdayDay, to: yesterdayDay, by: 'team' } }).then(body),
    api.sla.api.v1.sla.attainment.$get({ query: {} }).then(body),
    // The same predicate as the day's `atRisk` count: open, in progress, due within riskMinutes.
    api.sla.api.v1.sla.tickets.$get({ query: { dueWithinMinutes: String(today.riskMinutes), pageSize: PAGE_SIZE } }).then(body),
    api.sla.api.v1.sla.tickets.$get({ query: { open: 'true', outcome: 'breached', pageSize: PAGE_SIZE } }).then(body),
    api.cases.api.v1.cases.$get({ query: { dueFrom: weekStart, dueTo: weekEnd, pageSize: PAGE_SIZE } }).then(body),
    api.forecast.api.v1.sla.forecast.$get({ query: {} }).then(body),
  ]);
  return { today, yesterdayDay, yesterday, trend, atRisk, breached, casesDue: { weekStart, weekEnd, ...casesDue }, forecast };
}
type Data = Awaited<ReturnType<typeof teamLeaderData>>;
type Figure = { met: number; breached: number; attainment: number | null; goal: number | null; status: string; flags?: readonly Flag[] };

/** The ticket's timeline page (why it breached); without a source it is the configured ticket source. */
const timelineHref = ticketPageHref;
/** The tickets behind a figure, as a page (src/http/pages/drill-tickets.tsx). */
const ticketsHref = (q: Record<string, string>) => `/pages/tickets?${new URLSearchParams(q).toString()}`;

function AttainmentCell(props: { team: string; period: string; range: string; f: Figure | undefined }) {
  const drill = (measure: string) => ticketsHref({ measure, from: props.range, to: props.range, team: props.team });
  const f = props.f ?? { met: 0, breached: 0, attainment: null, goal: null, status: 'no_data' };
  return (
    <td class="n" data-team={props.team} data-period={props.period} data-attainment={f.attainment ?? ''} data-met={f.met} data-breached={f.breached}>
      <strong>{pct(f.attainment)}</strong> <Status status={f.status} />
      <br />
      <small>
        <a href={drill('met')}>{f.met} met</a>, <a href={drill('breached')}>{f.breached} breached</a>
      </small>
      <QualityFlag flags={f.flags} />
    </td>
  );
}

function TicketTable(props: { caption: string; id: string; list: Data['atRisk']; zone: string; drill: string; due: 'due' | 'breached' }) {
  const { list } = props;
  return (
    <>
      <table id={props.id} data-total={list.total}>
        <caption>
          {props.caption}: {list.total} {list.total > list.tickets.length ? `(the first ${list.tickets.length} shown)` : ''}
        </caption>
        <Heads cols={['Ticket', 'Team', 'Kind', 'Priority', 'Opened', props.due === 'due' ? 'Due' : 'Breached at', 'Status']} />
        <tbody>
          {list.tickets.length === 0 ? (
            <NoneRow cols={7} />
          ) : (
            list.tickets.map((t) => (
              <tr data-ticket={t.id}>
                <th scope="row">
                  <a href={timelineHref(t)} aria-label={`Ticket ${t.id}: why, step by step (timeline)`}>
                    {t.id}
                  </a>
                  {t.vip ? ' (VIP)' : ''}
                </th>
                <td>{t.team ?? '(none)'}</td>
                <td>{t.kind.replace('_', ' ')}</td>
                <td>{t.priority}</td>
                <td>{localTime(t.openedAt, props.zone)}</td>
                <td>{localTime(props.due === 'due' ? t.dueAt : t.breachedAt, props.zone)}</td>
                <td>{t.status ?? '–'}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      <p>
        <a href={props.drill.replace('/api/v1/sla/tickets', '/pages/tickets')}>All of them, page by page</a> (or <a href={props.drill}>as JSON</a>)
      </p>
    </>
  );
}

/** Casework due this week and not yet answered, each linked to its timeline. */
function CasesDueTable(props: { list: Data['casesDue'] }) {
  const { list } = props;
  const drill = `/api/v1/cases?dueFrom=${list.weekStart}&dueTo=${list.weekEnd}`;
  return (
    <>
      <table id="cases-due" data-total={list.total}>
        <caption>
          Cases due {list.weekStart} to {list.weekEnd}, not yet answered: {list.total} {list.total > list.cases.length ? `(the first ${list.cases.length} shown)` : ''}
        </caption>
        <Heads cols={['Case', 'Kind', 'Department', 'Due (end of day)', 'State']} />
        <tbody>
          {list.cases.length === 0 ? (
            <NoneRow cols={5} />
          ) : (
            list.cases.map((c) => (
              <tr data-case={c.id}>
                <CaseCell c={c} />
                <td>{c.kind}</td>
                <td>{c.department ?? '(none)'}</td>
                <td>{c.dueDay ?? '–'}</td>
                <td>{c.outcome}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      <p>
        <a href={drill.replace('/api/v1/cases', '/pages/cases')}>All of them, page by page</a> (or <a href={drill}>as JSON</a>)
      </p>
    </>
  );
}

/** Will the month make its goal, and how many more breaches can it take (README "Forecast and breach budget"). */
function ForecastTile(props: { f: Data['forecast'] }) {
  const f = props.f;
  if (f.forecast.central === null) return <p id="forecast">No ticket has an outcome this month yet: nothing to forecast from.</p>;
  const budget = f.breachBudget;
  return (
    <p id="forecast" data-central={f.forecast.central} data-budget={budget ?? ''}>
      {monthName(f.month)}: <strong>{pct(f.forecast.central)}</strong> expected at month end (80% between {pct(f.forecast.low)} and{' '}
      {pct(f.forecast.high)}), {pct(f.attainmentSoFar)} so far from {int(f.met)} met and {int(f.breached)} breached, with {int(f.open)} open and about{' '}
      {int(Math.round(f.expectedArrivals))} more tickets expected.{' '}
      {budget === null ? null : budget >= 0 ? (
        <>
          <strong>Breach budget: {int(budget)}</strong> more of the about {int(f.expectedOutcomes)} outcomes still to come may breach with the month at its goal of {pct(f.goal)}.
        </>
      ) : (
        <>
          <strong>The goal of {pct(f.goal)} is out of reach</strong>: even if every outcome still to come is met, the month ends {int(-budget)} short of it.
        </>
      )}{' '}
      <a href={ticketsHref({ measure: 'breached', from: f.month, to: f.month })}>This month's breached tickets, with the forecast beside them</a>.
    </p>
  );
}

/** Attainment today, yesterday and month to date, one row per team. */
function AttainmentTable(props: { data: Data; goal: number | null }) {
  const { today, yesterday, yesterdayDay } = props.data;
  const teams = [...new Set([...today.teams.map((t) => t.team), ...yesterday.rows.map((r) => r.team as string)])].sort();
  return (
    <div class="scroll">
      <table id="attainment">
        <caption>SLA attainment today, yesterday and month to date, per team (goal {pct(props.goal)})</caption>
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col" class="n">
              Today ({today.day})
            </th>
            <th scope="col" class="n">
              Yesterday ({yesterdayDay})
            </th>
            <th scope="col" class="n">
              Month to date ({monthName(today.month)})
            </th>
          </tr>
        </thead>
        <tbody>
          {teams.map((team) => {
            const t = today.teams.find((x) => x.team === team);
            const y = yesterday.rows.find((r) => r.team === team);
            return (
              <tr>
                <th scope="row">{team}</th>
                <AttainmentCell team={team} period="today" range={today.day} f={t?.today} />
                <AttainmentCell team={team} period="yesterday" range={yesterdayDay} f={y} />
                <AttainmentCell team={team} period="month" range={today.month} f={t?.monthToDate} />
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Open tickets per team now, by type, breached, at risk and the oldest. */
function BacklogTable(props: { today: Data['today']; zone: string }) {
  const { today, zone } = props;
  return (
    <div class="scroll">
      <table id="backlog">
        <caption>Open tickets per team now; at risk = due within {today.riskMinutes} business minutes</caption>
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col" class="n">Open incidents</th>
            <th scope="col" class="n">Open service requests</th>
            <th scope="col" class="n">All open</th>
            <th scope="col" class="n">Breached, still open</th>
            <th scope="col" class="n">At risk</th>
            <th scope="col" class="n">Assigned, not actioned</th>
            <th scope="col">Oldest open</th>
          </tr>
        </thead>
        <tbody>
          {today.teams.map((t) => (
            <tr data-team={t.team}>
              <th scope="row">{t.team}</th>
              <td class="n" data-field="incident">{int(t.outstanding.incident)}</td>
              <td class="n" data-field="service_request">{int(t.outstanding.service_request)}</td>
              <td class="n" data-field="total">{int(t.outstanding.total)}</td>
              <td class="n" data-field="openBreached">{int(t.openBreached)}</td>
              <td class="n" data-field="atRisk">{int(t.atRisk)}</td>
              <td class="n" data-field="assignedNotActioned">{int(t.assignedNotActioned)}</td>
              <td>{t.oldestOpen ? <a href={timelineHref({ id: t.oldestOpen.id })}>{`${t.oldestOpen.id}, opened ${localTime(t.oldestOpen.openedAt, zone)}`}</a> : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Attainment per month against the goal, as a line chart's data. */
function trendChart(trend: Data['trend']) {
  return {
    labels: trend.rows.map((r) => monthName(r.period)),
    datasets: [
      { label: 'Attainment %', data: trend.rows.map((r) => (r.attainment === null ? null : Math.round(r.attainment * 1000) / 10)), borderColor: '#0b4f9c', backgroundColor: '#0b4f9c', spanGaps: true },
      { label: 'Goal %', data: trend.rows.map((r) => (r.goal === null ? null : r.goal * 100)), borderColor: '#4a4f55', borderDash: [6, 4], pointRadius: 0 },
    ],
    yMin: 80,
    yMax: 100,
  };
}

/** Twelve months of attainment: the chart and its table, each month linking to its breaches. */
function TrendSection(props: { trend: Data['trend'] }) {
  const { trend } = props;
  return (
    <section aria-labelledby="trend-h">
      <h2 id="trend-h">Twelve-month trend</h2>
      <Chart id="trend-chart" label={`Attainment per month, ${monthName(trend.from.slice(0, 7))} to ${monthName(trend.to.slice(0, 7))}, with the goal (%)`} data={trendChart(trend)} />
      <div class="scroll">
        <table id="trend">
          <caption>Attainment per month, all teams</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" class="n">Received</th>
              <th scope="col" class="n">Met</th>
              <th scope="col" class="n">Breached</th>
              <th scope="col" class="n">Attainment</th>
              <th scope="col" class="n">Goal</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {trend.rows.map((r) => (
              <tr data-period={r.period} data-attainment={r.attainment ?? ''}>
                <th scope="row">
                  <a href={ticketsHref({ measure: 'breached', from: r.period, to: r.period })} aria-label={`${monthName(r.period)}: the breached tickets`}>
                    {monthName(r.period)}
                  </a>
                </th>
                <td class="n">{int(r.received)}</td>
                <td class="n" data-field="met">{int(r.met)}</td>
                <td class="n" data-field="breached">{int(r.breached)}</td>
                <td class="n" data-field="attainment">{pct(r.attainment)}</td>
                <td class="n">{pct(r.goal)}</td>
                <td>
                  <Status status={r.status} /> <QualityFlag flags={r.flags} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The team leader's morning (README "Pages"): today, yesterday and the month so far per team. */
export function TeamLeaderPage(props: { data: Data; reportMonth: string }) {
  const { today, trend, atRisk, breached } = props.data;
  const zone = trend.zone;
  const goal = today.teams[0]?.today.goal ?? trend.rows[trend.rows.length - 1]?.goal ?? null;
  return (
    <Layout title="Team leader's morning" current="team-leader" reportMonth={props.reportMonth} charts>
      <h1>Team leader's morning</h1>
      <p class="meta">
        {dayName(today.day)} · goal {pct(goal)} of tickets within their target (met ÷ (met + breached)) · times in {zone}
      </p>

      <section aria-labelledby="attainment-h">
        <h2 id="attainment-h">Attainment per team against the goal</h2>
        <AttainmentTable data={props.data} goal={goal} />
      </section>

      <section aria-labelledby="forecast-h">
        <h2 id="forecast-h">Month-end forecast and breach budget</h2>
        <ForecastTile f={props.data.forecast} />
      </section>

      <section aria-labelledby="backlog-h">
        <h2 id="backlog-h">Backlog per team</h2>
        <BacklogTable today={today} zone={zone} />
      </section>

      <section aria-labelledby="risk-h">
        <h2 id="risk-h">Tickets at risk and breached</h2>
        <TicketTable caption={`At risk: open, due within ${today.riskMinutes} business minutes`} id="at-risk" list={atRisk} zone={zone} drill={`/api/v1/sla/tickets?dueWithinMinutes=${today.riskMinutes}`} due="due" />
        <TicketTable caption="Breached and still open" id="breached" list={breached} zone={zone} drill="/api/v1/sla/tickets?open=true&outcome=breached" due="breached" />
      </section>

      <section aria-labelledby="cases-h">
        <h2 id="cases-h">Casework due this week</h2>
        <CasesDueTable list={props.data.casesDue} />
      </section>

      <TrendSection trend={trend} />
    </Layout>
  );
}
