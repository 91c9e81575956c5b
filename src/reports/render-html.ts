import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { MonthlyReport } from './monthly.ts';
import { qualitySectionHtml } from './quality-section.ts';
import { channelShiftHtml, commentaryFormHtml, committeeCss, measureTableHtml, servicePlansHtml } from './render-committee.ts';

let chartJs: string | undefined;
/**
 * Chart.js's UMD build from the project's own dependencies, inlined so the page is one
 * self-contained file (the machines have no internet, and a saved report must still draw).
 */
export function chartJsSource(): string {
  if (chartJs === undefined) {
    // The package's exports map hides dist/; resolve its entry and read the UMD file beside it.
    const entry = createRequire(import.meta.url).resolve('chart.js');
    chartJs = readFileSync(path.join(path.dirname(entry), 'chart.umd.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
  }
  return chartJs;
}

export const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
const pct = (x: number | null | undefined, dp = 1) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(dp)}%`);
const num = (x: number | null | undefined, dp = 0) => (x === null || x === undefined ? '–' : x.toLocaleString('en-GB', { maximumFractionDigits: dp, minimumFractionDigits: dp }));
const mmss = (s: number | null | undefined) => (s === null || s === undefined ? '–' : `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`);
const monthName = (m: string) => new Date(`${m}-01T12:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonth = (m: string) => new Date(`${m}-01T12:00:00Z`).toLocaleDateString('en-GB', { month: 'short', year: '2-digit', timeZone: 'UTC' });
export const status = (s: string | null | undefined) => (s ? `<span class="status ${esc(s)}">${esc(s.replace('_', ' '))}</span>` : '–');

/** A measure's value in its unit. */
export function measureText(unit: string, v: number | null): string {
  if (v === null) return '–';
  switch (unit) {
    case 'percent':
      return pct(v);
    case 'minutes':
      return `${num(v, 2)} min`;
    case 'seconds':
      return `${mmss(v)} (${num(v, 0)} s)`;
    case 'score':
      return num(v, 2);
    case 'days':
      return `${num(v, 1)} days`;
    case 'currency':
      return `£${num(v, 0)}`;
    default:
      return num(v, 1);
  }
}

export function table(caption: string, head: string[], rows: string[][], cls = ''): string {
  return `<table class="${cls}"><caption>${esc(caption)}</caption><thead><tr>${head.map((h, i) => `<th scope="col"${i > 0 ? ' class="n"' : ''}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td class="n">${c}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}
const chart = (id: string, label: string) => `<figure class="chart"><canvas id="${id}" role="img" aria-label="${esc(label)}"></canvas><figcaption>${esc(label)} (figures in the table)</figcaption></figure>`;

const css = `
:root { --green: #1b7f3b; --amber: #a86400; --red: #b3261e; --grey: #5f6368; font-family: system-ui, "Segoe UI", Arial, sans-serif; color: #1f1f1f; }
body { margin: 0 auto; max-width: 190mm; padding: 8mm; font-size: 10.5pt; line-height: 1.35; }
h1 { font-size: 18pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 1px solid #ccc; padding-bottom: 1mm; }
.meta { color: var(--grey); font-size: 9pt; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 2mm 0; }
caption { text-align: left; font-weight: 600; padding-bottom: 1mm; }
th, td { border-bottom: 1px solid #e0e0e0; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
.n { text-align: right; font-variant-numeric: tabular-nums; }
tbody th { white-space: nowrap; } table.measures tbody th, table.cc tbody th { white-space: normal; }
thead th { border-bottom: 1.5px solid #999; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 5mm; align-items: start; }
.chart { margin: 0; } .chart canvas { width: 100% !important; height: 60mm !important; } figcaption { font-size: 8pt; color: var(--grey); }
.status { font-weight: 600; white-space: nowrap; } .status.green { color: var(--green); } .status.amber { color: var(--amber); } .status.red { color: var(--red); } .status.no_data, .status.data_only { color: var(--grey); }
@page { size: A4; margin: 12mm; }
@media print { body { max-width: none; padding: 0; font-size: 9.5pt; } section { break-inside: avoid-page; } .pair, table, figure { break-inside: avoid; } h2 { break-after: avoid; } }
@media (max-width: 700px) { .pair { grid-template-columns: 1fr; } }
`;

/** The monthly report as a printable, self-contained HTML page (A4), charts beside accessible tables. */
export function renderReportHtml(r: MonthlyReport): string {
  const kinds = r.tickets.kinds;
  const kindName = (k: string) => k.replace('_', ' ').replace(/^\w/, (c) => c.toUpperCase()) + 's';
  const months = r.tickets.months;

  const measures = measureTableHtml(r);

  const received = table(
    'Tickets received per month',
    ['Month', ...kinds.map(kindName), 'All'],
    months.map((m) => [esc(m.month), ...kinds.map((k) => num(m.kinds[k]!.received)), num(m.all.received)]),
  );
  const metBreached = table(
    'Met and failed (breached) within SLA per month',
    ['Month', ...kinds.flatMap((k) => [`${kindName(k)} met`, 'failed']), 'All met', 'All failed'],
    months.map((m) => [esc(m.month), ...kinds.flatMap((k) => [num(m.kinds[k]!.met), num(m.kinds[k]!.breached)]), num(m.all.met), num(m.all.breached)]),
  );
  const attainment = table(
    'Attainment against the goal per month (outcome basis)',
    ['Month', ...kinds.map(kindName), 'All', 'Goal', 'Status (all)'],
    months.map((m) => [esc(m.month), ...kinds.map((k) => `${pct(m.kinds[k]!.attainment)} ${status(m.kinds[k]!.status)}`), pct(m.all.attainment), pct(m.all.goal, 0), status(m.all.status)]),
  );
  const backlogRows = [...r.backlog.teams, { team: 'All teams', ...r.backlog.total }];
  const backlog = table(
    `Outstanding at the end of ${r.backlog.asOf} (${r.backlog.rule})`,
    ['Team', ...kinds.map(kindName), 'Total'],
    backlogRows.map((t) => [esc(t.team), ...kinds.map((k) => num(t.byKind[k] ?? 0)), num(t.total)]),
  );
  const notActioned = table(
    `Assigned but not actioned at the end of ${r.backlog.asOf} (${r.backlog.notActionedRule})`,
    ['Team', 'Not actioned', 'Outstanding'],
    backlogRows.map((t) => [esc(t.team), num(t.notActioned), num(t.total)]),
  );
  const ccRows = [...(r.contactCentre.all ? [r.contactCentre.all] : []), ...r.contactCentre.queues];
  const withStatus = (x: { value: number | null; status: string } | null, f: (v: number | null) => string) => (x ? `${f(x.value)} ${status(x.status)}` : '–');
  const cc = ccRows.length
    ? table(
        `Contact-centre measures, ${monthName(r.month)}`,
        ['Queue', 'Offered', 'Answered', 'Answered %', 'Abandoned %', 'Service level', 'Avg wait', 'ASA', 'Max answer wait', 'AHT', 'Calls a day', 'Worst day abandoned'],
        ccRows.map((q) => [
          esc(q.queue),
          num(q.offered),
          num(q.answered),
          withStatus(q.answerRate, (v) => pct(v)),
          withStatus(q.abandonRate, (v) => pct(v)),
          pct(q.serviceLevel.value),
          withStatus(q.avgWaitSeconds, mmss),
          withStatus(q.asaSeconds, mmss),
          withStatus(q.maxAnswerWaitSeconds, mmss),
          withStatus(q.ahtSeconds, mmss) + (q.ahtSeconds.basis && q.ahtSeconds.basis !== 'talk+hold+wrap' ? `<br><small>${esc(q.ahtSeconds.basis)}</small>` : ''),
          withStatus(q.callsPerDay, (v) => num(v, 1)),
          q.maxDailyAbandonRate ? `${pct(q.maxDailyAbandonRate.value)} ${esc(q.maxDailyAbandonRate.day)} ${status(q.maxDailyAbandonRate.status)}` : '–',
        ]),
        'cc',
      ) + (r.contactCentre.all?.emailsPerDay ? `<p>Emails processed: ${num(r.contactCentre.emailsProcessed)} (${num(r.contactCentre.all.emailsPerDay.value, 1)} a day) ${status(r.contactCentre.all.emailsPerDay.status)}</p>` : '')
    : '<p>No calls recorded for the month.</p>';
  const casework = r.casework.kinds.length
    ? table(
        `Casework within timescale, ${monthName(r.month)}`,
        ['Kind', 'Received', 'Responded', 'Met', 'Late', 'Within timescale', 'Goal', 'Status', 'Extended', 'Mean working days'],
        r.casework.kinds.map((k) => [esc(String(k.kind)), num(k.received), num(k.responded), num(k.met), num(k.late), pct(k.attainment), pct(k.goal, 0), status(k.status), num(k.extended), k.meanWorkingDaysToRespond === null ? '–' : num(k.meanWorkingDaysToRespond, 1)]),
      ) + `<p class="meta">${esc(r.casework.rule)}</p>`
    : '<p>No casework recorded for the month.</p>';
  const avail = r.availability.systems.length
    ? table(
        `Availability in core hours, ${monthName(r.month)}`,
        ['System', 'Availability', 'Target', 'Status', 'Outages', 'Downtime (min)'],
        [
          ...r.availability.systems.map((s) => [esc(s.system), pct(s.availability, 2), pct(s.target), status(s.status), num(s.outages), num(s.downSeconds / 60)]),
          ...(r.availability.all
            ? [[`All systems (${r.availability.all.systemsAtTarget} of ${r.availability.all.systems} at target)`, pct(r.availability.all.availability, 2), pct(r.availability.all.target), status(r.availability.all.status), '', '']]
            : []),
        ],
      )
    : '<p>No systems configured.</p>';

  const data = {
    months: months.map((m) => shortMonth(m.month)),
    kinds: kinds.map(kindName),
    received: kinds.map((k) => months.map((m) => m.kinds[k]!.received)),
    met: months.map((m) => m.all.met),
    breached: months.map((m) => m.all.breached),
    attainment: kinds.map((k) => months.map((m) => (m.kinds[k]!.attainment === null ? null : +(m.kinds[k]!.attainment! * 100).toFixed(2)))),
    goal: months.map((m) => (m.all.goal === null ? null : m.all.goal * 100)),
    teams: r.backlog.teams.map((t) => t.team),
    backlog: kinds.map((k) => r.backlog.teams.map((t) => t.byKind[k] ?? 0)),
    systems: r.availability.systems.map((s) => s.system),
    availability: r.availability.systems.map((s) => (s.availability === null ? null : +(s.availability * 100).toFixed(3))),
  };
  const json = JSON.stringify(data).replace(/</g, '\\u003c');

  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Monthly performance report: ${esc(monthName(r.month))}</title>
<style>${css}${committeeCss}</style>
</head>
<body>
<header>
<h1>Monthly performance report: ${esc(monthName(r.month))}</h1>
<p class="meta">Generated ${esc(r.generatedAt)} · periods are local to ${esc(r.zone)} · ${esc(r.basisNote)}</p>
</header>
<main>
<section id="service-plans"><h2>Service-plan progress</h2>${servicePlansHtml(r)}</section>
<section id="measures"><h2>Measures against target</h2>${measures}${qualitySectionHtml(r)}</section>
${commentaryFormHtml(r)}
<section id="received"><h2>Incidents and service requests received (12 months)</h2><div class="pair">${chart('chart-received', 'Tickets received per month, by kind')}${received}</div></section>
<section id="met-failed"><h2>Met and failed within SLA per month</h2><div class="pair">${chart('chart-met', 'Tickets met and failed within SLA per month')}${metBreached}</div></section>
<section id="attainment"><h2>Monthly attainment against the goal</h2><div class="pair">${chart('chart-attainment', 'Attainment per month by kind, and the goal (%)')}${attainment}</div></section>
<section id="backlog"><h2>Outstanding incidents and service requests per team</h2><div class="pair">${chart('chart-backlog', 'Outstanding tickets per team at month end')}${backlog}</div></section>
<section id="not-actioned"><h2>Calls assigned but not actioned per team</h2>${notActioned}</section>
<section id="contact-centre"><h2>Contact-centre measures</h2>${cc}</section>
<section id="casework"><h2>Casework: complaints, FOI, SAR, member enquiries</h2>${casework}</section>
<section id="availability"><h2>Availability per system</h2><div class="pair">${chart('chart-availability', 'Availability per system in core hours (%)')}${avail}</div></section>
<section id="channel-shift"><h2>Channel shift (12 months)</h2>${channelShiftHtml(r)}</section>
</main>
<script>${chartJsSource()}</script>
<script type="application/json" id="report-data">${json}</script>
<script>
(function () {
  var d = JSON.parse(document.getElementById('report-data').textContent);
  if (typeof Chart === 'undefined') return;
  Chart.defaults.animation = false;
  Chart.defaults.devicePixelRatio = 2;
  Chart.defaults.font.size = 10;
  var colours = ['#1a5fb4', '#c64600', '#26a269', '#813d9c', '#986a44'];
  function make(id, config) { var el = document.getElementById(id); if (el) new Chart(el, config); }
  make('chart-received', { type: 'bar', data: { labels: d.months, datasets: d.kinds.map(function (k, i) { return { label: k, data: d.received[i], backgroundColor: colours[i % colours.length] }; }) }, options: { maintainAspectRatio: false } });
  make('chart-met', { type: 'bar', data: { labels: d.months, datasets: [{ label: 'Met', data: d.met, backgroundColor: '#26a269' }, { label: 'Failed', data: d.breached, backgroundColor: '#c01c28' }] }, options: { maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true } } } });
  make('chart-attainment', { type: 'line', data: { labels: d.months, datasets: d.kinds.map(function (k, i) { return { label: k, data: d.attainment[i], borderColor: colours[i % colours.length], spanGaps: true }; }).concat([{ label: 'Goal', data: d.goal, borderColor: '#5f6368', borderDash: [6, 4], pointRadius: 0 }]) }, options: { maintainAspectRatio: false, scales: { y: { suggestedMin: 80, suggestedMax: 100 } } } });
  make('chart-backlog', { type: 'bar', data: { labels: d.teams, datasets: d.kinds.map(function (k, i) { return { label: k, data: d.backlog[i], backgroundColor: colours[i % colours.length] }; }) }, options: { indexAxis: 'y', maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true } } } });
  make('chart-availability', { type: 'bar', data: { labels: d.systems, datasets: [{ label: 'Availability %', data: d.availability, backgroundColor: '#1a5fb4' }] }, options: { maintainAspectRatio: false, scales: { y: { suggestedMin: 90, max: 100 } } } });
})();
</script>
</body>
</html>
`;
}
