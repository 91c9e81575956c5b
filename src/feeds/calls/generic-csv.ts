import { secondsProblem } from '../limits.ts';
import { blank, rowFields } from '../row-fields.ts';
import { callChannels, callVisitSchema, visitOutcomes, type CallChannel, type CallVisit, type VisitOutcome } from '../../calls/visit.ts';

/**
 * The generic calls CSV (ARCHITECTURE.md, "Generic feed files"): one row per visit, columns
 * `call_id, queue, channel, arrived_at, answered_at, ended_at, outcome, wait_seconds,
 * talk_seconds, hold_seconds, wrap_seconds, agent` in any order, plus an optional `transferred`.
 * Required: `call_id`, `queue`, `arrived_at`, `outcome`. Unknown columns are kept in `extra`.
 */
export const genericCallColumns = [
  'call_id', 'queue', 'channel', 'arrived_at', 'answered_at', 'ended_at', 'outcome', 'wait_seconds', 'talk_seconds',
  'hold_seconds', 'wrap_seconds', 'agent', 'transferred',
] as const;
const known = new Set<string>(genericCallColumns);

export type FieldProblem = { field: string; reason: string };
export type NormalisedCall = CallVisit & { extra: Record<string, string> | null };
/** `skewed`: answered before it arrived, within the tolerance (the run counts these in one warning). */
export type CallRowResult = { ok: true; visit: NormalisedCall; warnings: string[]; skewed?: boolean } | { ok: false; problems: FieldProblem[] };

const outcomeAliases: Record<string, VisitOutcome> = {
  answered: 'answered', handled: 'answered', abandoned: 'abandoned', abandon: 'abandoned', timeout: 'timeout', exit_key: 'exit_key',
  exitwithkey: 'exit_key', exitkey: 'exit_key', no_agents: 'no_agents', exitempty: 'no_agents', waiting: 'waiting', queued: 'waiting',
};

/** `answered|abandoned|timeout|exit_key|no_agents|waiting` (any case; spaces or hyphens for `_`) and a few vendor words. */
export function parseOutcome(text: string): VisitOutcome | null {
  return outcomeAliases[text.trim().toLowerCase().replace(/[\s-]+/g, '_')] ?? null;
}

function parseFlag(text: string | null): boolean | null {
  if (text === null) return false;
  const v = text.toLowerCase();
  if (['true', 'yes', 'y', '1'].includes(v)) return true;
  if (['false', 'no', 'n', '0'].includes(v)) return false;
  return null;
}

type CallTimes = { answeredAt: number | null; endedAt: number | null; waitSeconds: number | null };

/**
 * Fills in what the outcome implies (an answer from the wait, an end from the talk or the wait),
 * and checks the order of the instants; true when an answer a little before arrival was read as
 * clock skew. `t` is updated in place; problems are added to `problems`.
 */
function reconcileTimes(t: CallTimes, c: { arrivedAt: number; outcome: VisitOutcome; talkSeconds: number | null; skewMs: number; waitGiven: boolean }, problems: FieldProblem[]): boolean {
  const { arrivedAt, outcome, talkSeconds, skewMs } = c;
  let skewed = false;
  if (outcome === 'waiting') {
    t.answeredAt = null;
    t.endedAt = null;
    t.waitSeconds = null;
  } else if (outcome === 'answered') {
    if (t.answeredAt === null && t.waitSeconds !== null) t.answeredAt = arrivedAt + Math.round(t.waitSeconds * 1000);
    if (t.answeredAt === null) problems.push({ field: 'answered_at', reason: 'an answered call needs answered_at or wait_seconds' });
    else if (t.waitSeconds === null) t.waitSeconds = (t.answeredAt - arrivedAt) / 1000;
    if (t.endedAt === null && t.answeredAt !== null && talkSeconds !== null) t.endedAt = t.answeredAt + Math.round(talkSeconds * 1000);
  } else {
    if (t.answeredAt !== null) problems.push({ field: 'answered_at', reason: `a call with outcome ${outcome} has no answered_at` });
    if (t.waitSeconds === null && t.endedAt !== null) t.waitSeconds = (t.endedAt - arrivedAt) / 1000;
    if (t.endedAt === null && t.waitSeconds !== null) t.endedAt = arrivedAt + Math.round(t.waitSeconds * 1000);
    if (t.waitSeconds === null) problems.push({ field: 'wait_seconds', reason: `a call with outcome ${outcome} needs wait_seconds or ended_at` });
  }
  if (t.answeredAt !== null && t.answeredAt < arrivedAt) {
    if (outcome === 'answered' && arrivedAt - t.answeredAt <= skewMs) {
      skewed = true;
      if (!c.waitGiven) t.waitSeconds = 0;
      t.answeredAt = arrivedAt + Math.round((t.waitSeconds ?? 0) * 1000);
      if (t.endedAt !== null && t.endedAt < t.answeredAt) t.endedAt = t.answeredAt;
    } else {
      problems.push({ field: 'answered_at', reason: `answered_at is ${(arrivedAt - t.answeredAt) / 1000} s before arrived_at (more than the ${skewMs / 1000} s allowed for clock skew)` });
    }
  }
  if (t.endedAt !== null && t.endedAt < arrivedAt) problems.push({ field: 'ended_at', reason: 'ended_at is before arrived_at' });
  return skewed;
}

/**
 * One generic calls CSV row to a visit, or every problem found with its field. An `answered_at`
 * up to `clockSkewSeconds` (default 5) before `arrived_at` is two systems' clocks, not a bad
 * row: the call is read as answered on arrival plus `wait_seconds` (or 0) and marked `skewed`.
 */
export function normaliseGenericCall(values: Record<string, string>, opts: { source: string; zone: string; clockSkewSeconds?: number }): CallRowResult {
  const { problems, warnings, instant, name } = rowFields(values, opts.zone);
  const callId = name('call_id', true);
  const queue = name('queue', true);
  const agent = name('agent', false);
  const skewMs = (opts.clockSkewSeconds ?? 5) * 1000;
  const channelText = blank(values.channel)?.toLowerCase() ?? 'voice';
  if (!(callChannels as readonly string[]).includes(channelText)) problems.push({ field: 'channel', reason: `unknown channel "${channelText}" (expected ${callChannels.join(', ')})` });
  const outcomeText = blank(values.outcome);
  const outcome = outcomeText ? parseOutcome(outcomeText) : null;
  if (!outcomeText) problems.push({ field: 'outcome', reason: 'missing outcome' });
  else if (!outcome) problems.push({ field: 'outcome', reason: `unknown outcome "${outcomeText}" (expected ${visitOutcomes.join(', ')})` });

  const seconds = (field: string): number | null => {
    const text = blank(values[field]);
    if (text === null) return null;
    const n = Number(text);
    const p = secondsProblem(n);
    if (p) {
      problems.push({ field, reason: `${field} "${text.length > 40 ? `${text.slice(0, 40)}…` : text}": ${p}` });
      return null;
    }
    return n;
  };
  const arrivedAt = instant('arrived_at', true);
  let answeredAt = instant('answered_at', false);
  let endedAt = instant('ended_at', false);
  let waitSeconds = seconds('wait_seconds');
  const talkSeconds = seconds('talk_seconds');
  const holdSeconds = seconds('hold_seconds');
  const wrapSeconds = seconds('wrap_seconds');
  const transferred = parseFlag(blank(values.transferred));
  if (transferred === null) problems.push({ field: 'transferred', reason: `unreadable transferred "${values.transferred}" (expected true/false, yes/no, 1/0 or empty)` });

  const times = { answeredAt, endedAt, waitSeconds };
  const skewed = arrivedAt !== null && outcome !== null && reconcileTimes(times, { arrivedAt, outcome, talkSeconds, skewMs, waitGiven: blank(values.wait_seconds) !== null }, problems);
  ({ answeredAt, endedAt, waitSeconds } = times);
  if (problems.length > 0 || !callId || !queue || !outcome || arrivedAt === null) return { ok: false, problems };

  let extra: Record<string, string> | null = null;
  for (const [k, v] of Object.entries(values)) if (!known.has(k) && v !== '') (extra ??= {})[k] = v;
  const visit: CallVisit = {
    source: opts.source,
    callId,
    queue,
    channel: channelText as CallChannel,
    arrivedAt,
    answeredAt,
    endedAt,
    outcome,
    waitSeconds,
    talkSeconds: outcome === 'answered' ? talkSeconds : null,
    holdSeconds: outcome === 'answered' ? holdSeconds : null,
    wrapSeconds: outcome === 'answered' ? wrapSeconds : null,
    agent,
    transferred: transferred ?? false,
  };
  const checked = callVisitSchema.safeParse(visit);
  if (!checked.success) return { ok: false, problems: checked.error.issues.map((i) => ({ field: String(i.path[0] ?? 'row'), reason: i.message })) };
  return { ok: true, visit: { ...visit, extra }, warnings, ...(skewed ? { skewed } : {}) };
}
