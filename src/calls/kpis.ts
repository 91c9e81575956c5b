import type { CallVisit } from './visit.ts';

/**
 * Contact-centre KPI counts for a set of visits (METRICS.md §3, "Figures for a period and a
 * queue"). Every figure is kept as the counts it is made of, so any roll-up (intervals to a day,
 * days to a month, queues to all) is Σ numerators / Σ denominators — `mergeCallCounts` — and
 * never an average of rates. The two maxima roll up as the maximum.
 */
export type CallCounts = {
  /** Visits that arrived, whatever became of them (waiting ones included). */
  offered: number;
  answered: number;
  /** Abandoned with a wait at or over the short-abandon threshold. */
  abandoned: number;
  /** Abandoned with a wait under the threshold: out of `abandoned` and of every denominator. */
  shortAbandoned: number;
  timeout: number;
  exitKey: number;
  noAgents: number;
  /** Still in the queue at the cut-off: counted as offered, out of every denominator until it ends. */
  waiting: number;
  /** Answered visits that ended in a transfer. */
  transferred: number;
  /** Answered with wait ≤ T (the service-level threshold). */
  answeredWithinSl: number;
  /** Abandoned (not short) with wait ≤ T, and with wait > T: the vendors' variants need both. */
  abandonedWithinSl: number;
  abandonedAfterSl: number;
  /** Σ wait and count over every ended visit except short abandons (`avgWait`). */
  waitSum: number;
  waitCount: number;
  /** Σ wait of answered visits (`asa` = answeredWaitSum / answered). */
  answeredWaitSum: number;
  /** Longest wait of an answered visit (a maximum, not a sum). */
  maxAnswerWait: number;
  /** Longest wait of any ended visit except short abandons (a maximum). */
  maxWait: number;
  /** Answered visits whose handling has ended, and their Σ talk + hold + wrap (`aht`). */
  handled: number;
  handleSum: number;
  talkSum: number;
  holdSum: number;
  wrapSum: number;
  /** Handled visits whose feed gave neither hold nor wrap time: AHT is talk-only for them. */
  handledTalkOnly: number;
};

export const callCountKeys = [
  'offered', 'answered', 'abandoned', 'shortAbandoned', 'timeout', 'exitKey', 'noAgents', 'waiting', 'transferred',
  'answeredWithinSl', 'abandonedWithinSl', 'abandonedAfterSl', 'waitSum', 'waitCount', 'answeredWaitSum',
  'maxAnswerWait', 'maxWait', 'handled', 'handleSum', 'talkSum', 'holdSum', 'wrapSum', 'handledTalkOnly',
] as const satisfies readonly (keyof CallCounts)[];

const maxKeys = new Set<keyof CallCounts>(['maxAnswerWait', 'maxWait']);

export function emptyCallCounts(): CallCounts {
  return {
    offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, timeout: 0, exitKey: 0, noAgents: 0, waiting: 0, transferred: 0,
    answeredWithinSl: 0, abandonedWithinSl: 0, abandonedAfterSl: 0, waitSum: 0, waitCount: 0, answeredWaitSum: 0,
    maxAnswerWait: 0, maxWait: 0, handled: 0, handleSum: 0, talkSum: 0, holdSum: 0, wrapSum: 0, handledTalkOnly: 0,
  };
}

/** The thresholds counting depends on (METRICS.md §3): both configurable. */
export type CountOptions = {
  /** Abandons with a wait under this are short abandons; 0 disables (default 5). */
  shortAbandonSeconds: number;
  /** T of the service level: answered with wait ≤ T (default 120). */
  serviceLevelSeconds: number;
};

export const defaultCountOptions: CountOptions = { shortAbandonSeconds: 5, serviceLevelSeconds: 120 };

/** True for an abandon under the short-abandon threshold (a wait equal to it is not short). */
export function isShortAbandon(v: Pick<CallVisit, 'outcome' | 'waitSeconds'>, shortAbandonSeconds: number): boolean {
  return v.outcome === 'abandoned' && shortAbandonSeconds > 0 && (v.waitSeconds ?? 0) < shortAbandonSeconds;
}

/** Adds one visit to the counts (METRICS.md §3). Mutates and returns `c`. */
export function addVisit(c: CallCounts, v: CallVisit, opts: CountOptions): CallCounts {
  c.offered += 1;
  if (v.outcome === 'waiting') {
    c.waiting += 1;
    return c;
  }
  const wait = v.waitSeconds ?? 0;
  if (isShortAbandon(v, opts.shortAbandonSeconds)) {
    c.shortAbandoned += 1;
    return c;
  }
  c.waitSum += wait;
  c.waitCount += 1;
  if (wait > c.maxWait) c.maxWait = wait;
  const withinSl = wait <= opts.serviceLevelSeconds;
  switch (v.outcome) {
    case 'answered':
      c.answered += 1;
      c.answeredWaitSum += wait;
      if (wait > c.maxAnswerWait) c.maxAnswerWait = wait;
      if (withinSl) c.answeredWithinSl += 1;
      if (v.transferred) c.transferred += 1;
      if (v.endedAt !== null && v.talkSeconds !== null) {
        c.handled += 1;
        c.talkSum += v.talkSeconds;
        c.holdSum += v.holdSeconds ?? 0;
        c.wrapSum += v.wrapSeconds ?? 0;
        c.handleSum += v.talkSeconds + (v.holdSeconds ?? 0) + (v.wrapSeconds ?? 0);
        if (v.holdSeconds === null && v.wrapSeconds === null) c.handledTalkOnly += 1;
      }
      break;
    case 'abandoned':
      c.abandoned += 1;
      if (withinSl) c.abandonedWithinSl += 1;
      else c.abandonedAfterSl += 1;
      break;
    case 'timeout':
      c.timeout += 1;
      break;
    case 'exit_key':
      c.exitKey += 1;
      break;
    case 'no_agents':
      c.noAgents += 1;
      break;
  }
  return c;
}

/** Adds `b` into `a` (sums; maxima as maxima). Mutates and returns `a`. */
export function mergeCallCounts(a: CallCounts, b: Partial<CallCounts>): CallCounts {
  for (const k of callCountKeys) {
    const v = b[k];
    if (v === undefined) continue;
    if (maxKeys.has(k)) {
      if (v > a[k]) a[k] = v;
    } else a[k] += v;
  }
  return a;
}

/** Counts read back from storage, completed with zeros for keys an older row lacks. */
export function callCountsFrom(stored: Record<string, number> | undefined): CallCounts {
  const c = emptyCallCounts();
  if (stored) for (const k of callCountKeys) if (typeof stored[k] === 'number') c[k] = stored[k];
  return c;
}

/** Counts of a set of visits. */
export function countVisits(visits: Iterable<CallVisit>, opts: CountOptions = defaultCountOptions): CallCounts {
  const c = emptyCallCounts();
  for (const v of visits) addVisit(c, v, opts);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Ratios
// ---------------------------------------------------------------------------------------------

export type Ratio = { value: number | null; numerator: number; denominator: number };
const ratio = (numerator: number, denominator: number): Ratio => ({
  value: denominator > 0 ? numerator / denominator : null,
  numerator,
  denominator,
});

/**
 * The visits every rate is a share of: offered − short abandons − still waiting (METRICS.md §3
 * says offered − shortAbandoned; a visit still waiting has no outcome yet, so it joins the
 * denominator when it ends — a finished day is unaffected).
 */
export function rateBase(c: CallCounts): number {
  return c.offered - c.shortAbandoned - c.waiting;
}

/**
 * Service-level variants (METRICS.md §3). `offered` is the default (Asterisk's `wait ≤ T`
 * over offered − short abandons) and equals Cisco's "abandons negative"; the others are named
 * options, each labelled wherever it is shown.
 */
export const serviceLevelVariants = {
  offered: 'answered within T ÷ (offered − short abandons)',
  answered: 'answered within T ÷ answered',
  answered_and_late_abandons: 'answered within T ÷ (answered + abandoned after T)',
  cisco_ignore: 'answered within T ÷ (offered − short abandons − abandoned within T) (Cisco: abandons ignored)',
  cisco_negative: 'answered within T ÷ (offered − short abandons) (Cisco: abandons count against)',
  cisco_positive: '(answered + abandoned) within T ÷ (offered − short abandons) (Cisco: abandons count in favour)',
} as const;
export type ServiceLevelVariant = keyof typeof serviceLevelVariants;

/** serviceLevel(T) in one of its variants. */
export function serviceLevel(c: CallCounts, variant: ServiceLevelVariant = 'offered'): Ratio {
  const base = rateBase(c);
  switch (variant) {
    case 'offered':
    case 'cisco_negative':
      return ratio(c.answeredWithinSl, base);
    case 'answered':
      return ratio(c.answeredWithinSl, c.answered);
    case 'answered_and_late_abandons':
      return ratio(c.answeredWithinSl, c.answered + c.abandonedAfterSl);
    case 'cisco_ignore':
      return ratio(c.answeredWithinSl, base - c.abandonedWithinSl);
    case 'cisco_positive':
      return ratio(c.answeredWithinSl + c.abandonedWithinSl, base);
  }
}

/** `answerRate` = answered / (offered − shortAbandoned), waiting visits aside. */
export const answerRate = (c: CallCounts): Ratio => ratio(c.answered, rateBase(c));
/** `abandonRate` = abandoned / (offered − shortAbandoned), waiting visits aside. */
export const abandonRate = (c: CallCounts): Ratio => ratio(c.abandoned, rateBase(c));
/** `asa`: mean wait of answered visits, seconds. */
export const asa = (c: CallCounts): Ratio => ratio(c.answeredWaitSum, c.answered);
/** `avgWait`: mean wait of all ended visits but short abandons, seconds. */
export const avgWait = (c: CallCounts): Ratio => ratio(c.waitSum, c.waitCount);
/** `aht`: mean talk + hold + wrap of handled visits, seconds. */
export const aht = (c: CallCounts): Ratio => ratio(c.handleSum, c.handled);

/** What the AHT figure holds: full handling time, talk only (queue_log), or a mix. */
export function ahtBasis(c: CallCounts): 'talk+hold+wrap' | 'talk-only' | 'partly talk-only' | null {
  if (c.handled === 0) return null;
  if (c.handledTalkOnly === 0) return 'talk+hold+wrap';
  return c.handledTalkOnly === c.handled ? 'talk-only' : 'partly talk-only';
}

/** `callsPerDay` = offered / open days (null with no open day). */
export const perDay = (count: number, openDays: number): Ratio => ratio(count, openDays);

/** The abandon rate of each day with calls, and the worst of them (CC-MAX-ABANDON, METRICS.md §3, §5). */
export function worstDay(dayCounts: Map<string, CallCounts>, days: readonly string[]): (Ratio & { day: string }) | null {
  let worst: (Ratio & { day: string }) | null = null;
  for (const d of days) {
    const c = dayCounts.get(d);
    if (!c || rateBase(c) === 0) continue;
    const r = abandonRate(c);
    if (!worst || (r.value ?? 0) > (worst.value ?? 0)) worst = { ...r, day: d };
  }
  return worst;
}
