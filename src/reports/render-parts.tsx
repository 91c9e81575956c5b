/**
 * The printable report's building blocks (hono/jsx: every text is escaped by the renderer):
 * number formats, a measure's value in its unit, a table with row headers, a chart figure.
 */
import type { Child } from 'hono/jsx';
import { pct, Status } from '../http/pages/layout.tsx';

export { monthName, pct } from '../http/pages/layout.tsx';

/** A status in words and colour, as on the pages (never colour alone); a dash where there is none. */
export function StatusText(props: { status: string | null | undefined }) {
  return props.status ? <Status status={props.status} /> : <>–</>;
}

export const num = (x: number | null | undefined, dp = 0) => (x === null || x === undefined ? '–' : x.toLocaleString('en-GB', { maximumFractionDigits: dp, minimumFractionDigits: dp }));
export const mmss = (s: number | null | undefined) => (s === null || s === undefined ? '–' : `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`);
export const shortMonth = (m: string) => new Date(`${m}-01T12:00:00Z`).toLocaleDateString('en-GB', { month: 'short', year: '2-digit', timeZone: 'UTC' });

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

/** A table whose first column heads its rows and whose other columns are figures (right-aligned). */
export function Table(props: { caption: string; head: string[]; rows: Child[][]; class?: string }) {
  return (
    <table class={props.class ?? ''}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          {props.head.map((h, i) => (
            <th scope="col" class={i > 0 ? 'n' : undefined}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>{r.map((c, i) => (i === 0 ? <th scope="row">{c}</th> : <td class="n">{c}</td>))}</tr>
        ))}
      </tbody>
    </table>
  );
}

/** A canvas the report's script draws on; the same figures are in the table beside it. */
export function ChartFigure(props: { id: string; label: string }) {
  return (
    <figure class="chart">
      <canvas id={props.id} role="img" aria-label={props.label}></canvas>
      <figcaption>{props.label} (figures in the table)</figcaption>
    </figure>
  );
}

/** A report cell linked to the list behind it (the drill-down pages, src/http/routes/drill-pages.tsx). */
export function DrillLink(props: { path: '/pages/tickets' | '/pages/cases' | '/pages/calls'; q: Record<string, string | undefined>; text: string }) {
  const params = new URLSearchParams(Object.entries(props.q).filter((e): e is [string, string] => e[1] !== undefined));
  return <a href={`${props.path}?${params.toString()}`}>{props.text}</a>;
}
