/**
 * The committee-report parts of the printable report (issue 14): service-plan progress, the
 * measure table grouped by category with both directions of travel, benchmark and commentary,
 * and the commentary form (screen only). Status is always icon and text, never colour alone.
 */
import type { MeasureRow } from './measure-table.ts';
import { groupByCategory } from './measure-table.ts';
import { qualityFlagMark } from './quality-section.ts';
import type { MonthlyReport } from './monthly.ts';
import { esc, measureText, status, table } from './render-html.ts';

const actionIcons: Record<string, string> = {
  Completed: '✔', Cancelled: '✖', Overdue: '⚠', Neglected: '⌛', Unassigned: '?', 'Check Progress': '⚑', 'Not Started': '○', 'In Progress': '◐', Assigned: '◔',
};
const actionStatus = (s: string) => `<span class="action-status ${esc(s.toLowerCase().replace(/\s+/g, '-'))}"><span aria-hidden="true">${actionIcons[s] ?? ''}</span> ${esc(s)}</span>`;
const bar = (p: number | null, shown: number | null) =>
  p === null ? '–' : `<span class="bar" aria-hidden="true"><span style="width:${Math.max(0, Math.min(100, p)).toFixed(1)}%"></span></span> ${shown}%`;
const travelIcons = { improving: '▲', steady: '▶', worsening: '▼' } as const;
const travel = (t: MeasureRow['shortTerm'], unit: string) =>
  t.travel === null ? `<small>no ${esc(t.period)} value</small>` : `<span class="travel ${t.travel}"><span aria-hidden="true">${travelIcons[t.travel]}</span> ${t.travel}</span><br><small>${esc(t.period)}: ${measureText(unit, t.earlier)}</small>`;

/** Every plan: its progress, then one table per section. */
export function servicePlansHtml(r: MonthlyReport): string {
  if (r.servicePlans.length === 0) return '<p>No service plan imported (<code>attain ingest actions FILE</code>).</p>';
  return r.servicePlans
    .map((p) => {
      const head = `<p class="plan-head"><strong>${esc(p.title)}</strong> (${esc(p.code)}) as of ${esc(p.asOf)}: overall progress <strong>${p.progressDisplay ?? '–'}%</strong> <small>(weighted: sections strategic ×3, service level ×2)</small></p>`;
      const sections = p.sections
        .map((s) =>
          table(
            `${s.name}: ${s.progressDisplay ?? '–'}% (weight ${s.weight})`,
            ['Action', 'Priority (weight)', 'Progress', 'Status', 'Due', 'Owner', 'Latest update'],
            s.actions.map((a) => [
              `${esc(a.code)}<br><small>${esc(a.title)}</small>`,
              `P${a.priority} (${a.weight})`,
              bar(a.progress, a.progressDisplay) + (a.milestones.length ? `<br><small>${a.milestones.filter((m) => m.completed).length} of ${a.milestones.length} milestones</small>` : ''),
              actionStatus(a.status),
              esc(a.dueDate ?? '–'),
              esc(a.owner ?? '–'),
              `<small>${esc(a.latestUpdate ?? '')}${a.updatedOn ? ` (${esc(a.updatedOn)})` : ''}</small>`,
            ]),
            'plan',
          ),
        )
        .join('');
      return head + sections;
    })
    .join('');
}

/** The measure table grouped by category; commentary and corrective action on a full-width row under their measure. */
export function measureTableHtml(r: MonthlyReport): string {
  const head = ['Measure', 'Period', 'Target', 'Value', 'Status', 'Short term', 'Long term', 'Benchmark'];
  const groups = groupByCategory(r.measures);
  const body = groups
    .map((g) => {
      const rows = g.measures
        .map((m) => {
          const cells = [
            `<th scope="row">${esc(m.code)}<br><small>${esc(m.title)}${m.source === 'supplied' ? ' · supplied' : ''}</small></th>`,
            esc(m.period),
            m.target === null ? 'data only' : `${m.direction === 'up' ? '≥' : '≤'} ${measureText(m.unit, m.target)}`,
            measureText(m.unit, m.value) + qualityFlagMark(m) + (m.note && m.value !== null ? `<br><small>${esc(m.note)}</small>` : ''),
            status(m.status),
            travel(m.shortTerm, m.unit),
            travel(m.longTerm, m.unit),
            m.benchmark ? `${measureText(m.unit, m.benchmark.value)}<br><small>${esc(m.benchmark.label)}</small>` : '–',
          ];
          const main = `<tr>${cells.map((c, i) => (i === 0 ? c : `<td class="n">${c}</td>`)).join('')}</tr>`;
          const c = m.commentary;
          const comment = c
            ? `<tr class="commentary"><td colspan="${head.length}"><strong>Commentary:</strong> ${esc(c.text)}${c.correctiveAction ? ` <strong>Corrective action:</strong> ${esc(c.correctiveAction)}` : ''} <small>(${esc(c.author)}, ${esc(c.at.slice(0, 10))})</small></td></tr>`
            : m.status === 'red'
              ? `<tr class="commentary missing"><td colspan="${head.length}"><small>Red: commentary and corrective action still to be entered.</small></td></tr>`
              : '';
          return main + comment;
        })
        .join('');
      return `<tbody><tr class="category"><th colspan="${head.length}" scope="colgroup">${esc(g.category)}</th></tr>${rows}</tbody>`;
    })
    .join('');
  return `<table class="measures"><caption>Measures against target, with direction of travel against the previous period (short term) and the same period a year before (long term); steady within 1%</caption><thead><tr>${head
    .map((h, i) => `<th scope="col"${i > 0 ? ' class="n"' : ''}>${esc(h)}</th>`)
    .join('')}</tr></thead>${body}</table>`;
}

/** The form officers use to enter commentary (PUT /api/v1/measures/{code}/commentary/{period}); not printed. */
export function commentaryFormHtml(r: MonthlyReport): string {
  const options = r.measures.map((m) => `<option value="${esc(m.code)}|${esc(m.period)}">${esc(m.code)} ${esc(m.period)} (${esc(m.status.replace('_', ' '))})</option>`).join('');
  return `<section id="commentary-form" class="no-print"><h2>Enter commentary</h2>
<form id="commentary">
<label>Measure and period <select name="measure">${options}</select></label>
<label>Commentary <textarea name="commentary" rows="3" required></textarea></label>
<label>Corrective action (for a red measure) <textarea name="correctiveAction" rows="2"></textarea></label>
<label>API key (role ingest) <input name="key" type="password" autocomplete="off"></label>
<button type="submit">Save commentary</button> <output name="result" aria-live="polite"></output>
</form>
<script>
document.getElementById('commentary').addEventListener('submit', function (e) {
  e.preventDefault();
  var f = e.target, parts = f.measure.value.split('|'), headers = { 'content-type': 'application/json' };
  if (f.key.value) headers.authorization = 'Bearer ' + f.key.value;
  fetch('/api/v1/measures/' + encodeURIComponent(parts[0]) + '/commentary/' + encodeURIComponent(parts[1]), {
    method: 'PUT', headers: headers, body: JSON.stringify({ commentary: f.commentary.value, correctiveAction: f.correctiveAction.value || null })
  }).then(function (res) { return res.json().then(function (b) { return { ok: res.ok, b: b }; }); })
    .then(function (x) { f.result.value = x.ok ? 'Saved; reloading…' : 'Not saved: ' + x.b.error.message; if (x.ok) location.reload(); })
    .catch(function (err) { f.result.value = 'Not saved: ' + err.message; });
});
</script>
</section>`;
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
export function channelShiftHtml(r: MonthlyReport): string {
  const cs = r.channelShift;
  if (cs.months.length === 0) return '<p>No contacts recorded in the last 12 months.</p>';
  const name = (c: string) => c.replace(/^\w/, (x) => x.toUpperCase());
  return table(
    'Contacts per channel per month, with each channel\'s share of the month',
    ['Month', ...cs.channels.map(name), 'Total'],
    cs.months.map((m) => [
      esc(m.month),
      ...cs.channels.map((c) => `${m.counts[c].toLocaleString('en-GB')}<br><small>${m.shares[c] === null ? '–' : `${(m.shares[c]! * 100).toFixed(1)}%`}</small>`),
      m.total.toLocaleString('en-GB'),
    ]),
  );
}
