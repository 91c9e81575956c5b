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
  let skewed = false;
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

  if (arrivedAt !== null && outcome) {
    if (outcome === 'waiting') {
      answeredAt = null;
      endedAt = null;
      waitSeconds = null;
    } else if (outcome === 'answered') {
      if (answeredAt === null && waitSeconds !== null) answeredAt = arrivedAt + Math.round(waitSeconds * 1000);
      if (answeredAt === null) problems.push({ field: 'answered_at', reason: 'an answered call needs answered_at or wait_seconds' });
      else if (waitSeconds === null) waitSeconds = (answeredAt - arrivedAt) / 1000;
      if (endedAt === null && answeredAt !== null && talkSeconds !== null) endedAt = answeredAt + Math.round(talkSeconds * 1000);
    } else {
      if (answeredAt !== null) problems.push({ field: 'answered_at', reason: `a call with outcome ${outcome} has no answered_at` });
      if (waitSeconds === null && endedAt !== null) waitSeconds = (endedAt - arrivedAt) / 1000;
      if (endedAt === null && waitSeconds !== null) endedAt = arrivedAt + Math.round(waitSeconds * 1000);
      if (waitSeconds === null) problems.push({ field: 'wait_seconds', reason: `a call with outcome ${outcome} needs wait_seconds or ended_at` });
    }
    if (answeredAt !== null && answeredAt < arrivedAt) {
      if (outcome === 'answered' && arrivedAt - answeredAt <= skewMs) {
        skewed = true;
        if (blank(values.wait_seconds) === null) waitSeconds = 0;
        answeredAt = arrivedAt + Math.round((waitSeconds ?? 0) * 1000);
        if (endedAt !== null && endedAt < answeredAt) endedAt = answeredAt;
      } else {
        problems.push({ field: 'answered_at', reason: `answered_at is ${(arrivedAt - answeredAt) / 1000} s before arrived_at (more than the ${skewMs / 1000} s allowed for clock skew)` });
      }
    }
    if (endedAt !== null && endedAt < arrivedAt) problems.push({ field: 'ended_at', reason: 'ended_at is before arrived_at' });
  }
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
