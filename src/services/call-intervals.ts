import type { Db } from '../../db/client.ts';
import { zoneOffsetMs } from '../calendar/zone.ts';
import { countVisits, emptyCallCounts, mergeCallCounts, type CallCounts, type CountOptions } from '../calls/kpis.ts';
import { intervalStart, localIsoMinute } from '../calls/periods.ts';
import { INTERVAL_MS, intervalCountThresholds, intervalCountsBetween } from '../store/call-intervals.ts';
import { visitsArrivedBetween } from '../store/calls.ts';

/** Each instant is a UTC quarter hour and a local one in `zone`: condition (b) below. */
function quarterHoursAligned(zone: string, instants: readonly number[]): boolean {
  return instants.every((ms) => ms % INTERVAL_MS === 0 && zoneOffsetMs(zone, ms) % INTERVAL_MS === 0);
}

/**
 * `read` of the stored per-interval counts (`call_interval_counts`, issue 12) for today's figures
 * and the intra-day rows, or null when they cannot serve and the caller counts the visits as
 * before. They are kept equal to a recount of the visits by triggers, so a read gives the same
 * figures as counting the visits, as long as (a) they were counted with the thresholds asked for,
 * and (b) the zone's offset is a whole number of quarter hours at each of `instants`, so each
 * stored UTC quarter hour lies in one local interval. The thresholds are read beside `read` (one
 * wave), so a read that cannot serve is thrown away.
 */
export async function fromStoredIntervals<T>(db: Db, count: CountOptions, zone: string, instants: readonly number[], read: () => Promise<T>): Promise<T | null> {
  if (!quarterHoursAligned(zone, instants)) return null;
  const [stored, value] = await Promise.all([intervalCountThresholds(db), read()]);
  return stored !== null && stored.shortAbandonSeconds === count.shortAbandonSeconds && stored.serviceLevelSeconds === count.serviceLevelSeconds ? value : null;
}

/** The UTC quarter hour holding `ms`: the stored intervals' boundaries. */
export const quarterHourStart = (ms: number) => Math.floor(ms / INTERVAL_MS) * INTERVAL_MS;

/**
 * Today's counts so far, from the local day's start to `now`: the stored quarter hours plus the
 * one in progress, or every visit of the day counted one by one when the stored counts cannot
 * serve (other thresholds, a zone whose offset is not whole quarter hours). The one home for it:
 * `/calls/now` and the month-end forecast (a day's visits counted one by one took ~0.9 s at a
 * large centre's 330,000 a day).
 */
export async function todayCountsSoFar(db: Db, count: CountOptions, zone: string, dayStart: number, now: number, queue?: string): Promise<CallCounts> {
  const stored = await fromStoredIntervals(db, count, zone, [dayStart, quarterHourStart(now)], () => countsSoFar(db, dayStart, now, count, queue));
  if (stored) return stored;
  const visits = [];
  for await (const page of visitsArrivedBetween(db, new Date(dayStart), new Date(now + 1), { queue })) visits.push(...page);
  return countVisits(visits, count);
}

/**
 * Counts of the visits that arrived in [from, at]: the stored intervals already complete at `at`,
 * plus the visits of the interval in progress counted one by one (those arrived after `at` are
 * not today's "so far"). `from` is a quarter-hour boundary.
 */
export async function countsSoFar(db: Db, from: number, at: number, count: CountOptions, queue?: string): Promise<CallCounts> {
  const cut = Math.max(from, quarterHourStart(at));
  const counts = emptyCallCounts();
  const currentVisits = async () => {
    const current = [];
    for await (const page of visitsArrivedBetween(db, new Date(cut), new Date(at + 1), { queue })) current.push(...page);
    return current;
  };
  // The two reads are independent: one wave.
  const [stored, current] = await Promise.all([intervalCountsBetween(db, new Date(from), new Date(cut), { queue }), currentVisits()]);
  for (const row of stored) mergeCallCounts(counts, row.counts);
  return mergeCallCounts(counts, countVisits(current, count));
}

/**
 * Counts per local interval of `minutes` (15, 30 or 60) over [from, to), keyed by the interval's
 * label (`localIsoMinute` of its start), summed from the stored quarter hours.
 */
export async function intervalPeriodCounts(db: Db, zone: string, from: number, to: number, minutes: number, queue?: string): Promise<Map<string, CallCounts>> {
  const out = new Map<string, CallCounts>();
  for (const row of await intervalCountsBetween(db, new Date(from), new Date(to), { queue })) {
    const label = localIsoMinute(zone, intervalStart(zone, row.start, minutes));
    const cell = out.get(label);
    if (cell) mergeCallCounts(cell, row.counts);
    else out.set(label, row.counts);
  }
  return out;
}
