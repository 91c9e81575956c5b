/** The monthly report as a printable, self-contained HTML page (A4), charts beside accessible tables. */
import { raw } from 'hono/html';
import { jsonScript } from '../http/pages/layout.tsx';
import type { MonthlyReport } from './monthly.ts';
import { ChannelShift, CommentaryForm, committeeCss, MeasureTable, ServicePlans } from './render-committee.tsx';
import { ChartFigure, DrillLink, mmss, monthName, num, pct, shortMonth, StatusText, Table } from './render-parts.tsx';
import { Restatement } from './render-restatement.tsx';
import { QualityMark, QualitySection } from './quality-section.tsx';
import { chartJsSource, reportScriptSource } from './render-scripts.ts';

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
/* The pages' status words ("✓ meets target") wrap inside the narrow A4 columns. */
.status { font-weight: 600; } .status.green { color: var(--green); } .status.amber { color: var(--amber); } .status.red { color: var(--red); } .status.no_data, .status.data_only { color: var(--grey); }
@page { size: A4; margin: 12mm; }
@media print { body { max-width: none; padding: 0; font-size: 9.5pt; } section { break-inside: avoid-page; } .pair, table, figure { break-inside: avoid; } h2 { break-after: avoid; } }
@media (max-width: 700px) { .pair { grid-template-columns: 1fr; } }
`;

const kindName = (k: string) => k.replace('_', ' ').replace(/^\w/, (c) => c.toUpperCase()) + 's';
const withStatus = (x: { value: number | null; status: string } | null, f: (v: number | null) => string) =>
  x ? (
    <>
      {f(x.value)} <StatusText status={x.status} />
    </>
  ) : (
    '–'
  );

/** The figures the charts draw (the same as in the tables), for the JSON block #report-data. */
function chartData(r: MonthlyReport) {
  const { kinds, months } = r.tickets;
  return {
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
}

/** Tickets received, met and failed, attainment: a chart and its table each. */
function TicketSections(props: { r: MonthlyReport }) {
  const { kinds, months } = props.r.tickets;
  return (
    <>
      <section id="received">
        <h2>Incidents and service requests received (12 months)</h2>
        <div class="pair">
          <ChartFigure id="chart-received" label="Tickets received per month, by kind" />
          <Table caption="Tickets received per month" head={['Month', ...kinds.map(kindName), 'All']} rows={months.map((m) => [m.month, ...kinds.map((k) => num(m.kinds[k]!.received)), <>{num(m.all.received)}<QualityMark of={m} /></>])} />
        </div>
      </section>
      <section id="met-failed">
        <h2>Met and failed within SLA per month</h2>
        <div class="pair">
          <ChartFigure id="chart-met" label="Tickets met and failed within SLA per month" />
          <Table
            caption="Met and failed (breached) within SLA per month"
            head={['Month', ...kinds.flatMap((k) => [`${kindName(k)} met`, 'failed']), 'All met', 'All failed']}
            rows={months.map((m) => {
              const t = (measure: string, kind: string | undefined, n: number) => <DrillLink path="/pages/tickets" q={{ measure, from: m.month, to: m.month, kind }} text={num(n)} />;
              return [m.month, ...kinds.flatMap((k) => [t('met', k, m.kinds[k]!.met), t('breached', k, m.kinds[k]!.breached)]), <>{t('met', undefined, m.all.met)}<QualityMark of={m} /></>, t('breached', undefined, m.all.breached)];
            })}
          />
        </div>
      </section>
      <section id="attainment">
        <h2>Monthly attainment against the goal</h2>
        <div class="pair">
          <ChartFigure id="chart-attainment" label="Attainment per month by kind, and the goal (%)" />
          <Table
            caption="Attainment against the goal per month (outcome basis)"
            head={['Month', ...kinds.map(kindName), 'All', 'Goal', 'Status (all)']}
            rows={months.map((m) => [
              m.month,
              ...kinds.map((k) => (
                <>
                  {pct(m.kinds[k]!.attainment)} <StatusText status={m.kinds[k]!.status} />
                </>
              )),
              <>
                {pct(m.all.attainment)}
                <QualityMark of={m} />
              </>,
              pct(m.all.goal, 0),
              <StatusText status={m.all.status} />,
            ])}
          />
        </div>
      </section>
    </>
  );
}

/** Outstanding tickets per team at the month's end, and those assigned but not actioned. */
function BacklogSections(props: { r: MonthlyReport }) {
  const { backlog } = props.r;
  const kinds = props.r.tickets.kinds;
  const rows = [...backlog.teams, { team: 'All teams', ...backlog.total }];
  return (
    <>
      <section id="backlog">
        <h2>Outstanding incidents and service requests per team</h2>
        <div class="pair">
          <ChartFigure id="chart-backlog" label="Outstanding tickets per team at month end" />
          <Table caption={`Outstanding at the end of ${backlog.asOf} (${backlog.rule})`} head={['Team', ...kinds.map(kindName), 'Total']} rows={rows.map((t) => [t.team, ...kinds.map((k) => num(t.byKind[k] ?? 0)), num(t.total)])} />
        </div>
      </section>
      <section id="not-actioned">
        <h2>Calls assigned but not actioned per team</h2>
        <Table caption={`Assigned but not actioned at the end of ${backlog.asOf} (${backlog.notActionedRule})`} head={['Team', 'Not actioned', 'Outstanding']} rows={rows.map((t) => [t.team, num(t.notActioned), num(t.total)])} />
      </section>
    </>
  );
}

function ContactCentre(props: { r: MonthlyReport }) {
  const cc = props.r.contactCentre;
  const rows = [...(cc.all ? [cc.all] : []), ...cc.queues];
  if (rows.length === 0) return <p>No calls recorded for the month.</p>;
  return (
    <>
      <Table
        caption={`Contact-centre measures, ${monthName(props.r.month)}`}
        head={['Queue', 'Offered', 'Answered', 'Answered %', 'Abandoned %', 'Service level', 'Avg wait', 'ASA', 'Max answer wait', 'AHT', 'Calls a day', 'Worst day abandoned']}
        class="cc"
        rows={rows.map((q) => [
          <>
            <DrillLink path="/pages/calls" q={{ month: props.r.month, queue: q === cc.all ? undefined : q.queue }} text={q.queue} />
            <QualityMark of={q} />
          </>,
          num(q.offered),
          num(q.answered),
          withStatus(q.answerRate, (v) => pct(v)),
          withStatus(q.abandonRate, (v) => pct(v)),
          pct(q.serviceLevel.value),
          withStatus(q.avgWaitSeconds, mmss),
          withStatus(q.asaSeconds, mmss),
          withStatus(q.maxAnswerWaitSeconds, mmss),
          <>
            {withStatus(q.ahtSeconds, mmss)}
            {q.ahtSeconds.basis && q.ahtSeconds.basis !== 'talk+hold+wrap' ? (
              <>
                <br />
                <small>{q.ahtSeconds.basis}</small>
              </>
            ) : (
              ''
            )}
          </>,
          withStatus(q.callsPerDay, (v) => num(v, 1)),
          q.maxDailyAbandonRate ? (
            <>
              {pct(q.maxDailyAbandonRate.value)} {q.maxDailyAbandonRate.day} <StatusText status={q.maxDailyAbandonRate.status} />
            </>
          ) : (
            '–'
          ),
        ])}
      />
      {cc.all?.emailsPerDay ? (
        <p>
          Emails processed: {num(cc.emailsProcessed)} ({num(cc.all.emailsPerDay.value, 1)} a day) <StatusText status={cc.all.emailsPerDay.status} />
        </p>
      ) : (
        ''
      )}
    </>
  );
}

function Casework(props: { r: MonthlyReport }) {
  const cw = props.r.casework;
  if (cw.kinds.length === 0) return <p>No casework recorded for the month.</p>;
  return (
    <>
      <Table
        caption={`Casework within timescale, ${monthName(props.r.month)}`}
        head={['Kind', 'Received', 'Responded', 'Met', 'Late', 'Within timescale', 'Goal', 'Status', 'Extended', 'Mean working days']}
        rows={cw.kinds.map((k) => [
          String(k.kind),
          num(k.received),
          num(k.responded),
          <DrillLink path="/pages/cases" q={{ measure: 'met', from: props.r.month, to: props.r.month, kind: String(k.kind) }} text={num(k.met)} />,
          <DrillLink path="/pages/cases" q={{ measure: 'late', from: props.r.month, to: props.r.month, kind: String(k.kind) }} text={num(k.late)} />,
          <>
            {pct(k.attainment)}
            <QualityMark of={k} />
          </>,
          pct(k.goal, 0),
          <StatusText status={k.status} />,
          num(k.extended),
          k.meanWorkingDaysToRespond === null ? '–' : num(k.meanWorkingDaysToRespond, 1),
        ])}
      />
      <p class="meta">{cw.rule}</p>
    </>
  );
}

function Availability(props: { r: MonthlyReport }) {
  const a = props.r.availability;
  if (a.systems.length === 0) return <p>No systems configured.</p>;
  return (
    <Table
      caption={`Availability in core hours, ${monthName(props.r.month)}`}
      head={['System', 'Availability', 'Target', 'Status', 'Outages', 'Downtime (min)']}
      rows={[
        ...a.systems.map((s) => [s.system, <>{pct(s.availability, 2)}<QualityMark of={s} /></>, pct(s.target), <StatusText status={s.status} />, num(s.outages), num(s.downSeconds / 60)]),
        ...(a.all ? [[`All systems (${a.all.systemsAtTarget} of ${a.all.systems} at target)`, <>{pct(a.all.availability, 2)}<QualityMark of={a.all} /></>, pct(a.all.target), <StatusText status={a.all.status} />, '', '']] : []),
      ]}
    />
  );
}

export function ReportPage(props: { r: MonthlyReport }) {
  const r = props.r;
  const title = `Monthly performance report: ${monthName(r.month)}`;
  return (
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <style>{raw(css + committeeCss)}</style>
      </head>
      <body>
        <header>
          <h1>{title}</h1>
          <p class="meta">
            Generated {r.generatedAt} · periods are local to {r.zone} · {r.basisNote}
          </p>
        </header>
        <main>
          <section id="service-plans">
            <h2>Service-plan progress</h2>
            <ServicePlans r={r} />
          </section>
          <section id="measures">
            <h2>Measures against target</h2>
            <MeasureTable r={r} />
            <QualitySection r={r} />
          </section>
          <Restatement r={r} />
          <CommentaryForm r={r} />
          <TicketSections r={r} />
          <BacklogSections r={r} />
          <section id="contact-centre">
            <h2>Contact-centre measures</h2>
            <ContactCentre r={r} />
          </section>
          <section id="casework">
            <h2>Casework: complaints, FOI, SAR, member enquiries</h2>
            <Casework r={r} />
          </section>
          <section id="availability">
            <h2>Availability per system</h2>
            <div class="pair">
              <ChartFigure id="chart-availability" label="Availability per system in core hours (%)" />
              <Availability r={r} />
            </div>
          </section>
          <section id="channel-shift">
            <h2>Channel shift (12 months)</h2>
            <ChannelShift r={r} />
          </section>
        </main>
        <script>{raw(chartJsSource())}</script>
        {jsonScript('report-data', chartData(r))}
        <script>{raw(reportScriptSource())}</script>
      </body>
    </html>
  );
}
