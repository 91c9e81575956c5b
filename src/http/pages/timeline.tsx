import { body, type inProcessApi } from './api.ts';
import { minutesText } from './drill-common.tsx';
import { Layout, localTime } from './layout.tsx';

type Api = ReturnType<typeof inProcessApi>;

/** GET /api/v1/sla/tickets/:id/timeline, in process (a bad id or source is its 4xx); the id is encoded here, as the client puts it in the path as given. */
export async function ticketTimelineData(api: Api, id: string, source: string | undefined) {
  const query = source === undefined ? {} : { source };
  return body(await api.sla.api.v1.sla.tickets[':id'].timeline.$get({ param: { id: encodeURIComponent(id) }, query } as never));
}
type TicketTimeline = Awaited<ReturnType<typeof ticketTimelineData>>;

const segmentWords: Record<string, string> = {
  counted: 'Counted (open hours, clock running)',
  out_of_hours: 'Out of hours (clock stopped)',
  paused: 'Paused (waiting on the customer or a third party)',
  resolved: 'Resolved (clock stopped)',
  not_counted: 'Not counted (a status the policy ignores)',
};
const swatch: Record<string, string> = { counted: '#0b4f9c', out_of_hours: '#c9ccd1', paused: '#8a4b00', resolved: '#146c2e', not_counted: '#eceef1' };

/** The segments as one bar, each as wide as its share of the wall-clock time (the table has the figures). */
function SegmentBar(props: { segments: TicketTimeline['segments'] }) {
  const segs = props.segments.filter((s) => s.start !== null && s.end !== null);
  if (segs.length === 0) return <></>;
  const t0 = Date.parse(segs[0]!.start!);
  const span = Math.max(1, Date.parse(segs[segs.length - 1]!.end!) - t0);
  return (
    <figure class="timeline">
      <svg viewBox="0 0 1000 40" role="img" aria-label="The ticket's clock over time: counted, out of hours, paused and resolved segments (the figures are in the table below)">
        {segs.map((s) => {
          const x = ((Date.parse(s.start!) - t0) / span) * 1000;
          const w = Math.max(0.5, ((Date.parse(s.end!) - Date.parse(s.start!)) / span) * 1000);
          return <rect x={x.toFixed(1)} y="4" width={w.toFixed(1)} height="32" fill={swatch[s.kind] ?? '#eceef1'} stroke="#1b1b1b" stroke-width="0.5" />;
        })}
      </svg>
      <figcaption class="legend">
        {Object.keys(segmentWords).map((k) => (
          <span>
            <span class="swatch" style={`background:${swatch[k]}`}></span>
            {segmentWords[k]}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** The ticket's priority changes, when it had any. */
function PriorityHistory(props: { changes: TicketTimeline['priorityHistory']; zone: string }) {
  if (props.changes.length === 0) return <></>;
  return (
    <table id="priority-history">
      <caption>Priority changes</caption>
      <thead>
        <tr>
          <th scope="col">At</th>
          <th scope="col">Priority</th>
        </tr>
      </thead>
      <tbody>
        {props.changes.map((p) => (
          <tr>
            <th scope="row">{localTime(p.at, props.zone)}</th>
            <td>{p.priority}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** GET /pages/tickets/:id: why did this ticket breach (or not)? Its clock, segment by segment. */
export function TicketTimelinePage(props: { t: TicketTimeline; zone: string; reportMonth: string }) {
  const { t, zone } = props;
  const k = t.ticket;
  const verdict =
    t.outcome === 'breached'
      ? `Breached at ${localTime(t.breachedAt, zone)}: ${minutesText(t.elapsedMinutes)} counted against a target of ${minutesText(t.policy.targetMinutes)}.`
      : t.outcome === 'met'
        ? `Met: ${minutesText(t.elapsedMinutes)} counted against a target of ${minutesText(t.policy.targetMinutes)}.`
        : t.outcome === 'no_target'
          ? 'No target applies to this ticket.'
          : `Still open (${t.outcome.replace('_', ' ')}): ${minutesText(t.elapsedMinutes)} counted of ${minutesText(t.policy.targetMinutes)}, due ${localTime(t.dueAt, zone)}.`;
  return (
    <Layout title={`Ticket ${k.id}`} reportMonth={props.reportMonth}>
      <h1>Ticket {k.id}: its clock, step by step</h1>
      <p class="meta">
        {k.kind.replace('_', ' ')} · priority {k.priority}
        {k.vip ? ' · VIP' : ''} · team {k.team ?? '(none)'} · status {k.status ?? '–'} · opened {localTime(k.openedAt, zone)} · source {k.source} · times in {zone}
      </p>
      <p id="verdict" data-outcome={t.outcome} data-ever-breached={String(t.everBreached)}>
        <strong>{verdict}</strong>
        {t.everBreached && t.outcome !== 'breached' ? ' It breached before a reopening started a new cycle.' : ''}
      </p>
      <p>
        Policy {t.policy.version}, calendar {t.policy.calendar}, reopening rule {t.policy.reopen}; reopened {t.reopenCount} time(s). Business minutes count only
        in the calendar's open hours and while the status is not a paused one.{' '}
        <a href={`/api/v1/sla/tickets/${encodeURIComponent(k.id)}/timeline?source=${encodeURIComponent(k.source)}`}>The same as JSON</a>.
      </p>
      <SegmentBar segments={t.segments} />
      <div class="scroll">
        <table id="segments">
          <caption>The ticket's segments: what the clock did when</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Clock</th>
              <th scope="col">Status</th>
              <th scope="col" class="n">Counted</th>
              <th scope="col" class="n">On the clock at the end</th>
            </tr>
          </thead>
          <tbody>
            {t.segments.map((s) => (
              <tr data-kind={s.kind}>
                <th scope="row">{localTime(s.start, zone)}</th>
                <td>{localTime(s.end, zone)}</td>
                <td>{segmentWords[s.kind] ?? s.kind}</td>
                <td>{s.status || '–'}</td>
                <td class="n">{minutesText(s.countedMinutes)}</td>
                <td class="n">{minutesText(s.elapsedMinutesAtEnd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PriorityHistory changes={t.priorityHistory} zone={zone} />
    </Layout>
  );
}

/** GET /api/v1/cases/:id/timeline, in process. */
export async function caseTimelineData(api: Api, id: string, source: string | undefined) {
  const query = source === undefined ? {} : { source };
  return body(await api.cases.api.v1.cases[':id'].timeline.$get({ param: { id: encodeURIComponent(id) }, query } as never));
}
type CaseTimeline = Awaited<ReturnType<typeof caseTimelineData>>;

/** GET /pages/cases/:id: why was this case late (or not)? Received, clock start, pauses, due date, response. */
export function CaseTimelinePage(props: { t: CaseTimeline; reportMonth: string }) {
  const { t } = props;
  const c = t.case;
  return (
    <Layout title={`Case ${c.id}`} reportMonth={props.reportMonth}>
      <h1>Case {c.id}: its clock, step by step</h1>
      <p class="meta">
        {c.kind} · department {c.department ?? '(none)'} · source {c.source}
        {t.policy ? ` · ${t.policy.title}` : ''}
      </p>
      <p id="verdict" data-outcome={t.outcome}>
        <strong>
          Outcome: {String(t.outcome).replace('_', ' ')}. Due {t.dueDay ?? '–'}
          {t.extended ? ' (extended)' : ''}; responded {c.respondedAt ? c.respondedAt.slice(0, 10) : 'not yet'}
          {t.workingDaysToRespond === null || t.workingDaysToRespond === undefined ? '' : ` after ${t.workingDaysToRespond} working days`}.
        </strong>{' '}
        <a href={`/api/v1/cases/${encodeURIComponent(c.id)}/timeline?source=${encodeURIComponent(c.source)}`}>The same as JSON</a>.
      </p>
      <table id="events">
        <caption>What happened to the case's clock</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">What</th>
          </tr>
        </thead>
        <tbody>
          {t.events.length === 0 ? (
            <tr>
              <td colspan={2}>No policy applies to this case: no clock.</td>
            </tr>
          ) : (
            t.events.map((e) => (
              <tr data-kind={e.kind}>
                <th scope="row">{e.day}</th>
                <td>{e.note}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </Layout>
  );
}
