/**
 * Interval arithmetic over UTC epoch milliseconds (METRICS.md §4). Pure.
 *
 * An interval is half-open [start, end). A *list* is normalised when sorted, non-empty and
 * neither overlapping nor touching; every function below returns normalised lists, and the
 * binary ones expect normalised inputs (run `normalize` on anything from outside).
 */

export type Interval = readonly [number, number];

/** Sorted, empty intervals dropped, overlapping and touching ones merged (METRICS.md §4). */
export function normalize(list: Iterable<Interval>): Interval[] {
  const sorted = [...list].filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) {
      if (e > last[1]) last[1] = e;
    } else out.push([s, e]);
  }
  return out;
}

/** a ∪ b ∪ … of normalised or raw lists (METRICS.md §4). */
export function union(...lists: ReadonlyArray<Interval>[]): Interval[] {
  return normalize(lists.flat());
}

/** a ∩ b of two normalised lists, by a linear merge (METRICS.md §4). */
export function intersect(a: ReadonlyArray<Interval>, b: ReadonlyArray<Interval>): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [as, ae] = a[i]!;
    const [bs, be] = b[j]!;
    const s = as > bs ? as : bs;
    const e = ae < be ? ae : be;
    if (e > s) out.push([s, e]);
    if (ae < be) i++;
    else j++;
  }
  return out;
}

/** a − b of two normalised lists (METRICS.md §4). */
export function subtract(a: ReadonlyArray<Interval>, b: ReadonlyArray<Interval>): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const [as, ae] of a) {
    let cursor = as;
    while (j < b.length && b[j]![1] <= cursor) j++;
    let k = j;
    while (k < b.length && b[k]![0] < ae) {
      const [bs, be] = b[k]!;
      if (bs > cursor) out.push([cursor, bs]);
      if (be > cursor) cursor = be;
      if (cursor >= ae) break;
      k++;
    }
    if (cursor < ae) out.push([cursor, ae]);
  }
  return out;
}

/** Total length of a normalised list, in ms. */
export function totalMs(list: ReadonlyArray<Interval>): number {
  let t = 0;
  for (const [s, e] of list) t += e - s;
  return t;
}

/**
 * Total overlap (ms) of a normalised list with each of the consecutive periods given by their
 * boundaries `bounds[0] < bounds[1] < …`: one pass over both, for per-day and per-month sums.
 */
export function measureByPeriod(list: ReadonlyArray<Interval>, bounds: readonly number[]): number[] {
  const out = new Array<number>(Math.max(0, bounds.length - 1)).fill(0);
  let p = 0;
  for (const [s, e] of list) {
    while (p < out.length && bounds[p + 1]! <= s) p++;
    for (let q = p; q < out.length && bounds[q]! < e; q++) {
      const from = s > bounds[q]! ? s : bounds[q]!;
      const to = e < bounds[q + 1]! ? e : bounds[q + 1]!;
      if (to > from) out[q]! += to - from;
    }
  }
  return out;
}
