/** Stored call and email figures per local day and month (METRICS.md §3): recompute what changed. */
import type { Db } from '../../db/client.ts';
import { addDays } from '../calendar/zone.ts';
import { countEmailsByPeriod, emptyEmailCounts, mergeEmailCounts, type EmailCounts } from '../calls/emails.ts';
import { emptyCallCounts, mergeCallCounts, type CallCounts } from '../calls/kpis.ts';
import { createCallAccumulator, dayStartMs } from '../calls/periods.ts';
import { CALLS_METRIC, EMAILS_METRIC, type CallsRules } from '../calls/rules.ts';
import {
  changedEmailDays,
  changedVisitDays,
  databaseNow,
  emailContactsBetween,
  getComputeMark,
  metricDayRowsOfMonths,
  replaceMetricDays,
  replaceMetricMonthRows,
  setComputeMark,
  visitsArrivedBetween,
  type MetricRow,
} from '../store/calls.ts';
import { ensureIntervalCountThresholds } from '../store/call-intervals.ts';

/** Runs of consecutive local days, so each run is fetched with one range query. */
function consecutiveRuns(days: readonly string[]): [string, string][] {
  const sorted = [...new Set(days)].sort();
  const runs: [string, string][] = [];
  for (const d of sorted) {
    const last = runs[runs.length - 1];
    if (last && addDays(last[1], 1) === d) last[1] = d;
    else runs.push([d, d]);
  }
  return runs;
}

const dimsOf = (name: string, value: string | null) => (value === null ? { dims: {}, dimKey: '' } : { dims: { [name]: value }, dimKey: `${name}=${value}` });

/** Month rows as the sum of the stored day rows (Σ numerators, Σ denominators; maxima as maxima). */
async function rollUpMonths<C extends Record<string, number>>(
  db: Db,
  metric: string,
  months: string[],
  empty: () => C,
  merge: (a: C, b: Partial<C>) => C,
  extra: Record<string, number>,
  now: Date,
) {
  const rows = await metricDayRowsOfMonths(db, metric, months);
  const cells = new Map<string, MetricRow & { counts: C }>();
  for (const r of rows) {
    const period = r.period.slice(0, 7);
    const key = `${period}\u0000${r.dimKey}`;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { grain: 'month', period, dims: r.dims, dimKey: r.dimKey, counts: empty() }));
    merge(cell.counts, r.counts as Partial<C>);
  }
  const out = [...cells.values()].map((c) => ({ ...c, counts: { ...c.counts, ...extra } }));
  await replaceMetricMonthRows(db, metric, months, out, now);
  return out.length;
}

/**
 * Recomputes the stored call figures of local `days` from the visits (every queue and all
 * queues), then the months holding them from the day rows.
 */
export async function recomputeCallDays(db: Db, rules: CallsRules, days: readonly string[], now: Date) {
  if (days.length === 0) return { days: 0, rows: 0 };
  const thresholds = { shortAbandonSeconds: rules.count.shortAbandonSeconds, serviceLevelSeconds: rules.count.serviceLevelSeconds };
  const rows: MetricRow[] = [];
  for (const [first, last] of consecutiveRuns(days)) {
    const acc = createCallAccumulator({ zone: rules.zone, grain: 'day', count: rules.count, byQueue: true });
    const from = new Date(dayStartMs(rules.zone, first));
    const to = new Date(dayStartMs(rules.zone, addDays(last, 1)));
    for await (const page of visitsArrivedBetween(db, from, to)) for (const v of page) acc.add(v);
    for (const r of acc.rows()) rows.push({ grain: 'day', period: r.period, ...dimsOf('queue', r.queue), counts: { ...r.counts, ...thresholds } });
  }
  await replaceMetricDays(db, CALLS_METRIC, days, rows, now);
  const months = [...new Set(days.map((d) => d.slice(0, 7)))].sort();
  const monthRows = await rollUpMonths<CallCounts>(db, CALLS_METRIC, months, emptyCallCounts, mergeCallCounts, thresholds, now);
  return { days: days.length, rows: rows.length + monthRows };
}

/** Recomputes the stored email figures of local `days` (by receipt and processing), then their months. */
export async function recomputeEmailDays(db: Db, rules: CallsRules, days: readonly string[], now: Date) {
  if (days.length === 0) return { days: 0, rows: 0 };
  const keep = new Set(days);
  const rows: MetricRow[] = [];
  for (const [first, last] of consecutiveRuns(days)) {
    const from = new Date(dayStartMs(rules.zone, first));
    const to = new Date(dayStartMs(rules.zone, addDays(last, 1)));
    const contacts = await emailContactsBetween(db, from, to);
    for (const r of countEmailsByPeriod(contacts, rules.zone, 'day', keep)) rows.push({ grain: 'day', period: r.period, ...dimsOf('mailbox', r.mailbox), counts: r.counts });
  }
  await replaceMetricDays(db, EMAILS_METRIC, days, rows, now);
  const months = [...new Set(days.map((d) => d.slice(0, 7)))].sort();
  const monthRows = await rollUpMonths<EmailCounts>(db, EMAILS_METRIC, months, emptyEmailCounts, mergeEmailCounts, {}, now);
  return { days: days.length, rows: rows.length + monthRows };
}

// Changes are found by `updated_at` after the last run's watermark, less a margin: a batch
// committed just after the previous run read the clock has an `updated_at` (its transaction's
// start) a little before it. Recomputing a day twice is harmless.
const MARGIN_MS = 5 * 60_000;

/**
 * The compute job's work: the local days whose visits or email contacts changed since the last
 * run (every day on the first run, or when the thresholds changed), recomputed and stored.
 */
export async function computeCalls(db: Db, rules: CallsRules, now: Date, extraDays: readonly string[] = []) {
  // The thresholds are part of the watermark's name: changing them recomputes everything.
  const visitMark = `visits:short=${rules.count.shortAbandonSeconds}:sl=${rules.count.serviceLevelSeconds}`;
  // The per-interval counts follow the visits by themselves; only new thresholds recount them.
  await ensureIntervalCountThresholds(db, rules.count);
  const started = await databaseNow(db);
  const since = await getComputeMark(db, visitMark);
  const visitDays = [...new Set([...(await changedVisitDays(db, rules.zone, since && new Date(since.getTime() - MARGIN_MS))), ...extraDays])].sort();
  const calls = await recomputeCallDays(db, rules, visitDays, now);
  await setComputeMark(db, visitMark, started);
  const emailSince = await getComputeMark(db, 'emails');
  const emailDays = [...new Set([...(await changedEmailDays(db, rules.zone, emailSince && new Date(emailSince.getTime() - MARGIN_MS))), ...extraDays])].sort();
  const emails = await recomputeEmailDays(db, rules, emailDays, now);
  await setComputeMark(db, 'emails', started);
  return { callDays: visitDays, emailDays, rows: calls.rows + emails.rows };
}
