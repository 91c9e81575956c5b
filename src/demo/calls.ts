/**
 * Demo contact-centre feed: a pure, deterministic generator of an Asterisk queue_log (1.8+
 * layout) for a council contact centre, and of an email-contacts CSV for its mailboxes
 * (METRICS.md §3). Several queues, a daily arrival curve with a mid-morning peak, busier
 * Mondays, and callers whose patience runs out more often the longer the queue is: abandons
 * rise with the wait. Each day is generated from its own seed, so a day's calls do not depend
 * on the window around it. Time stamps are epoch seconds, as Asterisk writes them.
 */
import { DEFAULT_ZONE, englandAndWalesBankHolidays } from '../calendar/defaults.ts';
import { dayKeyToDayNumber, dayNumberToDayKey, localToUtc, civilFromDays, weekdayOfDayNumber } from '../calendar/zone.ts';
import { createRandom, hashSeed, type Random } from './random.ts';

export type DemoCallsOptions = {
  /** Last local day, `YYYY-MM-DD`. */
  today: string;
  /** Local days ending with `today` (default 90). */
  days?: number;
  zone?: string;
  seed?: number;
  /** Nothing happens after this instant (epoch ms): calls still queueing then are left waiting. */
  until?: number;
};

type Queue = { name: string; share: number; agents: number; ahtMedian: number; timeout: number; overflowTo?: string };

/** The queues: a share of the day's calls each, staffing and handling times differ. */
export const demoQueues: readonly Queue[] = [
  { name: 'council-tax', share: 0.34, agents: 5, ahtMedian: 330, timeout: 900 },
  { name: 'benefits', share: 0.26, agents: 4, ahtMedian: 420, timeout: 900 },
  { name: 'housing', share: 0.18, agents: 3, ahtMedian: 390, timeout: 600, overflowTo: 'general' },
  { name: 'waste', share: 0.12, agents: 2, ahtMedian: 180, timeout: 600 },
  { name: 'general', share: 0.1, agents: 2, ahtMedian: 300, timeout: 900 },
];

const OPEN = 8 * 3600 + 30 * 60; // 08:30
const CLOSE = 17 * 3600; // 17:00
const BANK_HOLIDAYS = new Set(englandAndWalesBankHolidays);

/** Relative arrival rate by local hour (a typical council line: a 9–11 peak, a lunch dip, a 14:00 bump). */
const HOURLY = [0, 0, 0, 0, 0, 0, 0, 0, 0.9, 1.6, 1.5, 1.2, 0.9, 1.0, 1.2, 1.0, 0.8, 0, 0, 0, 0, 0, 0, 0];

type Line = { t: number; seq: number; text: string };

/** One simulated day: its random stream, its midnight and where its lines go. */
type Day = {
  rnd: Random;
  midnight: number;
  push: (t: number, text: string) => void;
  /** When each queue's agents are next free (epoch seconds). */
  freeAt: Map<string, number[]>;
  /** When each queue's agents start their half-hour lunch. */
  lunches: Map<string, number[]>;
};

const agentName = (queue: Queue, n: number) => `Agent/${queue.name.slice(0, 2).toUpperCase()}${n}`;

/** Agents log on at opening and take half an hour for lunch (paused: no calls then). */
function agentShifts(rnd: Random, midnight: number, push: Day['push']): Map<string, number[]> {
  const lunches = new Map<string, number[]>();
  for (const q of demoQueues) {
    const starts: number[] = [];
    for (let a = 1; a <= q.agents; a++) {
      const agent = agentName(q, a);
      push(midnight + OPEN - 300 + a, `NONE|${q.name}|${agent}|ADDMEMBER|`);
      const lunch = midnight + 12 * 3600 + rnd.int(0, 5400);
      starts.push(lunch);
      push(lunch, `NONE|${q.name}|${agent}|PAUSE|Lunch`);
      push(lunch + 1800, `NONE|${q.name}|${agent}|UNPAUSE|`);
    }
    lunches.set(q.name, starts);
  }
  return lunches;
}

/** Arrivals: an hour by the curve, a second within it (within opening hours), in time order. */
function arrivalsOf(rnd: Random, midnight: number, volume: number): { t: number; queue: Queue; id: string }[] {
  const weights = HOURLY.map((w, h) => [h, w] as const).filter(([h]) => h * 3600 >= OPEN - 1800 && h * 3600 < CLOSE);
  const arrivals: { t: number; queue: Queue; id: string }[] = [];
  for (let i = 0; i < volume; i++) {
    const hour = rnd.weighted(weights);
    const sec = Math.max(OPEN, Math.min(CLOSE - 1, hour * 3600 + rnd.int(0, 3599)));
    const queue = rnd.weighted(demoQueues.map((q) => [q, q.share] as const));
    arrivals.push({ t: midnight + sec, queue, id: '' });
  }
  arrivals.sort((a, b) => a.t - b.t);
  arrivals.forEach((a, i) => (a.id = `${a.t}.${i + 1}`));
  return arrivals;
}

/** The agent who can take a call entering at `enter` first, lunch breaks respected, and when. */
function firstReadyAgent(day: Day, queue: Queue, enter: number): { k: number; startAt: number } {
  const agents = day.freeAt.get(queue.name)!;
  const lunch = day.lunches.get(queue.name)!;
  const readyAt = (j: number) => {
    const t = Math.max(enter, agents[j]!);
    const l = lunch[j]!;
    return t >= l && t < l + 1800 ? l + 1800 : t;
  };
  let k = 0;
  for (let j = 1; j < agents.length; j++) if (readyAt(j) < readyAt(k)) k = j;
  return { k, startAt: readyAt(k) };
}

/** A call answered by agent `k` at `startAt`: maybe a ring-no-answer first, talk, wrap-up, then a transfer or hang-up. */
function answer(day: Day, queue: Queue, id: string, enter: number, k: number, startAt: number) {
  const { rnd, push } = day;
  const wait = startAt - enter;
  const agent = agentName(queue, k + 1);
  if (rnd.chance(0.1) && wait > 15) push(enter + rnd.int(1, 15), `${id}|${queue.name}|${agentName(queue, ((k + 1) % queue.agents) + 1)}|RINGNOANSWER|15000`);
  push(startAt, `${id}|${queue.name}|${agent}|CONNECT|${wait}|${id}9|${rnd.int(1, 6)}`);
  const talk = Math.max(20, Math.round(rnd.lognormal(queue.ahtMedian, 0.55)));
  const wrap = rnd.int(10, 60);
  day.freeAt.get(queue.name)![k] = startAt + talk + wrap;
  const end = startAt + talk;
  if (rnd.chance(0.04)) push(end, `${id}|${queue.name}|${agent}|BLINDTRANSFER|${rnd.int(2000, 2099)}|from-internal|${wait}|${talk}|1`);
  else push(end, `${id}|${queue.name}|${agent}|${rnd.chance(0.55) ? 'COMPLETECALLER' : 'COMPLETEAGENT'}|${wait}|${talk}|1`);
}

/**
 * One call in one queue: a caller waits for the first free agent unless their patience
 * (exponential, mean 8 minutes; a few hang up within seconds) or the queue's timeout runs out
 * first — a timeout overflows once to the queue's `overflowTo`. A longer queue means longer
 * waits, so more patience runs out: abandons rise with wait.
 */
function serve(day: Day, queue: Queue, id: string, enter: number, caller: string, overflowed: boolean) {
  const { rnd, push } = day;
  push(enter, `${id}|${queue.name}|NONE|ENTERQUEUE||${caller}|${rnd.int(1, 6)}`);
  const { k, startAt } = firstReadyAgent(day, queue, enter);
  const wait = startAt - enter;
  const patience = rnd.chance(0.05) ? rnd.int(1, 8) : Math.round(rnd.exponential(480));
  if (wait > queue.timeout && patience > queue.timeout) {
    const leave = enter + queue.timeout;
    push(leave, `${id}|${queue.name}|NONE|EXITWITHTIMEOUT|1|1|${queue.timeout}`);
    if (queue.overflowTo && !overflowed) serve(day, demoQueues.find((q) => q.name === queue.overflowTo)!, id, leave, caller, true);
    return;
  }
  if (patience < wait) {
    const leave = enter + patience;
    if (rnd.chance(0.05)) push(leave, `${id}|${queue.name}|NONE|EXITWITHKEY|1|2|2|${patience}`);
    else push(leave, `${id}|${queue.name}|NONE|ABANDON|2|3|${patience}`);
    return;
  }
  answer(day, queue, id, enter, k, startAt);
}

/** Calls on one local day, each queue simulated as a first-come first-served multi-agent queue. */
function dayLines(day: number, zone: string, seed: number, until: number): Line[] {
  const weekday = weekdayOfDayNumber(day); // 0 = Monday
  const key = dayNumberToDayKey(day);
  if (weekday >= 5 || BANK_HOLIDAYS.has(key)) return [];
  const rnd = createRandom(hashSeed(seed, day));
  const [y, m, d] = civilFromDays(day);
  const midnight = localToUtc(zone, y, m, d, 0) / 1000;
  // Mondays are busier; a little day-to-day noise; about 590 calls on an average day.
  const volume = Math.round((weekday === 0 ? 700 : weekday === 4 ? 520 : 580) * (0.9 + 0.2 * rnd.next()));
  const out: Line[] = [];
  let seq = 0;
  const push = (t: number, text: string) => {
    if (t * 1000 <= until) out.push({ t, seq: seq++, text: `${t}|${text}` });
  };
  const lunches = agentShifts(rnd, midnight, push);
  const arrivals = arrivalsOf(rnd, midnight, volume);
  // Some days an agent is off sick.
  const freeAt = new Map<string, number[]>(demoQueues.map((q) => [q.name, Array.from({ length: Math.max(1, q.agents - (rnd.chance(0.25) ? 1 : 0)) }, () => midnight + OPEN)]));
  const sim: Day = { rnd, midnight, push, freeAt, lunches };
  for (const a of arrivals) serve(sim, a.queue, a.id, a.t, `07700${String(900000 + rnd.int(0, 99999)).slice(-6)}`, false);
  return out;
}

/**
 * The queue_log lines (each ending in "\n") for the `days` local days ending `today`, in time
 * order, as a lazy sequence.
 */
export function* demoQueueLogLines(o: DemoCallsOptions): Generator<string> {
  const zone = o.zone ?? DEFAULT_ZONE;
  const last = dayKeyToDayNumber(o.today);
  const until = o.until ?? Number.MAX_SAFE_INTEGER;
  for (let day = last - (o.days ?? 90) + 1; day <= last; day++) {
    const lines = dayLines(day, zone, o.seed ?? 2025, until);
    lines.sort((a, b) => a.t - b.t || a.seq - b.seq);
    for (const l of lines) yield `${l.text}\n`;
  }
}

/** Email contacts for the same days: the contact mailbox (about 60 a day) and benefits (about 16). */
export function* demoEmailCsvLines(o: DemoCallsOptions): Generator<string> {
  const zone = o.zone ?? DEFAULT_ZONE;
  const last = dayKeyToDayNumber(o.today);
  const until = o.until ?? Number.MAX_SAFE_INTEGER;
  yield 'id,mailbox,received_at,processed_at\n';
  const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  for (let day = last - (o.days ?? 90) + 1; day <= last; day++) {
    const weekday = weekdayOfDayNumber(day);
    const rnd: Random = createRandom(hashSeed((o.seed ?? 2025) + 7, day));
    const [y, m, d] = civilFromDays(day);
    const midnight = localToUtc(zone, y, m, d, 0) / 1000;
    const rows: [number, string][] = [];
    for (const [mailbox, perDay] of [['contact', 62], ['benefits', 16]] as const) {
      const n = weekday >= 5 ? rnd.int(3, 10) : Math.round(perDay * (0.85 + 0.3 * rnd.next()));
      for (let i = 0; i < n; i++) {
        const received = midnight + rnd.int(0, 86_399);
        // Dealt with in office hours: most the same working day, some the next.
        const processed = received + Math.round(rnd.exponential(5 * 3600));
        if (received * 1000 > until) continue;
        rows.push([received, `${mailbox.slice(0, 1).toUpperCase()}${dayNumberToDayKey(day).replace(/-/g, '')}-${i + 1},${mailbox},${iso(received)},${processed * 1000 <= until ? iso(processed) : ''}\n`]);
      }
    }
    rows.sort((a, b) => a[0] - b[0]);
    for (const [, line] of rows) yield line;
  }
}
