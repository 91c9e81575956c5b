/**
 * Asterisk `queue_log` to call visits (METRICS.md §3). Pure and streaming: lines in, visits,
 * agent events and per-line problems out; no IO, no clock (the cut-off is passed in).
 *
 * A line is `time|callid|queue|agent|event|data…` (docs.asterisk.org, "Queue Logs"). `time` is
 * epoch seconds as the file writes it; an ISO date-time (as a realtime `queue_log` table export
 * has) is accepted too, naive ones read in the calendar's zone. Data fields by event, across the
 * releases (app_queue.c): Asterisk 1.4 writes the short forms, 1.8 and later the long ones.
 *
 * | event | data (1.4) | data (1.8 and later) |
 * |---|---|---|
 * | ENTERQUEUE | url, callerid | url, callerid[, position] |
 * | CONNECT | holdtime, bridged uniqueid | holdtime, bridged uniqueid, ringtime |
 * | COMPLETECALLER / COMPLETEAGENT | holdtime, calltime, origposition | same |
 * | ABANDON, EXITEMPTY | position, origposition, waittime | same |
 * | EXITWITHTIMEOUT | position | position, origposition, waittime |
 * | EXITWITHKEY | key, position | key, position, origposition, waittime |
 * | TRANSFER | extension, context, holdtime, calltime | … , origposition |
 * | BLINDTRANSFER (12+) | — | extension, context, holdtime, calltime, origposition |
 * | ATTENDEDTRANSFER (12+) | — | method, method data…, holdtime, calltime, origposition |
 *
 * Asterisk's "holdtime" is the time the caller waited in the queue, not time on hold during
 * the conversation: it is the visit's wait. queue_log has no on-hold or wrap-up time, so those
 * stay unknown (null) and AHT from this feed is talk-only. Where a release leaves the wait out
 * (EXITWITHTIMEOUT and EXITWITHKEY in 1.4) it is the time from ENTERQUEUE to the event.
 */
import { parseTimestamp } from '../../calendar/zone.ts';
import type { CallVisit } from '../../calls/visit.ts';
import { instantProblem, MAX_NAME_CHARS, textProblem } from '../limits.ts';

export type QueueLogLine = {
  /** Instant of the line, UTC ms. */
  time: number;
  callId: string;
  queue: string;
  agent: string;
  event: string;
  /** Data fields, trailing empty ones removed (realtime exports pad to data1..data5). */
  data: string[];
};

export type LineProblem = { field: string | null; reason: string };

/** Events that belong to a call's visit. */
const visitEvents = new Set([
  'ENTERQUEUE', 'CONNECT', 'COMPLETECALLER', 'COMPLETEAGENT', 'ABANDON', 'EXITWITHTIMEOUT', 'EXITWITHKEY', 'EXITEMPTY',
  'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER', 'JOINEMPTY', 'JOINUNAVAIL',
]);

/** Agent, queue and system events: kept (for agent figures) but they open or end no visit. */
export const agentEvents = new Set([
  'ADDMEMBER', 'REMOVEMEMBER', 'PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL', 'PAUSECUSTOM', 'AGENTLOGIN', 'AGENTLOGOFF',
  'AGENTCALLBACKLOGIN', 'AGENTCALLBACKLOGOFF', 'RINGNOANSWER', 'RINGCANCELED', 'AGENTDUMP', 'QUEUESTART', 'CONFIGRELOAD',
  'SYSCOMPAT', 'DID', 'INFO', 'PENALTY', 'MEMBERPENALTY', 'CONNECTFAILED',
]);

/** Asterisk's whole-second waits, written a moment after the time stamp is taken. */
const CLOCK_SLACK_SECONDS = 5;

const EPOCH_RE = /^\d{9,11}(?:\.\d+)?$/;

/** Field names for the problem of a line's field (time first). */
const FIELD_NAMES = ['time', 'callid', 'queue', 'agent', 'event'];

/** `t` without surrounding white space; the same string (no copy) when there is none, the usual case. */
function trimmed(t: string): string {
  const n = t.length;
  return n > 0 && t.charCodeAt(0) > 32 && t.charCodeAt(n - 1) > 32 ? t : t.trim();
}

/** Whole epoch seconds as Asterisk writes them (9 to 11 digits, no fraction): their value, else -1. */
function wholeEpochSeconds(t: string): number {
  const n = t.length;
  if (n < 9 || n > 11) return -1;
  let v = 0;
  for (let i = 0; i < n; i += 1) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** The instant of a line's time field (UTC ms), or what is wrong with it. */
function lineTime(timeText: string, zone: string): number | LineProblem {
  const whole = wholeEpochSeconds(timeText);
  let time: number;
  if (whole >= 0) time = whole * 1000;
  else if (EPOCH_RE.test(timeText)) time = Math.round(Number(timeText) * 1000);
  else {
    const p = parseTimestamp(timeText, zone);
    if (!p) return { field: 'time', reason: `unreadable time "${timeText}" (expected epoch seconds or an ISO date-time)` };
    time = p.ms;
  }
  const range = instantProblem(time);
  return range ? { field: 'time', reason: `time "${timeText}": ${range}` } : time;
}

/**
 * One raw line to its fields, or what is wrong with it. Read by the position of its first five
 * `|` (no array of every field): the reader's cost per line, which the ingest pays millions of
 * times (BENCHMARKS.md, bench:calls).
 */
export function parseQueueLogLine(text: string, zone: string): { ok: true; line: QueueLogLine } | { ok: false; problem: LineProblem } {
  const p1 = text.indexOf('|');
  const p2 = p1 < 0 ? -1 : text.indexOf('|', p1 + 1);
  const p3 = p2 < 0 ? -1 : text.indexOf('|', p2 + 1);
  const p4 = p3 < 0 ? -1 : text.indexOf('|', p3 + 1);
  if (p4 < 0) {
    const count = text.split('|').length;
    return { ok: false, problem: { field: null, reason: `${count} fields; a queue_log line has at least 5 (time|callid|queue|agent|event)` } };
  }
  const p5 = text.indexOf('|', p4 + 1);
  const timeText = trimmed(text.slice(0, p1));
  const time = lineTime(timeText, zone);
  if (typeof time !== 'number') return { ok: false, problem: time };
  // Fields stored as text: no NUL (a text column refuses it), names within the stored bound. A
  // line shorter than the bound without a NUL has no such field: checked field by field only otherwise.
  if (text.length > MAX_NAME_CHARS || text.includes('\u0000')) {
    const f = text.split('|');
    for (let i = 1; i < f.length; i += 1) {
      const p = textProblem(f[i]!, i < 5 ? MAX_NAME_CHARS : 65_536);
      if (p) return { ok: false, problem: { field: FIELD_NAMES[i] ?? `data${i - 4}`, reason: p } };
    }
  }
  const eventText = p5 < 0 ? text.slice(p4 + 1) : text.slice(p4 + 1, p5);
  const event = visitEvents.has(eventText) || agentEvents.has(eventText) ? eventText : eventText.trim().toUpperCase();
  if (event === '') return { ok: false, problem: { field: 'event', reason: 'missing event' } };
  const data = p5 < 0 ? [] : text.slice(p5 + 1).split('|');
  while (data.length > 0 && trimmed(data[data.length - 1]!) === '') data.pop();
  return { ok: true, line: { time, callId: trimmed(text.slice(p1 + 1, p2)), queue: trimmed(text.slice(p2 + 1, p3)), agent: trimmed(text.slice(p3 + 1, p4)), event, data } };
}

/** A visit not yet ended, as the reader carries it between lines (and between runs). */
export type OpenVisit = {
  callId: string;
  queue: string;
  arrivedAt: number;
  answeredAt: number | null;
  waitSeconds: number | null;
  agent: string | null;
  /** Line of the ENTERQUEUE (0 when carried over from an earlier run). */
  line: number;
};

export type AgentEvent = { at: number; callId: string | null; queue: string | null; agent: string | null; event: string; data: string };

export type AssemblerOutput = {
  visit(v: CallVisit, line: number): void;
  agentEvent(e: AgentEvent, line: number): void;
  /** A line that cannot be used: kept in the quarantine with its reason. */
  problem(line: number, raw: string, p: LineProblem): void;
  /** A line that is used but worth a look (a clock jump): reported in the run's warnings. */
  warning(line: number, message: string): void;
};

export type AssemblerOptions = {
  source: string;
  zone: string;
  /** Visits open when the reader starts (carried over from earlier runs of the same source). */
  open?: Iterable<OpenVisit>;
  /** A backward step of the clock larger than this between consecutive lines is reported (default 1 s). */
  clockJumpToleranceMs?: number;
};

const isNone = (v: string) => v === '' || (v.length === 4 && v.toUpperCase() === 'NONE');

/** A non-negative number from a data field, or null. */
function num(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = trimmed(text);
  // Whole seconds, the usual case, without the expression below.
  if (t.length > 0 && t.length < 10) {
    let v = 0;
    let i = 0;
    for (; i < t.length; i += 1) {
      const c = t.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
    }
    if (i === t.length) return v;
  }
  if (t === '' || !/^\d+(\.\d+)?$/.test(t)) return null;
  return Number(t);
}

/** What the reader carries from line to line. */
type Assembly = { opts: AssemblerOptions; out: AssemblerOutput; open: Map<string, OpenVisit>; tolerance: number; lastTime: number | null };

/** A visit out, its object built whole (one shape for every visit: no spread of a partial). */
function emit(
  s: Assembly,
  v: OpenVisit,
  line: number,
  outcome: CallVisit['outcome'],
  end: { answeredAt?: number | null; endedAt?: number | null; waitSeconds?: number | null; talkSeconds?: number | null; agent?: string | null; transferred?: boolean } = {},
) {
  s.out.visit(
    {
      source: s.opts.source,
      callId: v.callId,
      queue: v.queue,
      channel: 'voice',
      arrivedAt: v.arrivedAt,
      answeredAt: end.answeredAt ?? null,
      endedAt: end.endedAt ?? null,
      outcome,
      waitSeconds: end.waitSeconds ?? null,
      talkSeconds: end.talkSeconds ?? null,
      holdSeconds: null,
      wrapSeconds: null,
      agent: end.agent === undefined ? v.agent : end.agent,
      transferred: end.transferred ?? false,
    },
    line,
  );
}

/** A visit without its end: waiting, or answered and still talking. */
function handOver(s: Assembly, v: OpenVisit) {
  if (v.answeredAt !== null) emit(s, v, v.line, 'answered', { answeredAt: v.answeredAt, waitSeconds: v.waitSeconds });
  else emit(s, v, v.line, 'waiting');
}

/** Wait from the data field when present, else from the timestamps (1.4's short forms). */
const waitOf = (field: string | undefined, v: OpenVisit, at: number) => num(field) ?? Math.max(0, Math.round((at - v.arrivedAt) / 1000));

/**
 * Asterisk measures a wait on its own clock and writes it in the line; when the timestamps
 * say otherwise by more than a few seconds, the clock jumped during the visit (either way).
 * The wait field is kept; the line is reported.
 */
function checkClock(s: Assembly, lineNo: number, event: string, v: OpenVisit, at: number, fieldSeconds: number | null) {
  if (fieldSeconds === null) return;
  const stamped = (at - v.arrivedAt) / 1000;
  if (Math.abs(stamped - fieldSeconds) > CLOCK_SLACK_SECONDS) {
    s.out.warning(lineNo, `clock jump during call ${v.callId} in ${v.queue}: its timestamps are ${Math.round(stamped)} s apart but ${event} says ${fieldSeconds} s; the event's figure is used`);
  }
}

/** One line in file order: clock checks, agent events, then the visit's own events. */
function pushLine(s: Assembly, raw: string, lineNo: number): void {
  const parsed = parseQueueLogLine(raw, s.opts.zone);
  if (!parsed.ok) return s.out.problem(lineNo, raw, parsed.problem);
  const l = parsed.line;
  if (s.lastTime !== null && l.time < s.lastTime - s.tolerance) {
    s.out.warning(lineNo, `clock jumped back ${Math.round((s.lastTime - l.time) / 1000)} s from the previous line (${new Date(s.lastTime).toISOString()} → ${new Date(l.time).toISOString()})`);
  }
  s.lastTime = l.time;

  if (!visitEvents.has(l.event)) {
    if (agentEvents.has(l.event)) {
      return s.out.agentEvent(
        { at: l.time, callId: isNone(l.callId) ? null : l.callId, queue: isNone(l.queue) ? null : l.queue, agent: isNone(l.agent) ? null : l.agent, event: l.event, data: l.data.join('|') },
        lineNo,
      );
    }
    return s.out.problem(lineNo, raw, { field: 'event', reason: `unknown event "${l.event}"` });
  }
  if (isNone(l.callId)) return s.out.problem(lineNo, raw, { field: 'callid', reason: `${l.event} without a call id` });
  if (isNone(l.queue)) return s.out.problem(lineNo, raw, { field: 'queue', reason: `${l.event} without a queue` });
  visitEvent(s, l, raw, lineNo);
}

/** An event of a call's visit to a queue: its start, its answer or its end. */
function visitEvent(s: Assembly, l: QueueLogLine, raw: string, lineNo: number): void {
  const key = `${l.callId}|${l.queue}`;
  const v = s.open.get(key);
  switch (l.event) {
    case 'ENTERQUEUE': {
      if (v && v.arrivedAt !== l.time) {
        // The earlier visit's end was never logged: it is kept as it stood (waiting, or answered
        // without an end) rather than guessed at, and reported here.
        s.out.warning(lineNo, `call ${l.callId} entered ${l.queue} again while its visit from ${new Date(v.arrivedAt).toISOString()}${v.line ? ` (line ${v.line})` : ''} had not ended; that visit is kept as it stood, its end unknown`);
        handOver(s, v);
      }
      // The same arrival again (a log read twice, a visit carried over) is the same visit,
      // read again from its start.
      s.open.set(key, { callId: l.callId, queue: l.queue, arrivedAt: l.time, answeredAt: null, waitSeconds: null, agent: null, line: lineNo });
      return;
    }
    case 'JOINEMPTY':
    case 'JOINUNAVAIL': {
      // Turned away at the door: offered to the queue with no agent to take it (no ENTERQUEUE).
      s.out.visit(
        { source: s.opts.source, callId: l.callId, queue: l.queue, channel: 'voice', arrivedAt: l.time, answeredAt: null, endedAt: l.time, outcome: 'no_agents', waitSeconds: 0, talkSeconds: null, holdSeconds: null, wrapSeconds: null, agent: null, transferred: false },
        lineNo,
      );
      return;
    }
  }
  if (!v) return s.out.problem(lineNo, raw, { field: 'event', reason: `${l.event} for call ${l.callId} in ${l.queue} without an ENTERQUEUE (a call that ends without starting)` });
  if (l.time < v.arrivedAt) {
    return s.out.problem(lineNo, raw, { field: 'time', reason: `${l.event} at ${new Date(l.time).toISOString()} is before the visit's ENTERQUEUE at ${new Date(v.arrivedAt).toISOString()} (clock jump?)` });
  }
  answerOrEnd(s, l, raw, lineNo, key, v);
}

/** CONNECT, a completion or transfer, or an exit without an answer, of an open visit. */
function answerOrEnd(s: Assembly, l: QueueLogLine, raw: string, lineNo: number, key: string, v: OpenVisit): void {
  const agent = isNone(l.agent) ? null : l.agent;
  switch (l.event) {
    case 'CONNECT': {
      if (v.answeredAt !== null) return s.out.problem(lineNo, raw, { field: 'event', reason: `second CONNECT for call ${l.callId} in ${l.queue}` });
      v.waitSeconds = waitOf(l.data[0], v, l.time);
      checkClock(s, lineNo, l.event, v, l.time, num(l.data[0]));
      v.answeredAt = l.time;
      v.agent = agent;
      return;
    }
    case 'COMPLETECALLER':
    case 'COMPLETEAGENT':
    case 'TRANSFER':
    case 'BLINDTRANSFER':
    case 'ATTENDEDTRANSFER': {
      const transfer = !l.event.startsWith('COMPLETE');
      // Hold (queue wait) and call time: data1/data2 for COMPLETE*, data3/data4 for TRANSFER and
      // BLINDTRANSFER, and the third- and second-last fields for ATTENDEDTRANSFER (its method
      // data has a varying number of fields).
      const [holdField, talkField] =
        l.event === 'ATTENDEDTRANSFER' ? [l.data[l.data.length - 3], l.data[l.data.length - 2]] : transfer ? [l.data[2], l.data[3]] : [l.data[0], l.data[1]];
      const talk = num(talkField);
      if (talk === null) return s.out.problem(lineNo, raw, { field: 'data', reason: `${l.event} without a readable call time (got "${l.data.join('|')}")` });
      s.open.delete(key);
      // An end without its CONNECT (a log that lost a line): answered, wait from the hold field.
      const wait = v.waitSeconds ?? waitOf(holdField, v, l.time - talk * 1000);
      const hold = num(holdField);
      checkClock(s, lineNo, l.event, v, l.time, hold === null ? null : hold + talk);
      const answeredAt = v.answeredAt ?? v.arrivedAt + wait * 1000;
      emit(s, v, lineNo, 'answered', { answeredAt, endedAt: l.time, waitSeconds: wait, talkSeconds: talk, agent: v.agent ?? agent, transferred: transfer });
      return;
    }
    case 'ABANDON':
    case 'EXITEMPTY':
    case 'EXITWITHTIMEOUT':
    case 'EXITWITHKEY': {
      if (v.answeredAt !== null) return s.out.problem(lineNo, raw, { field: 'event', reason: `${l.event} for call ${l.callId} in ${l.queue}, which was already answered` });
      s.open.delete(key);
      const waitField = l.event === 'EXITWITHKEY' ? l.data[3] : l.data[2];
      const outcome = l.event === 'ABANDON' ? 'abandoned' : l.event === 'EXITEMPTY' ? 'no_agents' : l.event === 'EXITWITHTIMEOUT' ? 'timeout' : 'exit_key';
      checkClock(s, lineNo, l.event, v, l.time, num(waitField));
      emit(s, v, lineNo, outcome, { endedAt: l.time, waitSeconds: waitOf(waitField, v, l.time) });
      return;
    }
  }
}

/**
 * The stateful reader: feed it lines in file order with `push`, then `finish` at the cut-off,
 * which hands over every visit still open (waiting, or answered and still talking) as a visit
 * of outcome `waiting` (or `answered` without an end) and returns them for the next run.
 */
export function createQueueLogAssembler(opts: AssemblerOptions, out: AssemblerOutput) {
  const s: Assembly = { opts, out, open: new Map(), tolerance: opts.clockJumpToleranceMs ?? 1000, lastTime: null };
  for (const v of opts.open ?? []) s.open.set(`${v.callId}|${v.queue}`, { ...v });
  /** Hands over every visit still open at the cut-off and returns them (to carry into the next run). */
  function finish(): OpenVisit[] {
    const still = [...s.open.values()];
    for (const v of still) handOver(s, v);
    return still;
  }
  return { push: (raw: string, lineNo: number) => pushLine(s, raw, lineNo), finish, openCount: () => s.open.size };
}
