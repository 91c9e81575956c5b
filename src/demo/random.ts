/**
 * Small seeded pseudo-random generator for the demo feeds: the same seed always gives the
 * same sequence, on every machine (mulberry32; 32-bit state, plenty for demo data).
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer uniform in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number;
  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** One value, with probability proportional to its (non-negative) weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /** Exponentially distributed value with the given mean. */
  exponential(mean: number): number;
  /** Log-normally distributed value: `median · e^(sigma·Z)`, Z standard normal. */
  lognormal(median: number, sigma: number): number;
  /** Standard normal value (Box–Muller). */
  normal(): number;
  /** True with probability p. */
  chance(p: number): boolean;
}

/** Mixes any number of integers into one 32-bit seed (for independent sub-streams). */
export function hashSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    // Split the number into two 32-bit halves so large integers still mix fully.
    const lo = part >>> 0;
    const hi = Math.floor(part / 0x100000000) >>> 0;
    for (const word of [lo, hi]) {
      h = Math.imul(h ^ word, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

export function createRandom(seed: number): Random {
  let state = hashSeed(seed);

  const next = (): number => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const normal = (): number => {
    const u1 = 1 - next(); // (0, 1]: log is finite
    const u2 = next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };

  return {
    next,
    int(lo, hi) {
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
        throw new RangeError(`int(${lo}, ${hi}): need integers with lo <= hi`);
      }
      return lo + Math.floor(next() * (hi - lo + 1));
    },
    pick(items) {
      if (items.length === 0) throw new RangeError('pick: empty array');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    weighted(entries) {
      let total = 0;
      for (const [, w] of entries) {
        if (!(w >= 0)) throw new RangeError(`weighted: bad weight ${w}`);
        total += w;
      }
      if (total <= 0) throw new RangeError('weighted: no positive weight');
      let r = next() * total;
      for (const [value, w] of entries) {
        if (r < w) return value;
        r -= w;
      }
      // Floating-point rounding: fall back to the last entry with a positive weight.
      for (let i = entries.length - 1; i >= 0; i--) {
        const entry = entries[i];
        if (entry && entry[1] > 0) return entry[0];
      }
      throw new RangeError('weighted: unreachable');
    },
    exponential(mean) {
      return -mean * Math.log(1 - next());
    },
    lognormal(median, sigma) {
      return median * Math.exp(sigma * normal());
    },
    normal,
    chance(p) {
      return next() < p;
    },
  };
}
