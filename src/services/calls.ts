import type { Db } from '../../db/client.ts';
import { flagRows, qualityEvidence } from './quality.ts';
import { addDays, localDayKey } from '../calendar/zone.ts';
import { callCountsFrom, emptyCallCounts, mergeCallCounts, serviceLevelVariants, worstDay, type CallCounts, type CountOptions, type ServiceLevelVariant } from '../calls/kpis.ts';
import { countOpenDays, createCallAccumulator, daysOfPeriod, dayStartMs, intervalStartsBetween, localIsoMinute, nextMonth, periodBounds } from '../calls/periods.ts';
import { CALLS_METRIC, EMAILS_METRIC, callsRules, type CallsRules } from '../calls/rules.ts';
import { callFigures, targetsInForce } from '../calls/targets.ts';
import type { AppConfig } from '../config/app-config.ts';
import { periodEndDay, periodStartDay, defaultPeriodFrom } from '../sla/periods.ts';
import { visitsArrivedBetween, waitingVisits } from '../store/calls.ts';
import { metricDimensionValues, queryMetric } from '../store/metrics.ts';
import { metricRowsOfSlices } from '../store/reports.ts';
import { fromStoredIntervals, intervalPeriodCounts, todayCountsSoFar } from './call-intervals.ts';
import { InputError } from './input-error.ts';

/** A KPI query as the API takes it (src/http/routes/calls.ts validates it). */
export type CallKpisQuery = {
  from?: string;
  to?: string;
  grain: 'interval' | 'day' | 'month';
  interval: number;
  queue?: string;
  /** Thresholds other than the configured ones: the figures are then computed from the visits. */
  slSeconds?: number;
  shortAbandonSeconds?: number;
  variant?: ServiceLevelVariant;
};

const MAX_INTERVAL_DAYS = 31;
const MAX_DAYS = 731;
const MAX_MONTHS = 120;

const asDay = (text: string, end: boolean) => (end ? periodEndDay(text) : periodStartDay(text));

function daysBetween(from: string, to: string, max: number): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    if (out.length >= max) throw new InputError('to', `at most ${max} days per query at this grain; narrow from/to`);
    out.push(d);
  }
  return out;
}

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) {
    if (out.length >= MAX_MONTHS) throw new InputError('to', `at most ${MAX_MONTHS} months per query; narrow from/to`);
    out.push(m);
  }
  return out;
}

/** The days and months a query covers (defaults: today's intervals, the last 31 days, the last 12 months). */
function rangeOf(q: CallKpisQuery, today: string) {
  const defaultFrom = defaultPeriodFrom(q.grain, today);
  const fromDay = asDay(q.from ?? defaultFrom, false);
  const toDay = asDay(q.to ?? (q.grain === 'interval' ? fromDay : today), true);
  if (fromDay > toDay) throw new InputError('from', `${fromDay} is after to ${toDay}`);
  const fromMonth = fromDay.slice(0, 7);
  const toMonth = toDay.slice(0, 7);
  const maxDays = q.grain === 'interval' ? MAX_INTERVAL_DAYS : q.grain === 'day' ? MAX_DAYS : MAX_MONTHS * 31;
  const days = daysBetween(q.grain === 'month' ? `${fromMonth}-01` : fromDay, q.grain === 'month' ? asDay(toMonth, true) : toDay, maxDays);
  const months = q.grain === 'month' ? monthsBetween(fromMonth, toMonth) : [];
  return { fromDay, toDay, fromMonth, toMonth, days, months };
}

type Range = ReturnType<typeof rangeOf>;

/** Counts per local day and per period, from the visits (other thresholds, intervals) or the stored figures. */
async function countsOf(db: Db, rules: CallsRules, q: CallKpisQuery, count: CountOptions, r: Range, onTheFly: boolean) {
  const { zone } = rules;
  const dayCounts = new Map<string, CallCounts>();
  const periodCounts = new Map<string, CallCounts>();
  const fromMs = dayStartMs(zone, r.days[0]!);
  const toMs = dayStartMs(zone, addDays(r.days[r.days.length - 1]!, 1));
  // Intervals from the stored quarter-hour counts (the same figures as counting the visits; the
  // rows carry no day figures, so no day counts are needed).
  if (q.grain === 'interval') {
    const stored = await fromStoredIntervals(db, count, zone, intervalStartsBetween(zone, r.days[0]!, r.days[r.days.length - 1]!, 15), () =>
      intervalPeriodCounts(db, zone, fromMs, toMs, q.interval, q.queue),
    );
    if (stored) return { dayCounts, periodCounts: stored };
  }
  if (onTheFly) {
    const from = new Date(fromMs);
    const to = new Date(toMs);
    const byDay = createCallAccumulator({ zone, grain: 'day', count });
    const byPeriod = q.grain === 'interval' ? createCallAccumulator({ zone, grain: 'interval', intervalMinutes: q.interval, count }) : undefined;
    for await (const page of visitsArrivedBetween(db, from, to, { queue: q.queue })) {
      for (const v of page) {
        byDay.add(v);
        byPeriod?.add(v);
      }
    }
    for (const row of byDay.rows()) dayCounts.set(row.period, row.counts);
    for (const row of byPeriod?.rows() ?? []) periodCounts.set(row.period, row.counts);
    if (q.grain === 'day') for (const [k, v] of dayCounts) periodCounts.set(k, v);
    if (q.grain === 'month') {
      for (const [day, counts] of dayCounts) {
        let month = periodCounts.get(day.slice(0, 7));
        if (!month) periodCounts.set(day.slice(0, 7), (month = emptyCallCounts()));
        mergeCallCounts(month, counts);
      }
    }
    return { dayCounts, periodCounts };
  }
  const dimKey = q.queue ? `queue=${q.queue}` : '';
  for (const row of await queryMetric(db, { metric: CALLS_METRIC, grain: 'day', from: r.days[0]!, to: r.days[r.days.length - 1]!, dimKey })) dayCounts.set(row.period, callCountsFrom(row.counts));
  if (q.grain === 'day') for (const [k, v] of dayCounts) periodCounts.set(k, v);
  else for (const row of await queryMetric(db, { metric: CALLS_METRIC, grain: 'month', from: r.fromMonth, to: r.toMonth, dimKey })) periodCounts.set(row.period, callCountsFrom(row.counts));
  return { dayCounts, periodCounts };
}

/** Emails processed, all mailboxes and each, per day or month (only when the figures are for all queues). */
async function emailsOf(db: Db, q: CallKpisQuery, r: Range) {
  const emails = new Map<string, number>();
  const byMailbox = new Map<string, Record<string, number>>();
  if (q.queue || q.grain === 'interval') return { emails, byMailbox, mailboxes: [] as string[] };
  const grain = q.grain === 'month' ? 'month' : 'day';
  const range = { metric: EMAILS_METRIC, grain, from: grain === 'month' ? r.fromMonth : r.fromDay, to: grain === 'month' ? r.toMonth : r.toDay } as const;
  const [mailboxes, all] = await Promise.all([metricDimensionValues(db, EMAILS_METRIC, 'mailbox'), queryMetric(db, { ...range, dimKey: '' })]);
  for (const row of all) emails.set(row.period, row.counts.processed ?? 0);
  // Every mailbox in one read, not one query per mailbox.
  const mailboxOf = new Map(mailboxes.map((m) => [`mailbox=${m}`, m]));
  for (const row of await metricRowsOfSlices(db, { ...range, dimKeys: [...mailboxOf.keys()] })) {
    const per = byMailbox.get(row.period) ?? byMailbox.set(row.period, {}).get(row.period)!;
    per[mailboxOf.get(row.dimKey)!] = row.counts.processed ?? 0;
  }
  return { emails, byMailbox, mailboxes };
}

/**
 * Contact-centre KPIs per interval, day or month, per queue or all queues, with targets and
 * status: from the stored daily and monthly figures, or from the visits when the query asks for
 * intervals or thresholds other than the configured ones. Months count their open days (a day the
 * calendar opens, or one with calls) and carry the emails processed and the worst day's abandons.
 */
export async function callFiguresFor(db: Db, config: AppConfig, q: CallKpisQuery, now: Date) {
  const rules = callsRules(config);
  const { zone, calendar } = rules;
  const today = localDayKey(zone, now.getTime());
  const count: CountOptions = {
    shortAbandonSeconds: q.shortAbandonSeconds ?? rules.count.shortAbandonSeconds,
    serviceLevelSeconds: q.slSeconds ?? rules.count.serviceLevelSeconds,
  };
  const variant = q.variant ?? rules.config.serviceLevelVariant;
  const r = rangeOf(q, today);
  const onTheFly = q.grain === 'interval' || count.shortAbandonSeconds !== rules.count.shortAbandonSeconds || count.serviceLevelSeconds !== rules.count.serviceLevelSeconds;
  // The figures, the emails and the flags' evidence (for every day of the range) in one wave.
  const [{ dayCounts, periodCounts }, { emails, byMailbox, mailboxes }, evidence] = await Promise.all([
    countsOf(db, rules, q, count, r, onTheFly),
    emailsOf(db, q, r),
    qualityEvidence(db, config, 'calls', r.days[0]!, r.days[r.days.length - 1]!),
  ]);
  // Targets per local day, looked up once a day rather than once a row.
  const targetsOn = new Map<string, ReturnType<typeof targetsInForce>>();
  const targetsFor = (localDay: string) => {
    if (!targetsOn.has(localDay)) targetsOn.set(localDay, targetsInForce(rules.config.targets, localDay));
    return targetsOn.get(localDay);
  };

  const hadCalls = (d: string) => (dayCounts.get(d)?.offered ?? 0) > 0;
  const isOpen = (d: string) => calendar.isOpenDay(d);
  const row = (period: string, start: number, end: number, localDay: string, periodDays: string[] | null) => {
    const counts = periodCounts.get(period) ?? emptyCallCounts();
    const openDays = periodDays === null ? null : countOpenDays(periodDays.filter((d) => d <= today), isOpen, hadCalls);
    const withEmails = !q.queue && periodDays !== null;
    return {
      period,
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      queue: q.queue ?? null,
      openDays,
      ...counts,
      figures: callFigures(counts, {
        targets: targetsFor(localDay),
        variant,
        serviceLevelSeconds: count.serviceLevelSeconds,
        shortAbandonSeconds: count.shortAbandonSeconds,
        tolerance: rules.config.tolerance,
        openDays,
        emailsProcessed: withEmails ? (emails.get(period) ?? 0) : undefined,
        emailsByMailbox: withEmails ? Object.fromEntries(mailboxes.map((m) => [m, byMailbox.get(period)?.[m] ?? 0])) : undefined,
        maxDailyAbandon: periodDays === null ? null : worstDay(dayCounts, periodDays),
      }),
    };
  };

  const { days } = r;
  const lastEnd = () => dayStartMs(zone, addDays(days[days.length - 1]!, 1));
  const rows =
    q.grain === 'interval'
      ? intervalStartsBetween(zone, days[0]!, days[days.length - 1]!, q.interval).map((s, i, starts) => {
          const label = localIsoMinute(zone, s);
          return row(label, s, starts[i + 1] ?? lastEnd(), label.slice(0, 10), null);
        })
      : q.grain === 'day'
        ? days.map((d) => row(d, ...periodBounds(zone, d), d, [d]))
        : r.months.map((m) => row(m, ...periodBounds(zone, m), `${m}-01`, daysOfPeriod(m, today)));
  return {
    grain: q.grain,
    ...(q.grain === 'interval' ? { interval: q.interval } : {}),
    from: q.grain === 'month' ? r.fromMonth : days[0]!,
    to: q.grain === 'month' ? r.toMonth : days[days.length - 1]!,
    zone,
    calendar: rules.calendarId,
    queue: q.queue ?? null,
    thresholds: count,
    serviceLevelVariant: { name: variant, label: serviceLevelVariants[variant] },
    basis: onTheFly ? ('visits' as const) : ('stored' as const),
    rows: flagRows(evidence, 'calls', rows, { fromDay: days[0]!, toDay: days[days.length - 1]! }, now),
  };
}

/** Calls waiting now (per queue), the longest current wait, and today's figures so far. */
export async function callsNow(db: Db, config: AppConfig, q: { queue?: string }, at: Date) {
  const rules = callsRules(config);
  const { zone } = rules;
  const now = at.getTime();
  const today = localDayKey(zone, now);
  const stale = new Date(now - rules.config.staleWaitingHours * 3_600_000);
  const dayStart = dayStartMs(zone, today);
  // Who waits, today's counts so far and the flags' evidence: independent reads, one wave.
  const [waiting, counts, evidence] = await Promise.all([
    waitingVisits(db, { queue: q.queue, arrivedAfter: stale }),
    todayCountsSoFar(db, rules.count, zone, dayStart, now, q.queue),
    qualityEvidence(db, config, 'calls', today, today),
  ]);
  const queues = new Map<string, { queue: string; waiting: number; longestWaitSeconds: number; oldestArrivedAt: string }>();
  for (const v of waiting) {
    const w = Math.max(0, Math.round((now - v.arrivedAt) / 1000));
    const cur = queues.get(v.queue);
    if (!cur) queues.set(v.queue, { queue: v.queue, waiting: 1, longestWaitSeconds: w, oldestArrivedAt: new Date(v.arrivedAt).toISOString() });
    else cur.waiting += 1;
  }
  const oldest = waiting[0];
  const todaySoFar = {
    ...counts,
    figures: callFigures(counts, {
      targets: targetsInForce(rules.config.targets, today),
      variant: rules.config.serviceLevelVariant,
      serviceLevelSeconds: rules.count.serviceLevelSeconds,
      shortAbandonSeconds: rules.count.shortAbandonSeconds,
      tolerance: rules.config.tolerance,
      openDays: null,
    }),
  };
  // Today's calls flags (rejected rows, stale feed, clock skew) plus talk-only AHT from today's counts.
  const [flagged] = flagRows(evidence, 'calls', [todaySoFar], { fromDay: today, toDay: today }, at);
  return {
    at: new Date(now).toISOString(),
    zone,
    today,
    queue: q.queue ?? null,
    waiting: waiting.length,
    longestWaitSeconds: oldest ? Math.max(0, Math.round((now - oldest.arrivedAt) / 1000)) : null,
    oldestArrivedAt: oldest ? new Date(oldest.arrivedAt).toISOString() : null,
    queues: [...queues.values()].sort((a, b) => a.queue.localeCompare(b.queue)),
    todaySoFar: flagged!,
  };
}
