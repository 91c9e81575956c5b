import { civilFromDays, daysFromCivil, localToUtc, parseDayKey } from '../../calendar/zone.ts';
import type { FieldProblem, NormalisedCall } from './generic-csv.ts';

/**
 * The "Anonymous Bank" call-centre export (Technion SEE Center; Brown et al., JASA 2005): one
 * row per call, `vru+line, call_id, customer_id, priority, type, date, vru_entry, vru_exit,
 * vru_time, q_start, q_exit, q_time, outcome, ser_start, ser_exit, ser_time, server`, times local
 * `H:MM:SS`, durations in seconds.
 *
 * Mapping to visits (METRICS.md §3):
 * - the queue is `type` (PS regular, PE premium, NW new customers, NE stock exchange, IN
 *   internet, TT technical); the call id is `vru+line`-`call_id` (call_id alone repeats);
 * - a call that queued (`q_time` > 0 or `q_start` ≠ 0:00:00) is a visit arriving at `q_start`
 *   with wait `q_time`; `AGENT` → answered (talk `ser_time`, ended `ser_exit`), `HANG` →
 *   abandoned (ended `q_exit`; one with `q_time` 0 is a short abandon);
 * - a call served by an agent straight from the voice-response unit (`AGENT` with no queue
 *   times: an agent was free) is a visit too, arriving at `vru_exit`, answered with wait 0 —
 *   leaving these out would drop the best-served calls from the answer rate and the ASA;
 * - a call that hung up in the VRU (`HANG` without queueing) never reached an agent queue: not a
 *   visit; `PHANTOM` calls (not real customer calls, per the data's documentation) are not
 *   visits. Both are counted in the run's warnings, never dropped silently.
 * - times are local to the bank's call centre in Israel: read them in `Asia/Jerusalem` (the
 *   `--zone` default for this format); a time earlier than `vru_entry` is on the next day.
 */
export const anonymousBankZone = 'Asia/Jerusalem';

export type BankRowResult =
  | { kind: 'visit'; visit: NormalisedCall }
  | { kind: 'skip'; reason: 'phantom' | 'vru_only' }
  | { kind: 'problem'; problems: FieldProblem[] };

const TIME_RE = /^(\d{1,2}):(\d{2}):(\d{2})$/;
const secondsOfDay = (t: string): number | null => {
  const m = TIME_RE.exec(t.trim());
  if (!m) return null;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return h < 24 && mi < 60 && s < 60 ? h * 3600 + mi * 60 + s : null;
};

export function normaliseAnonymousBankCall(values: Record<string, string>, opts: { source: string; zone?: string }): BankRowResult {
  const zone = opts.zone ?? anonymousBankZone;
  const problems: FieldProblem[] = [];
  const text = (f: string) => (values[f] ?? '').trim();
  const outcome = text('outcome').toUpperCase();
  if (outcome === 'PHANTOM') return { kind: 'skip', reason: 'phantom' };
  if (outcome !== 'AGENT' && outcome !== 'HANG') problems.push({ field: 'outcome', reason: `unknown outcome "${text('outcome')}" (expected AGENT, HANG or PHANTOM)` });
  const date = parseDayKey(text('date'));
  if (!date) problems.push({ field: 'date', reason: `unreadable date "${text('date')}" (expected YYYY-MM-DD)` });
  const line = text('vru+line');
  const id = text('call_id');
  if (!line || !id) problems.push({ field: !line ? 'vru+line' : 'call_id', reason: 'missing call identity (vru+line and call_id)' });
  const queue = text('type');
  if (!queue) problems.push({ field: 'type', reason: 'missing type (the queue)' });
  const tod = (f: string) => {
    const s = secondsOfDay(text(f));
    if (s === null) problems.push({ field: f, reason: `unreadable time "${text(f)}" (expected H:MM:SS)` });
    return s ?? 0;
  };
  const count = (f: string) => {
    const n = Number(text(f));
    if (text(f) === '' || !Number.isFinite(n) || n < 0) problems.push({ field: f, reason: `"${text(f)}" is not a number of seconds` });
    return Number.isFinite(n) ? n : 0;
  };
  const vruEntry = tod('vru_entry');
  const vruExit = tod('vru_exit');
  const qStart = tod('q_start');
  const qExit = tod('q_exit');
  const qTime = count('q_time');
  tod('ser_start');
  const serExit = tod('ser_exit');
  const serTime = count('ser_time');
  if (problems.length > 0 || !date) return { kind: 'problem', problems };

  const queued = qTime > 0 || text('q_start') !== '0:00:00';
  if (!queued && outcome === 'HANG') return { kind: 'skip', reason: 'vru_only' };

  // Local instants; a time of day before the call's VRU entry belongs to the next day.
  const dayNo = daysFromCivil(date[0], date[1], date[2]);
  const at = (sec: number) => {
    const [y, m, d] = civilFromDays(dayNo + (sec < vruEntry ? 1 : 0));
    return localToUtc(zone, y, m, d, Math.floor(sec / 60)) + (sec % 60) * 1000;
  };
  const server = text('server');
  const extra: Record<string, string> = {};
  for (const f of ['customer_id', 'priority', 'vru_time', 'vru+line']) if (text(f) !== '') extra[f] = text(f);
  const base = {
    source: opts.source,
    callId: `${line}-${id}`,
    queue,
    channel: 'voice' as const,
    holdSeconds: null,
    wrapSeconds: null,
    transferred: false,
    extra,
  };
  if (outcome === 'AGENT') {
    const arrivedAt = queued ? at(qStart) : at(vruExit);
    const wait = queued ? qTime : 0;
    const answeredAt = arrivedAt + wait * 1000;
    const endedAt = Math.max(answeredAt, at(serExit));
    return {
      kind: 'visit',
      visit: { ...base, arrivedAt, answeredAt, endedAt, outcome: 'answered', waitSeconds: wait, talkSeconds: serTime, agent: server && server !== 'NO_SERVER' ? server : null },
    };
  }
  const arrivedAt = at(qStart);
  return {
    kind: 'visit',
    visit: { ...base, arrivedAt, answeredAt: null, endedAt: Math.max(arrivedAt, at(qExit)), outcome: 'abandoned', waitSeconds: qTime, talkSeconds: null, agent: null },
  };
}
