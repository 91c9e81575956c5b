import { body, type inProcessApi } from './api.ts';
import { CaseCell, FilterWords, Heads, NoneRow, hrefWith, listWords, Pager, type PageQuery } from './drill-common.tsx';
import { Layout } from './layout.tsx';
import { QualityFlag } from './quality-flag.tsx';
import { distinctFlags } from '../../quality/flags.ts';

type Api = ReturnType<typeof inProcessApi>;

const measureWords: Record<string, string> = {
  received: 'received',
  responded: 'responded to',
  met: 'answered within their timescale',
  late: 'answered late or overdue',
  extended: 'extended',
  escalated: 'escalated',
};
const stateWords: Record<string, string> = { open: 'open, not yet due', overdue: 'past their due date, unanswered', stopped: 'waiting for the requester (clock stopped)' };

/** The grain of a period label (`2025-10-01` day, `2025-10` month, `2025-W40` week, `2025-Q4` quarter, `2025` year). */
const grainOf = (label: string) => (/^\d{4}-\d{2}-\d{2}$/.test(label) ? 'day' : /^\d{4}-\d{2}$/.test(label) ? 'month' : /W/.test(label) ? 'week' : /Q/.test(label) ? 'quarter' : 'year');

/**
 * The casework drill-down (GET /api/v1/cases with the same query), with the data-quality flags
 * of the figure it lists (docs/metrics.md 7a): those of the casework attainment over the same
 * period and slice. A list without a period (current state, due dates) is no figure's: no flags.
 */
export async function caseListData(api: Api, q: PageQuery) {
  const list = await body(await api.cases.api.v1.cases.$get({ query: q as never }));
  const slice = list.slice as { kind?: string; department?: string };
  // The figure's own periods (the page's from/to labels, e.g. a month from the report), so each
  // flag counts its period's evidence; across several periods the distinct flags are shown.
  const [from, to] = [q.from ?? list.from, q.to ?? q.from ?? list.to];
  const figure = list.from && from && to ? await api.cases.api.v1.cases.attainment.$get({ query: { from, to, grain: grainOf(String(from)), ...slice } as never }) : null;
  const flags = figure?.ok ? distinctFlags((await body(figure)).rows.map((r) => r.flags)) : [];
  return { list, q, flags };
}
type Data = Awaited<ReturnType<typeof caseListData>>;

export function caseFilterWords(list: Data['list'], q: PageQuery): string {
  const slice = list.slice as { kind?: string; department?: string };
  let what = 'cases';
  if (list.measure) what += ` ${measureWords[list.measure] ?? list.measure}`;
  else if (list.state) what += ` ${stateWords[list.state] ?? list.state}`;
  else if (q.dueFrom || q.dueTo) what = 'cases not yet answered';
  else what = 'all cases';
  const parts: string[] = [];
  if (list.from && list.to) parts.push(list.from === list.to ? `on ${list.from}` : `from ${list.from} to ${list.to}`);
  if (q.dueFrom || q.dueTo) parts.push(`due ${q.dueFrom ? `from ${q.dueFrom}` : ''}${q.dueFrom && q.dueTo ? ' ' : ''}${q.dueTo ? `to ${q.dueTo}` : ''}`);
  if (slice.kind) parts.push(`kind ${slice.kind}`);
  if (slice.department) parts.push(`department ${slice.department}`);
  // The period reads with the noun ("… on 2025-04-01"), the slice after a comma.
  const [period, ...rest] = list.from && list.to ? parts : ['', ...parts];
  return `${what}${period ? ` ${period}` : ''}${rest.length ? `, ${listWords(rest)}` : ''}`;
}

/** GET /pages/cases: the cases behind a casework figure, paged, each linked to its timeline. */
export function CaseListPage(props: { data: Data; reportMonth: string }) {
  const { list, q } = props.data;
  const words = caseFilterWords(list, q);
  return (
    <Layout title="Cases" reportMonth={props.reportMonth}>
      <h1>Cases behind the figure</h1>
      <FilterWords words={words} json={hrefWith('/api/v1/cases', q, {})} />
      <QualityFlag flags={props.data.flags} />
      <Pager path="/pages/cases" q={q} page={list.page} pageSize={list.pageSize} total={list.total} noun="cases" />
      <div class="scroll">
        <table id="cases" data-total={list.total}>
          <caption>{`${words[0]!.toUpperCase()}${words.slice(1)}`}</caption>
          <Heads cols={['Case', 'Kind', 'Department', 'Received', 'Due', 'Responded', 'Outcome']} />
          <tbody>
            {list.cases.length === 0 ? (
              <NoneRow cols={7} />
            ) : (
              list.cases.map((c) => (
                <tr data-case={c.id}>
                  <CaseCell c={c} />
                  <td>{c.kind}</td>
                  <td>{c.department ?? '(none)'}</td>
                  <td>{String(c.receivedAt).slice(0, 10)}</td>
                  <td>
                    {c.dueDay ?? (c.waitingFor ? `waiting for ${c.waitingFor}` : '–')}
                    {c.extended ? ' (extended)' : ''}
                  </td>
                  <td>{c.respondedAt ? String(c.respondedAt).slice(0, 10) : '–'}</td>
                  <td data-outcome={c.outcome}>{String(c.outcome).replace('_', ' ')}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <Pager path="/pages/cases" q={q} page={list.page} pageSize={list.pageSize} total={list.total} noun="cases" />
    </Layout>
  );
}
