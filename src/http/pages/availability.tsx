import { QualityFlag } from './quality-flag.tsx';
import { daysInMonth, localToUtc } from '../../calendar/zone.ts';
import { body, type inProcessApi } from './api.ts';
import { duration, int, Layout, localTime, monthName, pct, Status } from './layout.tsx';

type Api = ReturnType<typeof inProcessApi>;
/**
 * The month's figures per system (so far) and the outages that touch the month. `zone` is the
 * reporting zone the availability and outages API read dates in; the timeline uses it too.
 */
export async function availabilityData(api: Api, month: string, zone: string) {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const [figures, outages] = await Promise.all([
    api.availability.api.v1.availability.$get({ query: { grain: 'month', from: month, to: month } }).then(body),
    // Naive times: the API reads them in the reporting zone, so this is the local month. It ends at the
    // month's last millisecond rather than the next month's start, so that December 2199 (the last
    // month the API accepts) does not ask for a time in 2200.
    api.outages.api.v1.outages.$get({ query: { from: `${month}-01T00:00:00`, to: `${month}-${String(daysInMonth(y, m)).padStart(2, '0')}T23:59:59.999` } }).then(body),
  ]);
  return { month, zone, figures, outages: outages.outages };
}
type Data = Awaited<ReturnType<typeof availabilityData>>;

const hours = (s: number | null | undefined) => (s === null || s === undefined ? '–' : duration(s).replace(/:\d\d$/, '') + (s >= 3600 ? ' h' : ' min'));

/** Outages drawn on the month, one row per system: an SVG with a text equivalent and the table after it. */
function Timeline(props: { data: Data; now: Date }) {
  const { month, outages, zone } = props.data;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const days = daysInMonth(y, m);
  const start = localToUtc(zone, y, m, 1, 0);
  const end = m === 12 ? localToUtc(zone, y + 1, 1, 1, 0) : localToUtc(zone, y, m + 1, 1, 0);
  const systems = [...new Set([...props.data.figures.rows.map((r) => r.system), ...outages.map((o) => o.system ?? '?')])].sort();
  const left = 130;
  const width = 1000;
  const rowH = 30;
  const top = 24;
  const x = (ms: number) => left + ((Math.min(Math.max(ms, start), end) - start) / (end - start)) * (width - left - 10);
  const height = top + systems.length * rowH + 8;
  const dayX = (d: number) => x(localToUtc(zone, y, m, d, 0));
  return (
    <div class="timeline">
      <div class="legend" aria-hidden="true">
        <span>
          <span class="swatch" style="background:#a4161a"></span>Unplanned outage
        </span>
        <span>
          <span class="swatch" style="background-color:#d3d5d9;background-image:repeating-linear-gradient(45deg,#4a4f55 0 2px,#d3d5d9 2px 6px)"></span>Planned (maintenance)
        </span>
      </div>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="timeline-title timeline-desc">
        <title id="timeline-title">Outages in {monthName(month)} per system</title>
        <desc id="timeline-desc">
          {outages.length === 0 ? 'No outages recorded this month.' : `${outages.length} outage records; each is listed in the table below the timeline.`}
        </desc>
        <defs>
          <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#d3d5d9"></rect>
            <rect width="2" height="6" fill="#4a4f55"></rect>
          </pattern>
        </defs>
        {Array.from({ length: days }, (_, i) => i + 1).map((d) => (
          <g>
            <line x1={dayX(d)} x2={dayX(d)} y1={top - 4} y2={height - 8} stroke="#dfe1e5" stroke-width="1"></line>
            {d === 1 || d % 2 === 1 ? (
              <text x={dayX(d) + 2} y={14} font-size="11" fill="#4a4f55">
                {d}
              </text>
            ) : (
              ''
            )}
          </g>
        ))}
        {systems.map((s, i) => (
          <g data-system={s}>
            <text x={4} y={top + i * rowH + 19} font-size="13" fill="#1b1b1b">
              {s}
            </text>
            <rect x={left} y={top + i * rowH + 4} width={width - left - 10} height={rowH - 8} fill="#f4f5f7" stroke="#c9ccd1"></rect>
            {outages
              .filter((o) => o.system === s)
              .map((o) => {
                const a = x(Date.parse(o.start));
                const b = x(o.end ? Date.parse(o.end) : props.now.getTime());
                return (
                  <rect x={a} y={top + i * rowH + 6} width={Math.max(2, b - a)} height={rowH - 12} fill={o.kind === 'planned' ? 'url(#hatch)' : '#a4161a'} data-outage={o.id}>
                    <title>{`${s}: ${o.kind} ${localTime(o.start, zone)} to ${o.end ? localTime(o.end, zone) : 'now (open)'}${o.reason ? ` — ${o.reason}` : ''}`}</title>
                  </rect>
                );
              })}
          </g>
        ))}
      </svg>
    </div>
  );
}

/** Chooses the month shown (a plain GET form: works without script). */
function MonthPicker(props: { month: string; months: string[] }) {
  return (
    <form class="inline" method="get" action="/pages/availability">
      <div>
        <label for="month">Month</label>
        <select id="month" name="month">
          {props.months.map((mo) => (
            <option value={mo} selected={mo === props.month}>
              {monthName(mo)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit">Show</button>
    </form>
  );
}

type SystemFigures = Data['figures'];

/** The all-systems row (weighted by core time), under the systems' rows. */
function AllSystemsFoot(props: { all: SystemFigures['allSystems'][number] | undefined }) {
  const all = props.all;
  if (!all) return '';
  return (
    <tfoot>
      <tr data-system="(all)" data-availability={all.availability ?? ''}>
        <th scope="row">All systems (weighted)</th>
        <td>{`${all.systemsAtTarget} of ${all.systems} at target`}</td>
        <td class="n" data-field="availability">{pct(all.availability, 2)}</td>
        <td class="n">{pct(all.target)}</td>
        <td>
          <Status status={all.status} /> <QualityFlag flags={all.flags} />
        </td>
        <td colspan={4}></td>
      </tr>
    </tfoot>
  );
}

/** Each system's availability against its target, downtime, outages and time to restore. */
function SystemsTable(props: { figures: SystemFigures; month: string }) {
  return (
    <div class="scroll">
      <table id="systems">
        <caption>Availability per system in {monthName(props.month)} against its target</caption>
        <thead>
          <tr>
            <th scope="col">System</th>
            <th scope="col">Group</th>
            <th scope="col" class="n">Availability</th>
            <th scope="col" class="n">Target</th>
            <th scope="col">Status</th>
            <th scope="col" class="n">Down (core time)</th>
            <th scope="col" class="n">Planned</th>
            <th scope="col" class="n">Outages</th>
            <th scope="col" class="n">Mean time to restore</th>
          </tr>
        </thead>
        <tbody>
          {props.figures.rows.map((r) => (
            <tr data-system={r.system} data-availability={r.availability ?? ''}>
              <th scope="row">{r.system}</th>
              <td>{r.group}</td>
              <td class="n" data-field="availability">{pct(r.availability, 2)}</td>
              <td class="n">{pct(r.target)}</td>
              <td>
                <Status status={r.status} /> <QualityFlag flags={r.flags} />
              </td>
              <td class="n" data-field="downSeconds" data-value={r.downSeconds}>{hours(r.downSeconds)}</td>
              <td class="n">{hours(r.plannedSeconds)}</td>
              <td class="n" data-field="outages">{int(r.outages)}</td>
              <td class="n">{hours(r.mttrSeconds)}</td>
            </tr>
          ))}
        </tbody>
        <AllSystemsFoot all={props.figures.allSystems[0]} />
      </table>
    </div>
  );
}

/** The outage records touching the month, in local time. */
function OutagesTable(props: { data: Data }) {
  const { outages, month, zone } = props.data;
  return (
    <div class="scroll">
      <table id="outages">
        <caption>Outage records touching {monthName(month)}</caption>
        <thead>
          <tr>
            <th scope="col">System</th>
            <th scope="col">Kind</th>
            <th scope="col">Start</th>
            <th scope="col">End</th>
            <th scope="col">Reason</th>
            <th scope="col">Reference</th>
            <th scope="col">Recorded by</th>
          </tr>
        </thead>
        <tbody>
          {outages.length === 0 ? (
            <tr>
              <td colspan={7}>None recorded.</td>
            </tr>
          ) : (
            outages.map((o) => (
              <tr data-outage={o.id}>
                <th scope="row">{o.system}</th>
                <td>{o.kind}</td>
                <td>{localTime(o.start, zone)}</td>
                <td>{o.end ? localTime(o.end, zone) : 'open'}</td>
                <td>{o.reason ?? ''}</td>
                <td>{o.ref ?? ''}</td>
                <td>{o.source}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Each system's month (so far, when `soFar`: the current, unfinished month) and its outages (README "Pages"). */
export function AvailabilityPage(props: { data: Data; now: Date; reportMonth: string; months: string[]; soFar: boolean }) {
  const { figures, month, zone } = props.data;
  return (
    <Layout title="Availability" current="availability" reportMonth={props.reportMonth}>
      <h1>Availability: {monthName(month)}</h1>
      <p class="meta">
        Core business hours of each system's calendar{props.soFar ? ', counted up to now' : ', the whole month'}; planned maintenance is not counted against a system. Times in {zone}.
      </p>
      <MonthPicker month={month} months={props.months} />
      <section aria-labelledby="systems-h">
        <h2 id="systems-h">{props.soFar ? 'Each system, month so far' : 'Each system, whole month'}</h2>
        <SystemsTable figures={figures} month={month} />
      </section>
      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">Outages on the month</h2>
        <Timeline data={props.data} now={props.now} />
        <OutagesTable data={props.data} />
      </section>
    </Layout>
  );
}
