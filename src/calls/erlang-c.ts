/**
 * Erlang C staffing (METRICS.md §3, "Staffing"): the M/M/N queue — Poisson arrivals,
 * exponential handling times, callers who never abandon. Pure.
 *
 * The probability of waiting is computed from Erlang B with the stable recurrence
 * B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)), then C = N·B / (N − A·(1 − B)): no factorials or
 * powers, so it stays exact to double precision for thousands of agents.
 */

/** Offered traffic in erlangs: arrivals × AHT / interval length. */
export function trafficErlangs(arrivals: number, ahtSeconds: number, intervalSeconds: number): number {
  return (arrivals * ahtSeconds) / intervalSeconds;
}

/** Erlang B blocking probability for `agents` servers and `traffic` erlangs. */
export function erlangB(agents: number, traffic: number): number {
  let b = 1;
  for (let n = 1; n <= agents; n++) b = (traffic * b) / (n + traffic * b);
  return b;
}

/** Erlang C: probability that a call has to wait; 1 when the agents cannot keep up (N ≤ A). */
export function erlangC(agents: number, traffic: number): number {
  if (traffic <= 0) return 0;
  if (agents <= traffic) return 1;
  const b = erlangB(agents, traffic);
  return (agents * b) / (agents - traffic * (1 - b));
}

/** Predicted service level: P(wait ≤ t) = 1 − C·e^(−(N − A)·t / AHT); 0 when N ≤ A. */
export function predictedServiceLevel(agents: number, traffic: number, ahtSeconds: number, targetSeconds: number): number {
  if (traffic <= 0) return 1;
  if (agents <= traffic) return 0;
  return 1 - erlangC(agents, traffic) * Math.exp((-(agents - traffic) * targetSeconds) / ahtSeconds);
}

/** Average speed of answer over all calls: C·AHT / (N − A); Infinity when N ≤ A. */
export function predictedAsa(agents: number, traffic: number, ahtSeconds: number): number {
  if (traffic <= 0) return 0;
  if (agents <= traffic) return Infinity;
  return (erlangC(agents, traffic) * ahtSeconds) / (agents - traffic);
}

export type StaffingInput = {
  /** Calls arriving in the interval. */
  arrivals: number;
  ahtSeconds: number;
  intervalMinutes: number;
  /** Service-level goal, a fraction (0.8 for 80%). */
  slTarget: number;
  /** T of the goal: answered within this many seconds. */
  slSeconds: number;
  /** Optional ceiling on occupancy (e.g. 0.85): more agents are added until it holds. */
  maxOccupancy?: number;
};

export type Staffing = {
  trafficErlangs: number;
  agents: number;
  serviceLevel: number;
  occupancy: number;
  probabilityOfWaiting: number;
  asaSeconds: number;
  /** The agents that service level alone would need (before any occupancy ceiling). */
  agentsForServiceLevel: number;
};

/**
 * The most agents one interval is staffed for (10,000): the search and each Erlang B recurrence
 * take at most this many steps, so no input can keep a caller busy for long.
 */
export const MAX_AGENTS = 10_000;

/** The goal needs more than {@link MAX_AGENTS} agents; `field` names the input that drove it there. */
export class StaffingLimitError extends RangeError {
  constructor(
    readonly field: 'arrivals' | 'maxOccupancy',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The fewest agents that reach the service-level goal for an interval's arrivals and AHT, with
 * the predicted service level, occupancy (A / N), probability of waiting and ASA.
 * Erlang B is carried forward one agent at a time (B(n) from B(n−1)), so the whole search is one
 * pass of at most {@link MAX_AGENTS} steps; beyond that it throws {@link StaffingLimitError}.
 */
export function staffingFor(input: StaffingInput): Staffing {
  const { arrivals, ahtSeconds, intervalMinutes, slTarget, slSeconds } = input;
  if (!(arrivals >= 0) || !(ahtSeconds > 0) || !(intervalMinutes > 0) || !(slTarget >= 0 && slTarget < 1) || !(slSeconds >= 0)) {
    throw new RangeError('staffing: arrivals ≥ 0, AHT > 0, interval > 0, 0 ≤ slTarget < 1 and slSeconds ≥ 0 are required');
  }
  if (input.maxOccupancy !== undefined && !(input.maxOccupancy > 0 && input.maxOccupancy <= 1)) throw new RangeError('staffing: 0 < maxOccupancy ≤ 1 is required');
  const a = trafficErlangs(arrivals, ahtSeconds, intervalMinutes * 60);
  const describe = (n: number, forSl: number): Staffing => ({
    trafficErlangs: a,
    agents: n,
    serviceLevel: predictedServiceLevel(n, a, ahtSeconds, slSeconds),
    occupancy: n === 0 ? 0 : a / n,
    probabilityOfWaiting: erlangC(n, a),
    asaSeconds: predictedAsa(n, a, ahtSeconds),
    agentsForServiceLevel: forSl,
  });
  if (a === 0) return describe(0, 0);
  const tooMany = (field: 'arrivals' | 'maxOccupancy', why: string) =>
    new StaffingLimitError(field, `${why} needs more than ${MAX_AGENTS} agents (${a.toPrecision(6)} erlangs); at most ${MAX_AGENTS} agents are modelled per interval`);
  // Start at the first N that can keep up (N > A); the service level rises with N.
  let n = Math.floor(a) + 1;
  if (n > MAX_AGENTS) throw tooMany('arrivals', 'the traffic alone');
  let b = erlangB(n, a);
  const sl = (agents: number, blocking: number) => {
    const c = (agents * blocking) / (agents - a * (1 - blocking));
    return 1 - c * Math.exp((-(agents - a) * slSeconds) / ahtSeconds);
  };
  while (sl(n, b) < slTarget) {
    if (n >= MAX_AGENTS) throw tooMany('arrivals', 'the service-level goal');
    n += 1;
    b = (a * b) / (n + a * b);
  }
  const forSl = n;
  if (input.maxOccupancy !== undefined) {
    const needed = Math.ceil(a / input.maxOccupancy - 1e-9);
    if (needed > MAX_AGENTS) throw tooMany('maxOccupancy', `an occupancy ceiling of ${input.maxOccupancy}`);
    n = Math.max(n, needed);
  }
  return describe(n, forSl);
}
