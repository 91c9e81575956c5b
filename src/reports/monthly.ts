/**
 * The monthly performance report (issue 7; METRICS.md §2–5): one model, rendered as JSON, CSV
 * (render-csv.ts) and HTML (render-html.ts), and the source of the monthly KPI feed (kpi-feed.ts).
 * `fetchMonthlyFigures` reads the store; `buildMonthlyReport` is pure assembly over what it read.
 */
import type { Db } from '../../db/client.ts';
import { addDays, daysInMonth, localDayKey } from '../calendar/zone.ts';
import { callCountsFrom, worstDay, type CallCounts, type Ratio } from '../calls/kpis.ts';
import { countOpenDays, dayStartMs, daysOfPeriod, nextMonth } from '../calls/periods.ts';
import { CALLS_METRIC, EMAILS_METRIC, callsRules } from '../calls/rules.ts';
import { callFigures, targetsInForce, type CallFigures } from '../calls/targets.ts';
import type { AppConfig } from '../config/app-config.ts';
import { defaultMeasures, type FigureName, type Measure } from '../measures/catalogue.ts';
import { attainmentOf, statusOf as attainmentStatus, type AttainmentCounts } from '../sla/attainment.ts';
import { goalFor } from '../sla/policy.ts';
import { slaRules } from '../sla/rules.ts';
import { callQueues } from '../store/calls.ts';
import { backlogByTeamAt, metricRowsOfRanges, notActionedByTeamAt, satisfactionByMonth, ticketsByChannelAndMonth, type MetricRange, type MetricRow } from '../store/reports.ts';
import { attainmentCounts, measures as slaMeasures, type CountRow } from '../store/sla-queries.ts';
import { notActionedAtMonthEnd } from '../store/not-actioned.ts';
import { commentaryKey, currentCommentary, suppliedValuesOf } from '../store/measures.ts';
import { availabilityReport } from './availability.ts';
import { caseAttainment } from '../services/cases.ts';
import { buildMeasureRows, periodsRead, type FigureValue } from './measure-table.ts';
import { servicePlansAsOf } from './plans-section.ts';
import { channelInputs, channelRanges, channelShift } from './channel-shift.ts';
import type { Restatement } from './restatement-types.ts';

export const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;
export const TREND_MONTHS = 12;

/** The month before `YYYY-MM`. */
export function previousMonth(month: string): string {
  return addDays(`${month}-01`, -1).slice(0, 7);
}
/** The `n` months ending at `month`, oldest first. */
export function monthsEndingAt(month: string, n: number): string[] {
  const out = [month];
  while (out.length < n) out.unshift(previousMonth(out[0]!));
  return out;
}
export function lastDayOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(daysInMonth(y, m)).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// What the store gives (fetched once per report)
// ---------------------------------------------------------------------------------------------

/** A month of one call slice (a queue, or all queues): stored counts and what per-day figures need. */
export type CallMonthInput = { queue: string | null; counts: CallCounts; openDays: number; worstDay: (Ratio & { day: string }) | null; emailsProcessed?: number };

export type MonthlyFigures = Awaited<ReturnType<typeof fetchMonthlyFigures>>;


const queueKey = (queue: string | null) => (queue === null ? '' : `queue=${queue}`);

/** The stored rows a month of call figures reads for the given slices (null = all queues): the month rows, their days and the emails. */
function callMonthRanges(month: string, queues: readonly (string | null)[]): MetricRange[] {
  const dimKeys = queues.map(queueKey);
  return [
    { metric: CALLS_METRIC, grain: 'month', from: month, to: month, dimKeys },
    { metric: CALLS_METRIC, grain: 'day', from: `${month}-01`, to: lastDayOf(month), dimKeys },
    { metric: EMAILS_METRIC, grain: 'month', from: month, to: month, dimKeys: queues.includes(null) ? [''] : [] },
  ];
}

/**
 * Call figures of a month for the given slices from its stored rows (`callMonthRanges`, read
 * with every other range of the report in one statement whatever the number of queues).
 */
function callMonths(config: AppConfig, month: string, queues: readonly (string | null)[], today: string, rows: MetricRow[][]): CallMonthInput[] {
  const [monthRows = [], dayRows = [], emailRows = []] = rows;
  const e = emailRows[0];
  const rules = callsRules(config);
  const days = daysOfPeriod(month, today);
  const out: CallMonthInput[] = [];
  for (const queue of queues) {
    const monthRow = monthRows.find((r) => r.dimKey === queueKey(queue));
    if (!monthRow) continue;
    const dayCounts = new Map<string, CallCounts>();
    for (const r of dayRows) if (r.dimKey === queueKey(queue)) dayCounts.set(r.period, callCountsFrom(r.counts));
    const openDays = countOpenDays(days, (d) => rules.calendar.isOpenDay(d), (d) => (dayCounts.get(d)?.offered ?? 0) > 0);
    const emailsProcessed = queue === null ? (e?.counts.processed ?? 0) : undefined;
    out.push({ queue, counts: callCountsFrom(monthRow.counts), openDays, worstDay: worstDay(dayCounts, days), emailsProcessed });
  }
  return out;
}

/**
 * Everything the report of `month` reads, from the store: SLA counts per kind for the 12 months
 * ending at `month`, satisfaction, the backlog and not-actioned tickets at the month's end, call
 * figures and availability for the month and the one before (the measure table's trend).
 */
export async function fetchMonthlyFigures(db: Db, config: AppConfig, month: string, now: Date, catalogue: readonly Measure[] = config.measures) {
  const zone = slaRules(config).zone;
  const months = monthsEndingAt(month, TREND_MONTHS);
  const prev = months[months.length - 2]!;
  // The same month a year before: the long-term direction of travel of computed measures.
  const yearAgo = previousMonth(months[0]!);
  const lastDay = lastDayOf(month);
  const dayEnd = new Date(dayStartMs(zone, `${nextMonth(month)}-01`));
  const monthEnd = new Date(Math.min(dayEnd.getTime(), now.getTime()));
  // A month in progress counts its open days so far (as the calls API does).
  const callsToday = localDayKey(callsRules(config).zone, now.getTime());
  const [sla, satisfaction, backlog, notActioned, queues, availability, supplied, commentary, channelTickets] = await Promise.all([
    attainmentCounts(db, { fromDay: `${yearAgo}-01`, toDay: lastDay, grain: 'month', slice: {}, by: ['kind'] }),
    satisfactionByMonth(db, yearAgo, month),
    backlogByTeamAt(db, lastDay),
    // A month that is over: its end's stored counts (once the SLA compute has counted the zone);
    // one in progress counts up to now from the states.
    (monthEnd.getTime() === dayEnd.getTime() ? notActionedAtMonthEnd(db, zone, month) : Promise.resolve(undefined)).then((stored) => stored ?? notActionedByTeamAt(db, lastDay, dayEnd, monthEnd)),
    callQueues(db),
    availabilityReport(db, config, { grain: 'month', from: yearAgo, to: month }, now),
    suppliedValuesOf(db, catalogue.map((m) => m.code)),
    currentCommentary(db, periodsRead(catalogue, month)),
    ticketsByChannelAndMonth(db, months[0]!, month),
  ]);
  const callMonthsRead = [yearAgo, prev, month];
  const slicesOf = (m: string) => (m === month ? [null, ...queues] : [null]);
  // The reads that need the first wave's queues, together in a second wave; the stored call and
  // email rows of the three months and of the channel shift's twelve in one statement.
  const [metricRows, casework, servicePlans] = await Promise.all([
    metricRowsOfRanges(db, [...callMonthsRead.flatMap((m) => callMonthRanges(m, slicesOf(m))), ...channelRanges(months)]),
    // Casework per kind for the months the measures read: this month, the one before, a year before (METRICS.md §6).
    caseAttainment(db, config, { fromDay: `${yearAgo}-01`, toDay: lastDay, grain: 'month', slice: {}, by: ['kind'] }, monthEnd),
    // Plans as of the month's last day (today while the month is in progress).
    servicePlansAsOf(db, config, lastDay < callsToday ? lastDay : callsToday),
  ]);
  const calls: Record<string, { all: CallMonthInput | null; queues: CallMonthInput[] }> = {};
  callMonthsRead.forEach((m, i) => {
    const inputs = callMonths(config, m, slicesOf(m), callsToday, metricRows.slice(3 * i, 3 * i + 3));
    calls[m] = { all: inputs.find((x) => x.queue === null) ?? null, queues: inputs.filter((x) => x.queue !== null) };
  });
  const channels = channelInputs(months, metricRows.slice(3 * callMonthsRead.length), channelTickets, supplied);
  return {
    month, previous: prev, yearAgo, months, zone, lastDay, monthEnd: monthEnd.toISOString(), sla, satisfaction, backlog, notActioned, calls, availability, casework,
    supplied: new Map(supplied.map((r) => [commentaryKey(r.code, r.period), r])),
    commentary,
    channels,
    servicePlans,
  };
}

// ---------------------------------------------------------------------------------------------
// The model (pure)
// ---------------------------------------------------------------------------------------------

type Counts = Record<(typeof slaMeasures)[number], number>;
const zero = (): Counts => Object.fromEntries(slaMeasures.map((m) => [m, 0])) as Counts;

function countsOf(rows: CountRow[], month: string, kind: string | null): Counts {
  const out = zero();
  for (const r of rows) {
    if (r.period !== month || (kind !== null && r.dims.kind !== kind)) continue;
    for (const m of slaMeasures) out[m] += r.counts[m];
  }
  return out;
}

const ratio = (numerator: number, denominator: number): FigureValue => ({ value: denominator > 0 ? numerator / denominator : null, numerator, denominator });
const none = (note?: string): FigureValue => ({ value: null, numerator: null, denominator: null, ...(note ? { note } : {}) });
/** A ratio whose numerator is re-expressed (e.g. seconds → minutes) so value = numerator / denominator still holds. */
const scaled = (r: Ratio | null | undefined, factor: number, note?: string): FigureValue =>
  !r || r.value === null ? none(note) : { value: r.value * factor, numerator: r.numerator * factor, denominator: r.denominator, ...(note ? { note } : {}) };

/** One month's inputs to the catalogue's figures. */
type MonthInputs = {
  sla: { byKind: Record<string, Counts>; all: Counts };
  satisfaction: { total: number; n: number };
  calls: CallFigures | null;
  availability: { up: number; eligible: number } | null;
  /** Casework met and late per kind in the month. */
  casework?: Record<string, { met: number; late: number }>;
};

/**
 * The figure each catalogue measure reads (METRICS.md §5), in one place. Percentages are
 * fractions 0–1; minutes and seconds as the measure's unit says; null when there is no data.
 */
export function figureValue(name: FigureName, m: MonthInputs): FigureValue {
  const c = m.calls;
  switch (name) {
    case 'sla.incident.attainment':
    case 'sla.service_request.attainment': {
      const k = m.sla.byKind[name === 'sla.incident.attainment' ? 'incident' : 'service_request'] ?? zero();
      return ratio(k.met, k.met + k.breached);
    }
    case 'sla.all.resolved_on_time':
      return ratio(m.sla.all.resolvedMet, m.sla.all.resolvedWithTarget);
    case 'sla.satisfaction.mean':
      return ratio(m.satisfaction.total, m.satisfaction.n);
    case 'availability.all':
      return m.availability ? ratio(m.availability.up, m.availability.eligible) : none('no systems');
    case 'calls.answer_rate':
      return scaled(c?.answerRate, 1);
    case 'calls.avg_wait_minutes':
      return scaled(c?.avgWait, 1 / 60);
    case 'calls.aht_seconds':
      return scaled(c?.aht, 1, c?.aht.label && c.aht.label !== 'talk+hold+wrap' ? `AHT is ${c.aht.label}` : undefined);
    case 'calls.per_day':
      return scaled(c?.callsPerDay, 1);
    case 'calls.abandon_rate':
      return scaled(c?.abandonRate, 1);
    case 'calls.max_daily_abandon_rate':
      return scaled(c?.maxDailyAbandonRate, 1, c?.maxDailyAbandonRate ? `worst day ${c.maxDailyAbandonRate.day}` : undefined);
    case 'calls.max_answer_wait_minutes':
      return scaled(c?.maxAnswerWait, 1 / 60);
    case 'calls.emails_per_day':
      return scaled(c?.emailsPerDay, 1);
    case 'casework.complaint-stage-1.within':
    case 'casework.foi.within':
    case 'casework.sar.within':
    case 'casework.member-enquiry.within': {
      const k = m.casework?.[name.slice('casework.'.length, -'.within'.length)];
      return k ? ratio(k.met, k.met + k.late) : none('no cases');
    }
  }
}

function callFiguresOf(config: AppConfig, month: string, input: CallMonthInput | null): CallFigures | null {
  if (!input) return null;
  const rules = callsRules(config);
  return callFigures(input.counts, {
    targets: targetsInForce(rules.config.targets, `${month}-01`),
    variant: rules.config.serviceLevelVariant,
    serviceLevelSeconds: rules.count.serviceLevelSeconds,
    shortAbandonSeconds: rules.count.shortAbandonSeconds,
    tolerance: rules.config.tolerance,
    openDays: input.openDays,
    emailsProcessed: input.emailsProcessed,
    maxDailyAbandon: input.worstDay,
  });
}

/** The SLA counts of a month: per kind and for all kinds. */
const slaOfMonth = (f: MonthlyFigures, kinds: readonly string[], month: string) => ({ byKind: Object.fromEntries(kinds.map((k) => [k, countsOf(f.sla, month, k)])), all: countsOf(f.sla, month, null) });

/** Received, resolved, met, breached and attainment of one month's counts, against the goal in force. */
function kindFigures(config: AppConfig, month: string, c: Counts, kind?: string) {
  const attainment = attainmentOf(c as AttainmentCounts, 'outcome');
  const goal = goalFor(config.goals, `${month}-01`, kind);
  return { received: c.received, resolved: c.resolved, met: c.met, breached: c.breached, noTarget: c.noTarget, attainment, goal, status: attainmentStatus(attainment, goal) };
}

/** The tickets' 12-month trend, from the first month with data. */
function ticketTrend(f: MonthlyFigures, config: AppConfig, kinds: readonly string[]) {
  const fullTrend = f.months.map((month) => {
    const s = slaOfMonth(f, kinds, month);
    return { month, kinds: Object.fromEntries(kinds.map((k) => [k, kindFigures(config, month, s.byKind[k]!, k)])), all: kindFigures(config, month, s.all) };
  });
  // Months before the data begins are left out, not shown as zeros (issue 14, "The report").
  const firstWithData = fullTrend.findIndex((m) => m.all.received + m.all.resolved + m.all.met + m.all.breached > 0);
  return firstWithData < 0 ? fullTrend.slice(-1) : fullTrend.slice(firstWithData);
}

/** Backlog and not-actioned per team at the month's end, and their totals. */
function backlogSection(f: MonthlyFigures, kinds: readonly string[]) {
  const teams = [...new Set([...f.backlog.map((r) => r.team), ...f.notActioned.map((r) => r.team)])].sort();
  const backlogRows = teams
    .map((team) => {
      const byKind = Object.fromEntries(kinds.map((k) => [k, f.backlog.filter((r) => r.team === team && r.kind === k).reduce((s, r) => s + r.n, 0)]));
      const total = f.backlog.filter((r) => r.team === team).reduce((s, r) => s + r.n, 0);
      return { team, byKind, total, notActioned: f.notActioned.find((r) => r.team === team)?.n ?? 0 };
    })
    .filter((r) => r.total > 0);
  const sum = (pick: (r: (typeof backlogRows)[number]) => number) => backlogRows.reduce((s, r) => s + pick(r), 0);
  return {
    asOf: f.lastDay,
    rule: 'opened on or before the last day of the month and not resolved by its end',
    notActionedRule: 'of those, no first response before the end of the month',
    teams: backlogRows,
    total: { byKind: Object.fromEntries(kinds.map((k) => [k, sum((r) => r.byKind[k] ?? 0)])), total: sum((r) => r.total), notActioned: sum((r) => r.notActioned) },
  };
}

/** One contact-centre row of the month (a queue, or all queues). */
function callRow(config: AppConfig, month: string, input: CallMonthInput) {
  const fig = callFiguresOf(config, month, input)!;
  const pick = (x: { value: number | null; target: number | null; status: string } | null) => (x ? { value: x.value, target: x.target, status: x.status } : null);
  return {
    queue: input.queue ?? 'All queues',
    offered: input.counts.offered,
    answered: input.counts.answered,
    abandoned: input.counts.abandoned,
    shortAbandoned: input.counts.shortAbandoned,
    openDays: input.openDays,
    answerRate: pick(fig.answerRate),
    abandonRate: pick(fig.abandonRate),
    serviceLevel: { ...pick(fig.serviceLevel)!, label: fig.serviceLevel.label, thresholdSeconds: fig.serviceLevel.thresholdSeconds },
    asaSeconds: pick(fig.asa),
    avgWaitSeconds: pick(fig.avgWait),
    maxAnswerWaitSeconds: pick(fig.maxAnswerWait),
    ahtSeconds: { ...pick(fig.aht)!, basis: fig.aht.label ?? null },
    callsPerDay: pick(fig.callsPerDay),
    maxDailyAbandonRate: fig.maxDailyAbandonRate ? { ...pick(fig.maxDailyAbandonRate)!, day: fig.maxDailyAbandonRate.day } : null,
    emailsPerDay: pick(fig.emailsPerDay),
  };
}

/** The measure table's rows: computed figures for the months fetched (the month, the one before, the same month a year before). */
function measureRowsOf(f: MonthlyFigures, config: AppConfig, catalogue: readonly Measure[], kinds: readonly string[]) {
  const availOf = (month: string) => {
    const a = f.availability.allSystems.find((r) => r.period === month);
    return a && a.weightedEligibleSeconds > 0 ? { up: a.weightedUpSeconds, eligible: a.weightedEligibleSeconds } : null;
  };
  const inputsOf = (month: string): MonthInputs => {
    const s = f.satisfaction.find((r) => r.month === month);
    const casework = Object.fromEntries(f.casework.rows.filter((r) => r.period === month).map((r) => [r.kind as string, { met: r.met, late: r.late }]));
    return { sla: slaOfMonth(f, kinds, month), satisfaction: { total: s?.total ?? 0, n: s?.n ?? 0 }, calls: callFiguresOf(config, month, f.calls[month]?.all ?? null), availability: availOf(month), casework };
  };
  const inputs = new Map([f.yearAgo, f.previous, f.month].map((m) => [m, inputsOf(m)]));
  return buildMeasureRows(catalogue, {
    month: f.month,
    computed: (figure, month) => {
      const i = inputs.get(month);
      return i ? figureValue(figure, i) : undefined;
    },
    supplied: f.supplied,
    commentary: f.commentary,
  });
}

/** The monthly performance report model (pure assembly over `fetchMonthlyFigures`). */
export function buildMonthlyReport(f: MonthlyFigures, config: AppConfig, catalogue: readonly Measure[] = defaultMeasures, generatedAt: Date = new Date(0), restatement: Restatement = { compared: [], rows: [] }) {
  const kinds = [...config.kinds];
  const trend = ticketTrend(f, config, kinds);
  const measureRows = measureRowsOf(f, config, catalogue, kinds);
  const cur = f.calls[f.month]!;
  const goal = goalFor(config.goals, `${f.month}-01`);
  return {
    report: 'monthly-performance',
    month: f.month,
    previousMonth: f.previous,
    zone: f.zone,
    generatedAt: generatedAt.toISOString(),
    basis: 'outcome' as const,
    basisNote:
      'SLA attainment is on the outcome basis (attain docs/metrics.md §2, where every figure is defined): met / (met + breached), a ticket counted in the month it was resolved within target or first exceeded it, resolved or not. SD-ONTIME is the classic resolved basis.',
    goal,
    tickets: { kinds, months: trend },
    backlog: backlogSection(f, kinds),
    contactCentre: {
      all: cur.all ? callRow(config, f.month, cur.all) : null,
      queues: cur.queues.map((q) => callRow(config, f.month, q)),
      emailsProcessed: cur.all?.emailsProcessed ?? 0,
    },
    availability: {
      systems: f.availability.rows
        .filter((r) => r.period === f.month)
        .map((r) => ({ system: r.system, group: r.group, availability: r.availability, coverage: r.coverage, downSeconds: r.downSeconds, plannedSeconds: r.plannedSeconds, outages: r.outages, mttrSeconds: r.mttrSeconds, target: r.target, status: r.status })),
      all: (() => {
        const a = f.availability.allSystems.find((r) => r.period === f.month);
        return a ? { availability: a.availability, systems: a.systems, systemsAtTarget: a.systemsAtTarget, target: a.target, status: a.status } : null;
      })(),
    },
    measures: measureRows,
    casework: {
      rule: 'within timescale = met ÷ (met + late): met in the month of the response, late in the month its deadline passed, answered or not (METRICS.md §6)',
      kinds: f.casework.rows.filter((r) => r.period === f.month).map(({ period: _p, ...r }) => r),
    },
    servicePlans: f.servicePlans,
    channelShift: channelShift(f.channels),
    /** Published earlier months' figures that differ now (src/reports/restatement.ts). */
    restatement,
  };
}
export type MonthlyReport = ReturnType<typeof buildMonthlyReport>;
