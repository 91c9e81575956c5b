import { int } from './layout.tsx';

/** The query a drill-down page was asked with, as text pairs (what its paging links keep). */
export type PageQuery = Record<string, string>;

/** The same page with some parameters changed (undefined drops one). */
export function hrefWith(path: string, q: PageQuery, change: Record<string, string | undefined>): string {
  const next = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...q, ...change })) if (v !== undefined && v !== '') next.set(k, v);
  const s = next.toString();
  return s ? `${path}?${s}` : path;
}

/** "Rows 51–100 of 230" and previous / next links that keep the filter. */
export function Pager(props: { path: string; q: PageQuery; page: number; pageSize: number; total: number; noun: string }) {
  const { page, pageSize, total } = props;
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav class="pager" aria-label={`Pages of ${props.noun}`} data-page={page} data-pages={pages} data-total={total}>
      <p>
        {total === 0 ? `No ${props.noun}.` : `${props.noun[0]!.toUpperCase()}${props.noun.slice(1)} ${int(first)}–${int(last)} of ${int(total)} (page ${page} of ${pages}).`}{' '}
        {page > 1 ? (
          <a rel="prev" href={hrefWith(props.path, props.q, { page: String(Math.min(page - 1, pages)) })}>
            ← Previous {pageSize}
          </a>
        ) : (
          ''
        )}{' '}
        {page < pages ? (
          <a rel="next" href={hrefWith(props.path, props.q, { page: String(page + 1) })}>
            Next {pageSize} →
          </a>
        ) : (
          ''
        )}
      </p>
    </nav>
  );
}

/** The filter that produced a list, in words, with the same list as JSON for machines. */
export function FilterWords(props: { words: string; json: string }) {
  return (
    <p class="meta" id="filter">
      <strong>Showing:</strong> <span id="filter-words">{props.words}</span>. <a href={props.json}>The same list as JSON</a>.
    </p>
  );
}

/** "a, b and c" */
export function listWords(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** Business minutes as "2 h 05 min" (or "45 min"). */
export function minutesText(m: number | null | undefined): string {
  if (m === null || m === undefined) return '–';
  const t = Math.round(m);
  const h = Math.floor(t / 60);
  return h > 0 ? `${h} h ${String(t % 60).padStart(2, '0')} min` : `${t} min`;
}

export const ticketPageHref = (t: { id: string; source?: string | null }) =>
  `/pages/tickets/${encodeURIComponent(t.id)}${t.source ? `?source=${encodeURIComponent(t.source)}` : ''}`;
export const casePageHref = (c: { id: string; source?: string | null }) =>
  `/pages/cases/${encodeURIComponent(c.id)}${c.source ? `?source=${encodeURIComponent(c.source)}` : ''}`;

/** A list table's column heads (plain text columns). */
export function Heads(props: { cols: string[] }) {
  return (
    <thead>
      <tr>
        {props.cols.map((c) => (
          <th scope="col">{c}</th>
        ))}
      </tr>
    </thead>
  );
}

/** The one row of an empty list, across its `cols` columns. */
export function NoneRow(props: { cols: number }) {
  return (
    <tr>
      <td colspan={props.cols}>None.</td>
    </tr>
  );
}

/** A case list's first cell: the case id, linking to its clock step by step. */
export function CaseCell(props: { c: { id: string; source?: string | null } }) {
  return (
    <th scope="row">
      <a href={casePageHref(props.c)} aria-label={`Case ${props.c.id}: its clock, step by step (timeline)`}>
        {props.c.id}
      </a>
    </th>
  );
}
