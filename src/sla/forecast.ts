/**
 * Month-end forecast of SLA attainment and the breach budget (docs: README "Forecast and breach
 * budget"). Pure: counts, open clocks and history in, numbers out; no clock, no IO.
 *
 * The model, per METRICS.md §2's outcome basis (met and breached counted in the period of their
 * outcome):
 * - what already has an outcome this period stays (met, breached);
 * - an open ticket whose clock still runs meets its target with the chance that a ticket of its
 *   group (priority) still unresolved after `elapsed` business minutes is resolved within the
 *   minutes it has left, read from the group's own history of business minutes to resolve; if
 *   its due time falls inside the period it otherwise breaches in it, else it has no outcome in
 *   the period;
 * - tickets yet to arrive: `expected` of them (from the arrival rate of the same weekdays), each
 *   reaching an outcome in the period with chance `outcomeShare`, met with chance `metShare`.
 * The central value is the ratio of expectations; the interval comes from simulating the same
 * model (a seeded generator, so the same inputs give the same answer).
 */

export type OpenClock = {
  /** Business minutes counted so far. */
  elapsedMinutes: number;
  targetMinutes: number;
  /** Business minutes between now and the end of the period. */
  minutesToPeriodEnd: number;
  /** The history group it resolves like (its priority). */
  group: string;
};

export type ForecastInput = {
  met: number;
  breached: number;
  open: readonly OpenClock[];
  /** Historical business minutes to resolve per group, ascending; `*` is used for a group without history. */
  resolveMinutes: ReadonlyMap<string, readonly number[]>;
  /**
   * Tickets still to arrive: how many, the share reaching an outcome in the period and the share
   * of those met, and how many judged tickets that met share was read from.
   */
  arrivals: { expected: number; outcomeShare: number; metShare: number; judged?: number };
};

export type Forecast = {
  /** Expected attainment at period end (null when nothing is expected to have an outcome). */
  central: number | null;
  low: number | null;
  high: number | null;
  expectedMet: number;
  expectedBreached: number;
  /** The naive forecast the model is measured against: attainment so far. */
  naive: number | null;
};

const MIN_HISTORY = 5;
/**
 * A desk's met share drifts from week to week by more than sampling alone explains, so in the
 * simulation the arrivals' met share varies as if read from no more than this many tickets
 * (chosen by the backtest, BENCHMARKS.md "Month-end forecast backtest").
 */
const DRIFT_TICKETS = 100;

/** Count of values ≤ x in an ascending array. */
function countAtMost(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Chance that a ticket still unresolved after `elapsed` business minutes resolves within `more`:
 * among the history that took longer than `elapsed`, the share done by `elapsed + more`, with
 * half a ticket added each way so an empty tail gives neither 0 nor 1.
 */
export function resolveChance(sorted: readonly number[], elapsed: number, more: number): number {
  if (more <= 0) return 0;
  const survived = sorted.length - countAtMost(sorted, elapsed);
  const doneInWindow = countAtMost(sorted, elapsed + more) - countAtMost(sorted, elapsed);
  return (doneInWindow + 0.5) / (survived + 1);
}

function historyFor(input: ForecastInput, group: string): readonly number[] {
  const own = input.resolveMinutes.get(group);
  if (own && own.length >= MIN_HISTORY) return own;
  return input.resolveMinutes.get('*') ?? own ?? [];
}

type OpenChance = { met: number; breachInPeriod: boolean };

function openChances(input: ForecastInput): OpenChance[] {
  return input.open.map((o) => {
    const left = o.targetMinutes - o.elapsedMinutes;
    const window = Math.min(left, o.minutesToPeriodEnd);
    return { met: resolveChance(historyFor(input, o.group), o.elapsedMinutes, window), breachInPeriod: left <= o.minutesToPeriodEnd };
  });
}

function ratio(met: number, breached: number): number | null {
  return met + breached > 0 ? met / (met + breached) : null;
}

/** mulberry32: a small seeded generator, enough for a simulation that must repeat exactly. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A Poisson draw: Knuth's product method for small means, a rounded normal beyond 50. */
function poisson(mean: number, random: () => number): number {
  if (mean <= 0) return 0;
  if (mean > 50) {
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(random)));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

function quantile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)));
  return sorted[i]!;
}

/** Month-end SLA attainment: central value and an 80% interval (METRICS.md §2, outcome basis). */
export function forecastAttainment(input: ForecastInput, opts: { simulations?: number; seed?: number; coverage?: number } = {}): Forecast {
  const chances = openChances(input);
  const { expected, outcomeShare, metShare } = input.arrivals;
  let expectedMet = input.met + expected * outcomeShare * metShare;
  let expectedBreached = input.breached + expected * outcomeShare * (1 - metShare);
  for (const c of chances) {
    expectedMet += c.met;
    if (c.breachInPeriod) expectedBreached += 1 - c.met;
  }

  const judged = Math.min(input.arrivals.judged ?? DRIFT_TICKETS, DRIFT_TICKETS);
  const shareSpread = judged > 0 ? Math.sqrt((metShare * (1 - metShare)) / judged) : 0;
  const simulations = opts.simulations ?? 2000;
  const random = generator(opts.seed ?? 1);
  const outcomes: number[] = [];
  for (let s = 0; s < simulations; s++) {
    let met = input.met;
    let breached = input.breached;
    for (const c of chances) {
      if (random() < c.met) met++;
      else if (c.breachInPeriod) breached++;
    }
    const arrivals = poisson(expected, random);
    const share = Math.min(1, Math.max(0, metShare + shareSpread * normal(random)));
    for (let i = 0; i < arrivals; i++) {
      if (random() >= outcomeShare) continue;
      if (random() < share) met++;
      else breached++;
    }
    const r = ratio(met, breached);
    if (r !== null) outcomes.push(r);
  }
  outcomes.sort((a, b) => a - b);
  const tail = (1 - (opts.coverage ?? 0.8)) / 2;
  return {
    central: ratio(expectedMet, expectedBreached),
    low: outcomes.length ? quantile(outcomes, tail) : null,
    high: outcomes.length ? quantile(outcomes, 1 - tail) : null,
    expectedMet,
    expectedBreached,
    naive: ratio(input.met, input.breached),
  };
}

/**
 * Breach budget: how many more of the outcomes still to come this period may breach with
 * attainment at month end still at the goal, assuming the rest meet. With `m` met, `b` breached,
 * `n` outcomes still expected and goal `g`: the most `x` with (m + n − x) ÷ (m + b + n) ≥ g, that
 * is x ≤ (m + n) − g(m + b + n). Negative when the goal is out of reach even if all the rest meet.
 */
export function breachBudget(c: { met: number; breached: number; expectedOutcomes: number; goal: number }): number {
  const total = c.met + c.breached + c.expectedOutcomes;
  // The small epsilon keeps an exact boundary (190 ÷ 200 = 0.95) on the right side of rounding.
  return Math.floor(c.met + c.expectedOutcomes - c.goal * total + 1e-9);
}
