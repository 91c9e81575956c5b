/**
 * Data-quality flags for the figures of one request or report (docs/metrics.md "Data-quality
 * flags"): the evidence is read once for the whole range, then every figure's flags come from
 * the pure rules in src/quality/flags.ts by its own period.
 */
import { reportingZone } from '../config/calendars.ts';
import type { Db } from '../../db/client.ts';
import { callsRules } from '../calls/rules.ts';
import type { AppConfig } from '../config/app-config.ts';
import { defaultDeliverEveryMinutes } from '../quality/config.ts';
import { feedsOf, flagsFor, narrowEvidence, periodDays, rejectedSince, rowFlags, type QualityEvidence, type QualityFlag, type Scope } from '../quality/flags.ts';
import { slaRules } from '../sla/rules.ts';
import { flagEvidence } from '../store/quality.ts';

export type { QualityFlag, Scope } from '../quality/flags.ts';

/** The zone a scope's periods are local to. */
function zoneOf(config: AppConfig, scope: Scope): string {
  if (scope === 'sla') return slaRules(config).zone;
  if (scope === 'calls') return callsRules(config).zone;
  // Availability and casework periods are reporting periods (src/config/calendars.ts).
  return reportingZone(config);
}

/** `N calls answered up to S s before they arrived …`: the N of an ingest run's skew warning. */
const skewCount = (warnings: readonly string[]) =>
  warnings.reduce((n, w) => n + Number(/^(\d+) calls? answered up to [\d.]+ s before (?:it|they) arrived/.exec(w)?.[1] ?? 0), 0);

/** The local days several periods cover together. */
const unionOf = (periods: readonly { fromDay: string; toDay: string }[]) => ({
  fromDay: periods.reduce((m, p) => (p.fromDay < m ? p.fromDay : m), periods[0]!.fromDay),
  toDay: periods.reduce((m, p) => (p.toDay > m ? p.toDay : m), periods[0]!.toDay),
});

/** One scope's local days (inclusive) whose flags a request shows. */
export type EvidenceAsk = { scope: Scope; fromDay: string; toDay: string };

/**
 * Reads the evidence for the flags of several scopes and ranges (a request's, a report's) in one
 * statement, and gives each ask exactly what a read of its own scope and range would give.
 */
export async function qualityEvidenceOf(db: Db, config: AppConfig, asks: readonly EvidenceAsk[]): Promise<QualityEvidence[]> {
  if (asks.length === 0) return [];
  const zones = asks.map((a) => zoneOf(config, a.scope));
  const sla = asks.filter((a) => a.scope === 'sla');
  const read = await flagEvidence(db, {
    feeds: [...new Set(asks.flatMap((a) => feedsOf[a.scope]))],
    since: new Date(Math.min(...asks.map((a, i) => rejectedSince(zones[i]!, a.fromDay)))),
    skewFeeds: asks.some((a) => a.scope === 'calls') ? feedsOf.calls : [],
    noHistory:
      sla.length === 0
        ? null
        : { zone: slaRules(config).zone, ...unionOf(sla) },
  });
  const all = {
    rejected: read.rejected,
    skew: read.skewRuns.map((r) => ({ feed: r.feed, count: skewCount(r.warnings), runStartedAt: r.runStartedAt, runTouchedDays: r.runTouchedDays })),
    lastDelivered: Object.fromEntries(read.delivered.filter((d) => d.at !== null).map((d) => [d.feed, d.at!])),
    deliverEveryMinutes: config.quality?.deliverEveryMinutes ?? defaultDeliverEveryMinutes,
    withoutHistory: read.withoutHistory,
  };
  return asks.map((a, i) => narrowEvidence({ ...all, zone: zones[i]! }, a.scope, a.fromDay, a.toDay));
}

/** Reads the evidence for the flags of `scope` over local days fromDay..toDay, in one statement. */
export async function qualityEvidence(db: Db, config: AppConfig, scope: Scope, fromDay: string, toDay: string): Promise<QualityEvidence> {
  return (await qualityEvidenceOf(db, config, [{ scope, fromDay, toDay }]))[0]!;
}

/** The flags of one figure of `scope` over a period (local days, inclusive), as of `now`. */
export async function qualityFlagsFor(db: Db, config: AppConfig, scope: Scope, period: { fromDay: string; toDay: string }, now: Date): Promise<QualityFlag[]> {
  const evidence = await qualityEvidence(db, config, scope, period.fromDay, period.toDay);
  return flagsFor(evidence, scope, period.fromDay, period.toDay, now.getTime());
}

type Flagged<T> = T & { flags: QualityFlag[] };

/** The local days of each row's period (`row.period`, else `fallback`); one parse per distinct period. */
function rowSpans(rows: readonly object[], fallback: { fromDay: string; toDay: string }) {
  const seen = new Map<string, { fromDay: string; toDay: string }>();
  return rows.map((r) => {
    const p = (r as { period?: unknown }).period;
    if (typeof p !== 'string') return fallback;
    let span = seen.get(p);
    if (!span) {
      const days = periodDays(p);
      seen.set(p, (span = days ? { fromDay: days[0], toDay: days[1] } : fallback));
    }
    return span;
  });
}

/** The local days every row's period covers together: what the evidence for `rows` must span. */
export function flagRange(rows: readonly object[], fallback: { fromDay: string; toDay: string }): { fromDay: string; toDay: string } | null {
  const spans = rowSpans(rows, fallback);
  return spans.length === 0 ? null : unionOf(spans);
}

/**
 * Adds `flags` to every row from evidence already read for a range holding the rows' periods
 * (`qualityEvidence`, possibly read beside the rows): the same flags as `withFlags`. Rows of one
 * period share the evaluation of the scope's flags.
 */
export function flagRows<T extends object>(evidence: QualityEvidence, scope: Scope, rows: readonly T[], fallback: { fromDay: string; toDay: string }, now: Date): Flagged<T>[] {
  const range = flagRange(rows, fallback);
  if (!range) return [];
  const e = narrowEvidence(evidence, scope, range.fromDay, range.toDay);
  const spans = rowSpans(rows, fallback);
  const bySpan = new Map<string, QualityFlag[]>();
  return rows.map((r, i) => {
    const { fromDay, toDay } = spans[i]!;
    const key = `${fromDay}|${toDay}`;
    let flags = bySpan.get(key);
    if (!flags) bySpan.set(key, (flags = flagsFor(e, scope, fromDay, toDay, now.getTime())));
    const own = rowFlags(r as Record<string, unknown>);
    // Object.assign, not `{ ...r, flags }`: see `figure` in src/calls/targets.ts (V8's slow path).
    return Object.assign({}, r, { flags: own.length === 0 ? [...flags] : [...flags, ...own] }) as Flagged<T>;
  });
}

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
  const range = flagRange(rows, fallback);
  if (!range) return [];
  const evidence = await qualityEvidence(deps.db, deps.config, scope, range.fromDay, range.toDay);
  return flagRows(evidence, scope, rows, fallback, deps.now());
}

/** The scope a catalogue figure (`sla.…`, `calls.…`, …) draws on; null for supplied measures. */
export function scopeOfFigure(figure: string | undefined | null): Scope | null {
  const head = figure?.split('.')[0];
  return head === 'sla' || head === 'calls' || head === 'availability' || head === 'casework' ? head : null;
}

/**
 * The flags of several periods of several scopes (a report's months of tickets, its month of
 * calls, …): each scope's evidence as read for all its periods together, every scope in one read.
 */
export async function flagsForScopes(deps: { db: Db; config: AppConfig; now: () => Date }, asks: readonly { scope: Scope; periods: readonly { fromDay: string; toDay: string }[] }[]): Promise<QualityFlag[][][]> {
  const used = asks.filter((a) => a.periods.length > 0);
  const evidence = await qualityEvidenceOf(deps.db, deps.config, used.map((a) => ({ scope: a.scope, ...unionOf(a.periods) })));
  const now = deps.now().getTime();
  return asks.map((a) => {
    const e = evidence[used.indexOf(a)];
    return a.periods.map((p) => flagsFor(e!, a.scope, p.fromDay, p.toDay, now));
  });
}

/** The flags of several periods of one scope (e.g. today and the month so far), from one read of the evidence. */
export async function flagsForPeriods(deps: { db: Db; config: AppConfig; now: () => Date }, scope: Scope, periods: readonly { fromDay: string; toDay: string }[]): Promise<QualityFlag[][]> {
  return (await flagsForScopes(deps, [{ scope, periods }]))[0]!;
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
