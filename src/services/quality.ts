/**
 * Data-quality flags for the figures of one request or report (docs/metrics.md "Data-quality
 * flags"): the evidence is read once for the whole range, then every figure's flags come from
 * the pure rules in src/quality/flags.ts by its own period.
 */
import { reportingZone } from '../config/calendars.ts';
import type { Db } from '../../db/client.ts';
import { parseDayKey, localToUtc } from '../calendar/zone.ts';
import { callsRules } from '../calls/rules.ts';
import type { AppConfig } from '../config/app-config.ts';
import { defaultDeliverEveryMinutes } from '../quality/config.ts';
import { feedsOf, flagsFor, periodDays, rowFlags, type QualityEvidence, type QualityFlag, type Scope } from '../quality/flags.ts';
import { slaRules } from '../sla/rules.ts';
import { currentRejectedRows, currentSkewRuns, lastDeliveries, ticketsWithoutHistory } from '../store/quality.ts';

export type { QualityFlag, Scope } from '../quality/flags.ts';

/** The zone a scope's periods are local to. */
function zoneOf(config: AppConfig, scope: Scope): string {
  if (scope === 'sla') return slaRules(config).zone;
  if (scope === 'calls') return callsRules(config).zone;
  // Availability and casework periods are reporting periods (src/config/calendars.ts).
  return reportingZone(config);
}

const dayStart = (zone: string, day: string) => {
  const [y, m, d] = parseDayKey(day)!;
  return new Date(localToUtc(zone, y, m, d, 0));
};

/** `N calls answered up to S s before they arrived …`: the N of an ingest run's skew warning. */
const skewCount = (warnings: readonly string[]) =>
  warnings.reduce((n, w) => n + Number(/^(\d+) calls? answered up to [\d.]+ s before (?:it|they) arrived/.exec(w)?.[1] ?? 0), 0);

/** Reads the evidence for the flags of `scope` over local days fromDay..toDay, in one set of queries. */
export async function qualityEvidence(db: Db, config: AppConfig, scope: Scope, fromDay: string, toDay: string): Promise<QualityEvidence> {
  const zone = zoneOf(config, scope);
  const feeds = feedsOf[scope];
  const [rejected, skewRuns, delivered, withoutHistory] = await Promise.all([
    currentRejectedRows(db, feeds, new Date(dayStart(zone, fromDay).getTime() - 86_400_000)),
    scope === 'calls' ? currentSkewRuns(db, feeds) : Promise.resolve([]),
    lastDeliveries(db, feeds),
    scope === 'sla' ? ticketsWithoutHistory(db, zone, fromDay, toDay) : Promise.resolve([]),
  ]);
  return {
    zone,
    rejected: rejected.map((r) => ({ feed: r.feed, raw: r.raw, runStartedAt: r.runStartedAt.getTime(), runTouchedDays: r.runTouchedDays })),
    skew: skewRuns.map((r) => ({ feed: r.feed, count: skewCount(r.warnings), runStartedAt: r.runStartedAt.getTime(), runTouchedDays: r.runTouchedDays })),
    lastDelivered: Object.fromEntries(delivered.filter((d) => d.at !== null).map((d) => [d.feed, new Date(d.at!).getTime()])),
    deliverEveryMinutes: config.quality?.deliverEveryMinutes ?? defaultDeliverEveryMinutes,
    withoutHistory,
  };
}

/** The flags of one figure of `scope` over a period (local days, inclusive), as of `now`. */
export async function qualityFlagsFor(db: Db, config: AppConfig, scope: Scope, period: { fromDay: string; toDay: string }, now: Date): Promise<QualityFlag[]> {
  const evidence = await qualityEvidence(db, config, scope, period.fromDay, period.toDay);
  return flagsFor(evidence, scope, period.fromDay, period.toDay, now.getTime());
}

type Flagged<T> = T & { flags: QualityFlag[] };

/**
 * Adds `flags` to every row (every existing field kept): the scope's flags over the row's own
 * period (`row.period`, else `fallback`), plus the flags readable from the row itself (coverage,
 * talk-only AHT). One read of the evidence for all the rows.
 */
export async function withFlags<T extends object>(
  deps: { db: Db; config: AppConfig; now: () => Date },
  scope: Scope,
  rows: readonly T[],
  fallback: { fromDay: string; toDay: string },
): Promise<Flagged<T>[]> {
  const spans = rows.map((r) => {
    const p = (r as { period?: unknown }).period;
    const days = typeof p === 'string' ? periodDays(p) : null;
    return days ? { fromDay: days[0], toDay: days[1] } : fallback;
  });
  if (rows.length === 0) return [];
  const fromDay = spans.reduce((m, s) => (s.fromDay < m ? s.fromDay : m), spans[0]!.fromDay);
  const toDay = spans.reduce((m, s) => (s.toDay > m ? s.toDay : m), spans[0]!.toDay);
  const evidence = await qualityEvidence(deps.db, deps.config, scope, fromDay, toDay);
  const now = deps.now().getTime();
  return rows.map((r, i) => ({ ...r, flags: [...flagsFor(evidence, scope, spans[i]!.fromDay, spans[i]!.toDay, now), ...rowFlags(r as Record<string, unknown>)] }));
}

/** The scope a catalogue figure (`sla.…`, `calls.…`, …) draws on; null for supplied measures. */
export function scopeOfFigure(figure: string | undefined | null): Scope | null {
  const head = figure?.split('.')[0];
  return head === 'sla' || head === 'calls' || head === 'availability' || head === 'casework' ? head : null;
}

/** The flags of several periods of one scope (e.g. today and the month so far), from one read of the evidence. */
export async function flagsForPeriods(deps: { db: Db; config: AppConfig; now: () => Date }, scope: Scope, periods: readonly { fromDay: string; toDay: string }[]): Promise<QualityFlag[][]> {
  if (periods.length === 0) return [];
  const fromDay = periods.reduce((m, p) => (p.fromDay < m ? p.fromDay : m), periods[0]!.fromDay);
  const toDay = periods.reduce((m, p) => (p.toDay > m ? p.toDay : m), periods[0]!.toDay);
  const evidence = await qualityEvidence(deps.db, deps.config, scope, fromDay, toDay);
  return periods.map((p) => flagsFor(evidence, scope, p.fromDay, p.toDay, deps.now().getTime()));
}

/**
 * A measure's values with flags: a computed measure's values carry its figure family's flags
 * over each value's period; supplied values (from people, not feeds) carry none.
 */
export async function withMeasureFlags<T extends { code: string; values: readonly { period: string }[] }>(deps: { db: Db; config: AppConfig; now: () => Date }, result: T) {
  const scope = scopeOfFigure(deps.config.measures.find((m) => m.code === result.code)?.figure);
  const dated = result.values.filter((v) => periodDays(v.period) !== null);
  if (!scope || dated.length === 0) return { ...result, values: result.values.map((v) => ({ ...v, flags: [] as QualityFlag[] })) };
  const [first] = periodDays(dated[0]!.period)!;
  return { ...result, values: await withFlags(deps, scope, result.values, { fromDay: first, toDay: first }) };
}

/**
 * The supervisor's today (`callsNow`) with `todaySoFar.flags`: the calls flags of today (rejected
 * rows, stale feed, clock skew) plus talk-only AHT read from today's counts.
 */
export async function withTodayFlags<T extends { today: string; todaySoFar: object }>(deps: { db: Db; config: AppConfig; now: () => Date }, answer: T) {
  const [flags] = await flagsForPeriods(deps, 'calls', [{ fromDay: answer.today, toDay: answer.today }]);
  return { ...answer, todaySoFar: { ...answer.todaySoFar, flags: [...flags!, ...rowFlags(answer.todaySoFar as Record<string, unknown>)] } };
}
