import { localDayNumber } from './zone.ts';

const QUARTER_HOUR_MS = 900_000;

/**
 * The local day number of an instant in `zone`, memoised per UTC quarter hour: zone offsets
 * change on quarter hours at most, so every instant of one quarter hour has the same local day.
 * Hot loops over calls and emails use it instead of a zone lookup per row; the memo is cleared
 * past `maxEntries` quarter hours (about 5 years at the default) so it stays bounded.
 */
export function localDayMemo(zone: string, maxEntries = 200_000): (ms: number) => number {
  const memo = new Map<number, number>();
  return (ms: number) => {
    const q = Math.floor(ms / QUARTER_HOUR_MS);
    let d = memo.get(q);
    if (d === undefined) {
      d = localDayNumber(zone, ms);
      if (memo.size >= maxEntries) memo.clear();
      memo.set(q, d);
    }
    return d;
  };
}
