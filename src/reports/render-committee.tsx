/**
 * The committee-report parts of the printable report (issue 14): service-plan progress, the
 * measure table grouped by category with both directions of travel, benchmark and commentary,
 * and the commentary form (screen only; its script is the report's, report.client.js). Status is
 * always icon and text, never colour alone.
 */
import type { MeasureRow } from './measure-table.ts';
import { groupByCategory } from './measure-table.ts';
import type { MonthlyReport } from './monthly.ts';
import { measureText, StatusText, Table } from './render-parts.tsx';
import { QualityMark } from './quality-section.tsx';

const actionIcons: Record<string, string> = {
  Completed: '✔', Cancelled: '✖', Overdue: '⚠', Neglected: '⌛', Unassigned: '?', 'Check Progress': '⚑', 'Not Started': '○', 'In Progress': '◐', Assigned: '◔',
};
const ActionStatus = (props: { status: string }) => (
  <span class={`action-status ${props.status.toLowerCase().replace(/\s+/g, '-')}`}>
    <span aria-hidden="true">{actionIcons[props.status] ?? ''}</span> {props.status}
  </span>
);
const Bar = (props: { progress: number | null; shown: number | null }) =>
  props.progress === null ? (
    <>–</>
  ) : (
    <>
      <span class="bar" aria-hidden="true">
        <span style={`width:${Math.max(0, Math.min(100, props.progress)).toFixed(1)}%`}></span>
      </span>{' '}
      {props.shown}%
    </>
  );
const travelIcons = { improving: '▲', steady: '▶', worsening: '▼' } as const;
const Travel = (props: { t: MeasureRow['shortTerm']; unit: string }) =>
  props.t.travel === null ? (
    <small>no {props.t.period} value</small>
  ) : (
    <>
      <span class={`travel ${props.t.travel}`}>
        <span aria-hidden="true">{travelIcons[props.t.travel]}</span> {props.t.travel}
      </span>
      <br />
      <small>
        {props.t.period}: {measureText(props.unit, props.t.earlier)}
      </small>
    </>
  );

/** Every plan: its progress, then one table per section. */
export function ServicePlans(props: { r: MonthlyReport }) {
  if (props.r.servicePlans.length === 0) {
    return (
      <p>
        No service plan imported (<code>attain ingest actions FILE</code>).
      </p>
    );
  }
  return (
    <>
      {props.r.servicePlans.map((p) => (
        <>
          <p class="plan-head">
            <strong>{p.title}</strong> ({p.code}) as of {p.asOf}: overall progress <strong>{p.progressDisplay ?? '–'}%</strong> <small>(weighted: sections strategic ×3, service level ×2)</small>
          </p>
          {p.sections.map((s) => (
            <Table
              caption={`${s.name}: ${s.progressDisplay ?? '–'}% (weight ${s.weight})`}
              head={['Action', 'Priority (weight)', 'Progress', 'Status', 'Due', 'Owner', 'Latest update']}
              class="plan"
              rows={s.actions.map((a) => [
                <>
                  {a.code}
                  <br />
                  <small>{a.title}</small>
                </>,
                `P${a.priority} (${a.weight})`,
                <>
                  <Bar progress={a.progress} shown={a.progressDisplay} />
                  {a.milestones.length ? (
                    <>
                      <br />
                      <small>
                        {a.milestones.filter((m) => m.completed).length} of {a.milestones.length} milestones
                      </small>
                    </>
                  ) : (
                    ''
                  )}
                </>,
                <ActionStatus status={a.status} />,
                a.dueDate ?? '–',
                a.owner ?? '–',
                <small>
                  {a.latestUpdate ?? ''}
                  {a.updatedOn ? ` (${a.updatedOn})` : ''}
                </small>,
              ])}
            />
          ))}
        </>
      ))}
    </>
  );
}

const measureHead = ['Measure', 'Period', 'Target', 'Value', 'Status', 'Short term', 'Long term', 'Benchmark'];

/** One measure's row, and under it (full width) its commentary and corrective action, or a reminder when a red one has none. */
function MeasureRows(props: { m: MeasureRow }) {
  const m = props.m;
  const c = m.commentary;
  const cells = [
    m.period,
    m.target === null ? 'data only' : `${m.direction === 'up' ? '≥' : '≤'} ${measureText(m.unit, m.target)}`,
    <>
      {measureText(m.unit, m.value)}
      <QualityMark of={m} />
      {m.note && m.value !== null ? (
        <>
          <br />
          <small>{m.note}</small>
        </>
      ) : (
        ''
      )}
    </>,
    <StatusText status={m.status} />,
    <Travel t={m.shortTerm} unit={m.unit} />,
    <Travel t={m.longTerm} unit={m.unit} />,
    m.benchmark ? (
      <>
        {measureText(m.unit, m.benchmark.value)}
        <br />
        <small>{m.benchmark.label}</small>
      </>
    ) : (
      '–'
    ),
  ];
  return (
    <>
      <tr>
        <th scope="row">
          {m.code}
          <br />
          <small>
            {m.title}
            {m.source === 'supplied' ? ' · supplied' : ''}
          </small>
        </th>
        {cells.map((x) => (
          <td class="n">{x}</td>
        ))}
      </tr>
      {c ? (
        <tr class="commentary">
          <td colspan={measureHead.length}>
            <strong>Commentary:</strong> {c.text}
            {c.correctiveAction ? (
              <>
                {' '}
                <strong>Corrective action:</strong> {c.correctiveAction}
              </>
            ) : (
              ''
            )}{' '}
            <small>
              ({c.author}, {c.at.slice(0, 10)})
            </small>
          </td>
        </tr>
      ) : m.status === 'red' ? (
        <tr class="commentary missing">
          <td colspan={measureHead.length}>
            <small>Red: commentary and corrective action still to be entered.</small>
          </td>
        </tr>
      ) : (
        ''
      )}
    </>
  );
}

/** The measure table grouped by category; commentary and corrective action on a full-width row under their measure. */
export function MeasureTable(props: { r: MonthlyReport }) {
  return (
    <table class="measures">
      <caption>Measures against target, with direction of travel against the previous period (short term) and the same period a year before (long term); steady within 1%</caption>
      <thead>
        <tr>
          {measureHead.map((h, i) => (
            <th scope="col" class={i > 0 ? 'n' : undefined}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      {groupByCategory(props.r.measures).map((g) => (
        <tbody>
          <tr class="category">
            <th colspan={measureHead.length} scope="colgroup">
              {g.category}
            </th>
          </tr>
          {g.measures.map((m) => (
            <MeasureRows m={m} />
          ))}
        </tbody>
      ))}
    </table>
  );
}

/** The form officers use to enter commentary (PUT /api/v1/measures/{code}/commentary/{period}); not printed. */
export function CommentaryForm(props: { r: MonthlyReport }) {
  return (
    <section id="commentary-form" class="no-print">
      <h2>Enter commentary</h2>
      <form id="commentary">
        <label>
          Measure and period{' '}
          <select name="measure">
            {props.r.measures.map((m) => (
              <option value={`${m.code}|${m.period}`}>
                {m.code} {m.period} ({m.status.replace('_', ' ')})
              </option>
            ))}
          </select>
        </label>
        <label>
          Commentary <textarea name="commentary" rows={3} required></textarea>
        </label>
        <label>
          Corrective action (for a red measure) <textarea name="correctiveAction" rows={2}></textarea>
        </label>
        <label>
          API key (role ingest) <input name="key" type="password" autocomplete="off" />
        </label>
        <button type="submit">Save commentary</button> <output name="result" aria-live="polite"></output>
      </form>
    </section>
  );
}

export const committeeCss = `
.plan-head { margin: 1mm 0; }
.bar { display: inline-block; width: 14mm; height: 2.2mm; border: 1px solid #888; vertical-align: middle; } .bar span { display: block; height: 100%; background: #1a5fb4; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.action-status { white-space: nowrap; font-weight: 600; } .action-status.overdue, .action-status.neglected, .action-status.check-progress { color: var(--red); } .action-status.completed { color: var(--green); } .action-status.unassigned { color: var(--amber); }
.travel { white-space: nowrap; font-weight: 600; } .travel.improving { color: var(--green); } .travel.worsening { color: var(--red); } .travel.steady { color: var(--grey); }
table.measures tr.category th { background: #f1f3f4; font-size: 9.5pt; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
table.measures tr.commentary td { text-align: left; font-size: 8.5pt; border-bottom: 1px solid #ccc; } table.measures tr.commentary.missing td { color: var(--red); }
table.plan tbody th { white-space: normal; } table.plan td:last-child { text-align: left; } table.plan { table-layout: fixed; } table.plan th:first-child { width: 24%; } table.plan th:last-child { width: 30%; }
table { overflow-wrap: anywhere; }
#commentary-form form { display: grid; gap: 2mm; max-width: 150mm; } #commentary-form label { display: grid; gap: 1mm; }
@media print { .no-print { display: none; } tr { break-inside: avoid; } }
`;

/** Contacts per channel per month with each channel's share (months before the first contact left out). */
export function ChannelShift(props: { r: MonthlyReport }) {
  const cs = props.r.channelShift;
  if (cs.months.length === 0) return <p>No contacts recorded in the last 12 months.</p>;
  const name = (c: string) => c.replace(/^\w/, (x) => x.toUpperCase());
  return (
    <Table
      caption="Contacts per channel per month, with each channel's share of the month"
      head={['Month', ...cs.channels.map(name), 'Total']}
      rows={cs.months.map((m) => [
        m.month,
        ...cs.channels.map((c) => (
          <>
            {m.counts[c].toLocaleString('en-GB')}
            <br />
            <small>{m.shares[c] === null ? '–' : `${(m.shares[c]! * 100).toFixed(1)}%`}</small>
          </>
        )),
        m.total.toLocaleString('en-GB'),
      ])}
    />
  );
}
