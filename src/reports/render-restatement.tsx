/**
 * The report's "Published figures" section: when this copy was issued (frozen copies only) and
 * the restatement table of earlier published months. Self-contained so the page renderers can
 * change around it; empty when there is nothing to say.
 */
import type { CsvValue } from '../feeds/csv-line.ts';
import type { RestatementRow } from './restatement.ts';

type WithRestatement = {
  restatement: { compared: { month: string; version: number; issuedAt: string }[]; rows: RestatementRow[] };
  issued?: { at: string; version: number };
};

/** Counts as they are, ratios to four decimals: the table compares, it does not round away a change. */
const shown = (v: number | null) => (v === null ? '–' : Number.isInteger(v) ? String(v) : String(Number(v.toFixed(4))));
const why = (r: RestatementRow) => r.reasons.map((x) => `${x.reason}: ${x.detail}`).join('; ');

/** The section, or nothing when this copy is live and no earlier month was published. */
export function Restatement(props: { r: WithRestatement }) {
  const { compared, rows } = props.r.restatement;
  const issued = props.r.issued;
  if (!issued && compared.length === 0) return '';
  const months = compared.map((m) => `${m.month} (issued ${m.issuedAt})`).join(', ');
  return (
    <section id="restatement">
      <h2>Published figures and restatements</h2>
      {issued ? (
        <p class="meta">
          Published figures: this copy was issued {issued.at} (version {issued.version}) and does not change.
        </p>
      ) : (
        ''
      )}
      {compared.length === 0 ? (
        ''
      ) : rows.length === 0 ? (
        <p>No figure of {months} has changed since it was published.</p>
      ) : (
        <table class="restatement">
          <caption>Figures restated since publishing: {months}</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">Figure</th>
              <th scope="col" class="n">Published</th>
              <th scope="col" class="n">Now</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((x) => (
              <tr>
                <th scope="row">{x.month}</th>
                <td>
                  {x.label} <code>{x.figure}</code>
                </td>
                <td class="n">{shown(x.from)}</td>
                <td class="n">{shown(x.to)}</td>
                <td>{why(x)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** CSV rows (section `restatement`): period = the published month, subject = the figure, value = now, note = published value and why. */
export function restatementCsvRows(r: WithRestatement): CsvValue[][] {
  return r.restatement.rows.map((x) => ['restatement', x.month, x.figure, x.label, x.to, 'as_figure', null, null, `published ${x.from === null ? 'none' : x.from}; ${why(x)}`]);
}
