import { body, type inProcessApi } from './api.ts';
import { CallForecastPanel } from './drill-calls.tsx';
import { Chart, dayName, duration, int, jsonScript, Layout, pct, Status } from './layout.tsx';
import { dayFlags, QualityFlag } from './quality-flag.tsx';

type Api = ReturnType<typeof inProcessApi>;

export type SupervisorQuery = { queue?: string; interval: '15' | '30' | '60'; refresh: number };

/** Today's intervals and what is waiting now, from the calls API (`/kpis` and `/now`). */
export async function supervisorData(api: Api, q: SupervisorQuery) {
  const queue = q.queue ? { queue: q.queue } : {};
  const [now, kpis, forecast] = await Promise.all([
    api.calls.api.v1.calls.now.$get({ query: queue }).then(body),
    api.calls.api.v1.calls.kpis.$get({ query: { grain: 'interval', interval: q.interval, ...queue } }).then(body),
    api.callsForecast.api.v1.calls.forecast.$get({ query: queue }).then(body),
  ]);
  return { now, kpis, forecast };
}
type Data = Awaited<ReturnType<typeof supervisorData>>;
type Row = Data['kpis']['rows'][number];
type Fig = { value: number | null; target: number | null; status: string; unit: string; label?: string };

const fmt = (f: Fig) => (f.unit === 'fraction' ? pct(f.value) : duration(f.value));
const hhmm = (period: string) => period.slice(11, 16);

/** Intervals from the first with calls to the last (the rest of the day is empty). */
function busyRows(rows: Row[]): Row[] {
  const first = rows.findIndex((r) => r.offered > 0);
  if (first < 0) return [];
  let last = rows.length - 1;
  while (rows[last]!.offered === 0) last--;
  return rows.slice(first, last + 1);
}

function Tile(props: { id: string; label: string; f: Fig; help: 'at least' | 'at most' }) {
  const { f } = props;
  return (
    <li class={`tile ${f.status}`} data-figure={props.id} data-value={f.value ?? ''} data-status={f.status}>
      <p class="label">{props.label}</p>
      <p class="value">{fmt(f)}</p>
      <p class="target">{f.target === null ? 'No target: for information' : `Target: ${props.help} ${f.unit === 'fraction' ? pct(f.target) : duration(f.target)}`}</p>
      <Status status={f.status} />
    </li>
  );
}

/** Calls per interval as stacked bars (answered, abandoned, other) with the service level line. */
function intervalChart(rows: Row[]) {
  return {
    type: 'bar',
    labels: rows.map((r) => hhmm(r.period)),
    datasets: [
      { label: 'Answered', data: rows.map((r) => r.answered), backgroundColor: '#146c2e', stack: 'calls' },
      { label: 'Abandoned', data: rows.map((r) => r.abandoned), backgroundColor: '#a4161a', stack: 'calls' },
      { label: 'Other (short abandon, timeout, exit, waiting)', data: rows.map((r) => r.offered - r.answered - r.abandoned), backgroundColor: '#8c9096', stack: 'calls' },
      { type: 'line', label: 'Service level %', data: rows.map((r) => (r.figures.serviceLevel.value === null ? null : Math.round(r.figures.serviceLevel.value * 1000) / 10)), borderColor: '#0b4f9c', backgroundColor: '#0b4f9c', yAxisID: 'y1', spanGaps: true },
    ],
    stacked: true,
    y1: true,
  };
}

/** Waiting now, the longest wait now and today's offered calls. */
function NowTiles(props: { now: Data['now'] }) {
  const { now } = props;
  const t = now.todaySoFar;
  return (
    <section aria-labelledby="now-h">
      <h2 id="now-h">Now</h2>
      <ul class="tiles">
        <li class={`tile ${now.waiting > 0 ? 'amber' : 'green'}`} data-figure="waiting" data-value={now.waiting}>
          <p class="label">Waiting now</p>
          <p class="value">{int(now.waiting)}</p>
          <p class="target">{now.queues.map((q) => `${q.queue} ${q.waiting}`).join(' · ') || 'No calls queueing'}</p>
        </li>
        <li class="tile" data-figure="longestWait" data-value={now.longestWaitSeconds ?? ''}>
          <p class="label">Longest wait now</p>
          <p class="value">{duration(now.longestWaitSeconds)}</p>
          <p class="target">{now.oldestArrivedAt ? `since ${new Date(now.oldestArrivedAt).toLocaleTimeString('en-GB', { timeZone: now.zone })}` : 'nobody waiting'}</p>
        </li>
        <li class="tile" data-figure="offered" data-value={t.offered}>
          <p class="label">Offered today</p>
          <p class="value">{int(t.offered)}</p>
          <p class="target">
            {int(t.answered)} answered, {int(t.abandoned)} abandoned ({int(t.shortAbandoned)} short)
          </p>
        </li>
      </ul>
    </section>
  );
}

/** Today so far against each call target. */
function TodayTiles(props: { data: Data }) {
  const { now, kpis } = props.data;
  const t = now.todaySoFar;
  const f = t.figures;
  return (
    <section aria-labelledby="today-h">
      <h2 id="today-h">Today so far against the targets</h2>
      <QualityFlag flags={dayFlags(kpis.rows, t)} />
      <ul class="tiles">
        <Tile id="answerRate" label="Answered" f={f.answerRate} help="at least" />
        <Tile id="abandonRate" label="Abandoned" f={f.abandonRate} help="at most" />
        <Tile id="serviceLevel" label={`Service level (answered in ${f.serviceLevel.thresholdSeconds} s)`} f={f.serviceLevel} help="at least" />
        <Tile id="avgWait" label="Average wait" f={f.avgWait} help="at most" />
        <Tile id="asa" label="Average speed of answer" f={f.asa} help="at most" />
        <Tile id="maxAnswerWait" label="Longest wait answered" f={f.maxAnswerWait} help="at most" />
        <Tile id="aht" label={`Average handling time${f.aht.label ? ` (${f.aht.label})` : ''}`} f={f.aht} help="at most" />
      </ul>
    </section>
  );
}

/** Today's busy intervals: the chart and its table. */
function Intervals(props: { kpis: Data['kpis'] }) {
  const { kpis } = props;
  const rows = busyRows(kpis.rows);
  return (
    <section aria-labelledby="intervals-h">
      <h2 id="intervals-h">Calls per {kpis.interval ?? 30}-minute interval</h2>
      {rows.length > 0 ? <Chart id="intervals-chart" label="Calls offered per interval today (answered, abandoned, other) and the service level" data={intervalChart(rows)} /> : ''}
      <div class="scroll">
        <table id="intervals">
          <caption>
            Today's calls per {kpis.interval ?? 30}-minute interval ({kpis.zone}){rows.length === 0 ? ': no calls yet' : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Interval</th>
              <th scope="col" class="n">Offered</th>
              <th scope="col" class="n">Answered</th>
              <th scope="col" class="n">Abandoned</th>
              <th scope="col" class="n">Service level</th>
              <th scope="col" class="n">Average wait</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr data-period={r.period}>
                <th scope="row">{hhmm(r.period)}</th>
                <td class="n" data-field="offered">{r.offered}</td>
                <td class="n" data-field="answered">{r.answered}</td>
                <td class="n" data-field="abandoned">{r.abandoned}</td>
                <td class="n" data-field="serviceLevel" data-value={r.figures.serviceLevel.value ?? ''}>{pct(r.figures.serviceLevel.value)}</td>
                <td class="n">{duration(r.figures.avgWait.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The part of the page the browser refreshes (GET /pages/supervisor/live serves it alone). */
export function SupervisorLive(props: { data: Data }) {
  return (
    <>
      <NowTiles now={props.data.now} />
      <TodayTiles data={props.data} />
      <Intervals kpis={props.data.kpis} />
      {jsonScript('live-meta', { at: props.data.now.at })}
    </>
  );
}

/** The supervisor's day (README "Pages"), one queue or all, refreshed in place by /assets/pages.js. */
export function SupervisorPage(props: { data: Data; q: SupervisorQuery; queues: string[]; reportMonth: string }) {
  const { now } = props.data;
  const { q } = props;
  const liveUrl = `/pages/supervisor/live?${new URLSearchParams({ ...(q.queue ? { queue: q.queue } : {}), interval: q.interval }).toString()}`;
  return (
    <Layout title="Supervisor's day" current="supervisor" reportMonth={props.reportMonth} charts>
      <h1>Supervisor's day: {q.queue ?? 'all queues'}</h1>
      <p class="meta">
        {dayName(now.today)} · times in {now.zone}
      </p>
      <form class="inline" method="get" action="/pages/supervisor">
        <div>
          <label for="queue">Queue</label>
          <select id="queue" name="queue">
            <option value="" selected={!q.queue}>
              All queues
            </option>
            {props.queues.map((name) => (
              <option value={name} selected={q.queue === name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="interval">Interval</label>
          <select id="interval" name="interval">
            {(['15', '30', '60'] as const).map((i) => (
              <option value={i} selected={q.interval === i}>
                {i} minutes
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Show</button>
      </form>
      <p id="live-status" role="status" data-at={now.at}>
        Figures at {new Date(now.at).toLocaleTimeString('en-GB', { timeZone: now.zone })}.
        <noscript> Reload the page for newer figures.</noscript>
      </p>
      <div id="live" data-live-url={liveUrl} data-refresh-seconds={q.refresh} data-zone={now.zone}>
        <SupervisorLive data={props.data} />
      </div>
      <CallForecastPanel f={props.data.forecast} link />
    </Layout>
  );
}
