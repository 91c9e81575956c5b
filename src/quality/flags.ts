/**
 * Data-quality flags (METRICS.md "Data-quality flags"; docs/metrics.md): what is known to be
 * wrong or missing in the evidence behind a figure. Pure: evidence rows and `now` in, flags out;
 * no database, no clock.
 */
import { z } from 'zod';
import { periodEndDay, periodStartDay } from '../sla/periods.ts';
import { addDays, isValidDate, localDayKey, localToUtc, parseDayKey } from '../calendar/zone.ts';

export const flagCodes = ['rejected_rows', 'stale_feed', 'unknown_time', 'aht_talk_only', 'clock_skew', 'no_history'] as const;
export type FlagCode = (typeof flagCodes)[number];

/** One flag on one figure: a code for machines, a sentence for people, and how much evidence (the API's response schema). */
export const qualityFlagSchema = z.object({ code: z.enum(flagCodes), feed: z.string().nullable(), message: z.string(), count: z.number().int().min(0) });
export type QualityFlag = z.infer<typeof qualityFlagSchema>;

/** The families of figures; each is fed by its own feeds (ingest run `feed` names). */
export const scopes = ['sla', 'calls', 'availability', 'casework'] as const;
export type Scope = (typeof scopes)[number];
export const feedsOf: Record<Scope, readonly string[]> = {
  sla: ['tickets', 'ticket-history'],
  calls: ['calls', 'emails'],
  availability: ['outages'],
  casework: ['cases'],
};

/** A quarantined row of a run that no later successful run of the same file replaced. */
export type RejectedEvidence = { feed: string; raw: string; runStartedAt: number; runTouchedDays: readonly string[] };
/** A current (not replaced) run that read times corrected for clock skew. */
export type SkewEvidence = { feed: string; count: number; runStartedAt: number; runTouchedDays: readonly string[] };

export type QualityEvidence = {
  /** Zone that local days (periods) are read in. */
  zone: string;
  rejected: readonly RejectedEvidence[];
  skew: readonly SkewEvidence[];
  /** Last successful delivery per feed (epoch ms), and the cadence each is expected at (minutes). */
  lastDelivered: Readonly<Record<string, number>>;
  deliverEveryMinutes: Readonly<Record<string, number>>;
  /** Tickets without status history, by local opening day (only sources that deliver history). */
  withoutHistory: ReadonlyArray<{ day: string; n: number }>;
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The local day a rejected row is about: the first date readable in its raw text — ISO
 * `YYYY-MM-DD`, day-first `d/M/yyyy` (the UK exports), or a queue_log line's leading epoch
 * seconds — or null when none is (then the row is attributed by its run).
 */
export function rejectedRowDay(raw: string, zone: string): string | null {
  const epoch = /^(\d{9,10})\|/.exec(raw);
  if (epoch) return localDayKey(zone, Number(epoch[1]) * 1000);
  const candidates: { at: number; day: string }[] = [];
  const iso = /(\d{4})-(\d{2})-(\d{2})/g;
  for (let m = iso.exec(raw); m; m = iso.exec(raw)) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (isValidDate(y, mo, d)) {
      candidates.push({ at: m.index, day: `${m[1]}-${m[2]}-${m[3]}` });
      break;
    }
  }
  const dmy = /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g;
  for (let m = dmy.exec(raw); m; m = dmy.exec(raw)) {
    const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (isValidDate(y, mo, d)) {
      candidates.push({ at: m.index, day: `${m[3]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}` });
      break;
    }
  }
  candidates.sort((a, b) => a.at - b.at);
  return candidates[0]?.day ?? null;
}

/** A run belongs to a period when it touched a day in it, or (touching none) started in it. */
function runInPeriod(run: { runStartedAt: number; runTouchedDays: readonly string[] }, zone: string, fromDay: string, toDay: string): boolean {
  const within = (d: string) => d >= fromDay && d <= toDay;
  if (run.runTouchedDays.length > 0) return run.runTouchedDays.some(within);
  return within(localDayKey(zone, run.runStartedAt));
}

/** Instant where a local day starts in `zone`. */
function dayStart(zone: string, day: string): number {
  const [y, m, d] = parseDayKey(day)!;
  return localToUtc(zone, y, m, d, 0);
}

/**
 * Where the rejected rows of a range start: a row is exported after the day it is about, so runs
 * started before the range's first day (less a day for zones) cannot hold its rows; this keeps a
 * recent period from reading all history.
 */
export function rejectedSince(zone: string, fromDay: string): number {
  return dayStart(zone, fromDay) - 86_400_000;
}

/**
 * The evidence of local days fromDay..toDay out of evidence read for a range holding them (one
 * read serving several ranges or scopes): what a read of that range alone would have given.
 */
export function narrowEvidence(e: QualityEvidence, scope: Scope, fromDay: string, toDay: string): QualityEvidence {
  const feeds = feedsOf[scope];
  const since = rejectedSince(e.zone, fromDay);
  return {
    ...e,
    rejected: e.rejected.filter((r) => feeds.includes(r.feed) && r.runStartedAt >= since),
    skew: scope === 'calls' ? e.skew.filter((r) => feeds.includes(r.feed)) : [],
    lastDelivered: Object.fromEntries(Object.entries(e.lastDelivered).filter(([feed]) => feeds.includes(feed))),
    withoutHistory: scope === 'sla' ? e.withoutHistory.filter((h) => h.day >= fromDay && h.day <= toDay) : [],
  };
}

/**
 * The flags of every figure of `scope` over the local days fromDay..toDay (inclusive), as of
 * `now`. Row-level flags (unknown time, talk-only AHT) come from `rowFlags`.
 */
export function flagsFor(e: QualityEvidence, scope: Scope, fromDay: string, toDay: string, now: number): QualityFlag[] {
  const feeds = feedsOf[scope];
  const flags: QualityFlag[] = [];
  for (const feed of feeds) {
    const rejected = e.rejected.filter((r) => {
      if (r.feed !== feed) return false;
      const day = rejectedRowDay(r.raw, e.zone);
      return day === null ? runInPeriod(r, e.zone, fromDay, toDay) : day >= fromDay && day <= toDay;
    }).length;
    if (rejected > 0) flags.push({ code: 'rejected_rows', feed, count: rejected, message: `${plural(rejected, 'row')} of the ${feed} feed for this period ${rejected === 1 ? 'was' : 'were'} rejected and ${rejected === 1 ? 'is' : 'are'} not counted.` });
  }
  for (const feed of feeds) {
    const every = e.deliverEveryMinutes[feed];
    const last = e.lastDelivered[feed];
    if (every === undefined || last === undefined) continue;
    const silentMs = now - last;
    // Only figures whose period runs past the last delivery can be missing what came since.
    const periodEnd = dayStart(e.zone, addDays(toDay, 1));
    if (silentMs > every * 60_000 && periodEnd > last) {
      const hours = Math.floor(silentMs / 3_600_000);
      flags.push({ code: 'stale_feed', feed, count: hours, message: `The ${feed} feed has not delivered for ${plural(hours, 'hour')} (expected every ${every / 60} h): recent data may be missing.` });
    }
  }
  const skewed = e.skew.filter((s) => feeds.includes(s.feed) && runInPeriod(s, e.zone, fromDay, toDay)).reduce((n, s) => n + s.count, 0);
  if (skewed > 0) flags.push({ code: 'clock_skew', feed: 'calls', count: skewed, message: `${plural(skewed, 'call')} answered before ${skewed === 1 ? 'it' : 'they'} arrived (two systems' clocks) ${skewed === 1 ? 'was' : 'were'} read as answered on arrival.` });
  if (scope === 'sla') {
    const n = e.withoutHistory.filter((h) => h.day >= fromDay && h.day <= toDay).reduce((s, h) => s + h.n, 0);
    if (n > 0) flags.push({ code: 'no_history', feed: 'ticket-history', count: n, message: `${plural(n, 'ticket')} opened in this period ${n === 1 ? 'has' : 'have'} no status history: pauses are not counted for ${n === 1 ? 'it' : 'them'}.` });
  }
  return flags;
}

/**
 * Flags readable from a figure's own row: availability coverage below 100% (unknown time,
 * METRICS.md §4) and AHT that is talk-only for some handled calls (METRICS.md §3).
 */
export function rowFlags(row: Record<string, unknown>): QualityFlag[] {
  const flags: QualityFlag[] = [];
  if (typeof row.coverage === 'number' && row.coverage < 1) {
    const minutes = typeof row.unknownSeconds === 'number' ? Math.round(row.unknownSeconds / 60) : 0;
    flags.push({ code: 'unknown_time', feed: null, count: minutes, message: `Coverage ${(Math.floor(row.coverage * 1000) / 10).toFixed(1)}%: ${plural(minutes, 'minute')} of core time had no evidence (unknown) and ${minutes === 1 ? 'is' : 'are'} left out.` });
  }
  if (typeof row.handledTalkOnly === 'number' && row.handledTalkOnly > 0) {
    const n = row.handledTalkOnly;
    flags.push({ code: 'aht_talk_only', feed: 'calls', count: n, message: `AHT is talk-only for ${plural(n, 'handled call')} (the feed gave no hold or wrap time).` });
  }
  return flags;
}

/** Local first and last day of a row's period label (day, week, month, quarter, year, or an interval's `YYYY-MM-DDTHH:MM…`). */
export function periodDays(period: string): [string, string] | null {
  const interval = /^(\d{4}-\d{2}-\d{2})T/.exec(period);
  if (interval) return [interval[1]!, interval[1]!];
  try {
    return [periodStartDay(period), periodEndDay(period)];
  } catch {
    return null;
  }
}

/** Distinct flag sentences of many figures, for a report's list of the month's flags. */
export function distinctFlags(lists: Iterable<readonly QualityFlag[]>): QualityFlag[] {
  const seen = new Map<string, QualityFlag>();
  for (const list of lists) for (const f of list) if (!seen.has(`${f.code}|${f.message}`)) seen.set(`${f.code}|${f.message}`, f);
  return [...seen.values()];
}
