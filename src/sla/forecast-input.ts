import { DAY_MS, localDayNumber, weekdayOfDayNumber, zoneOffsetMs } from '../calendar/zone.ts';
import { evaluateTicket, type SlaTicket } from './evaluate.ts';
import type { ForecastInput, OpenClock } from './forecast.ts';
import type { SlaRules } from './rules.ts';

/** A ticket as it stood at some instant, with the history group it resolves like (its priority). */
export type GroupedTicket = { ticket: SlaTicket; group: string };

const MINUTE = 60_000;
/** Arrival rates are read from the four weeks before the forecast. */
const WINDOW_DAYS = 28;
/**
 * The met share of tickets yet to arrive is read from the tickets of the last week: on the real
 * event log this beat two and four weeks (BENCHMARKS.md, "Month-end forecast backtest").
 */
export const RECENT_DAYS = 7;

/** The ticket as it was known at `asOf`: later status changes, resolutions and responses unseen. */
export function ticketAsOf(t: SlaTicket, asOf: number): SlaTicket {
  return {
    kind: t.kind,
    priority: t.priority,
    vip: t.vip,
    openedAt: t.openedAt,
    resolvedAt: t.resolvedAt !== null && t.resolvedAt < asOf ? t.resolvedAt : null,
    firstResponseAt: t.firstResponseAt != null && t.firstResponseAt < asOf ? t.firstResponseAt : null,
    statusHistory: t.statusHistory?.filter((s) => s.at < asOf),
  };
}

/**
 * Mean arrivals of each weekday over the days the data covers (from `firstSeen` up to `asOf`),
 * summed over the local days left in the period (the day of `asOf` counted in proportion to
 * what is left of it).
 */
function expectedArrivals(zone: string, arrivalsByWeekday: readonly number[], firstSeen: number, asOf: number, periodEnd: number): number {
  const firstDay = localDayNumber(zone, firstSeen);
  const asOfDay = localDayNumber(zone, asOf);
  const seenDays = new Array<number>(7).fill(0);
  for (let d = firstDay; d < asOfDay; d++) seenDays[weekdayOfDayNumber(d)]!++;
  const rate = (weekday: number) => (seenDays[weekday]! > 0 ? arrivalsByWeekday[weekday]! / seenDays[weekday]! : 0);
  let expected = 0;
  const lastDay = localDayNumber(zone, periodEnd - 1);
  for (let d = asOfDay; d <= lastDay; d++) {
    const share = d === asOfDay ? 1 - ((asOf + zoneOffsetMs(zone, asOf)) % DAY_MS) / DAY_MS : 1;
    expected += rate(weekdayOfDayNumber(d)) * share;
  }
  return expected;
}

/**
 * What the month-end forecast needs, from tickets as they stood at `asOf` (already cut to what was
 * known then: {@link ticketAsOf}), for the period [periodStart, periodEnd) (METRICS.md §2, outcome
 * basis): met and breached so far, each open clock, each group's business minutes to resolve
 * (tickets resolved before `asOf`), and the arrivals still to come at the rate of the same
 * weekdays over the last four weeks, with the share of such arrivals that reached an outcome
 * within half the time left and, of the last `recentDays` days' tickets judged, the share met.
 */
export function forecastInputAsOf(
  tickets: readonly GroupedTicket[],
  o: { asOf: number; periodStart: number; periodEnd: number; rules: SlaRules; recentDays?: number },
): ForecastInput {
  const { asOf, periodStart, periodEnd, rules } = o;
  const recentDays = o.recentDays ?? RECENT_DAYS;
  const zone = rules.zone;
  const windowStart = asOf - WINDOW_DAYS * DAY_MS;
  const horizon = (periodEnd - asOf) / 2;
  let met = 0;
  let breached = 0;
  const open: OpenClock[] = [];
  const resolve = new Map<string, number[]>([['*', []]]);
  const arrivalsByWeekday = new Array<number>(7).fill(0);
  let firstArrival = Infinity;
  let windowMet = 0;
  let windowJudged = 0;
  let horizonSeen = 0;
  let horizonOutcome = 0;

  for (const { ticket, group } of tickets) {
    if (ticket.openedAt >= asOf) continue;
    const { policy, calendar } = rules.policyAt(ticket.openedAt);
    const r = evaluateTicket(ticket, policy, calendar, asOf);
    if (r.targetMinutes === null) continue;
    if (r.outcome === 'met' && r.outcomeAt! >= periodStart) met++;
    else if (r.outcome === 'breached' && r.breachedAt! >= periodStart) breached++;
    else if (r.outcome === 'in_progress' || r.outcome === 'paused') {
      open.push({
        elapsedMinutes: r.elapsedMs / MINUTE,
        targetMinutes: r.targetMinutes,
        minutesToPeriodEnd: calendar.businessMs(asOf, periodEnd) / MINUTE,
        group,
      });
    }
    if (r.resolutionAt !== null) {
      let list = resolve.get(group);
      if (!list) resolve.set(group, (list = []));
      list.push(r.elapsedMs / MINUTE);
      resolve.get('*')!.push(r.elapsedMs / MINUTE);
    }
    if (ticket.openedAt >= windowStart) {
      firstArrival = Math.min(firstArrival, ticket.openedAt);
      arrivalsByWeekday[weekdayOfDayNumber(localDayNumber(zone, ticket.openedAt))]!++;
      if ((r.outcome === 'met' || r.outcome === 'breached') && ticket.openedAt >= asOf - recentDays * DAY_MS) {
        windowJudged++;
        if (r.outcome === 'met') windowMet++;
      }
      if (ticket.openedAt < asOf - horizon) {
        horizonSeen++;
        if (r.outcomeAt !== null && r.outcomeAt - ticket.openedAt <= horizon) horizonOutcome++;
      }
    }
  }
  for (const list of resolve.values()) list.sort((a, b) => a - b);

  const expected = expectedArrivals(zone, arrivalsByWeekday, Math.max(windowStart, Number.isFinite(firstArrival) ? firstArrival : asOf), asOf, periodEnd);
  return {
    met,
    breached,
    open,
    resolveMinutes: resolve,
    arrivals: {
      expected,
      outcomeShare: horizonSeen > 0 ? horizonOutcome / horizonSeen : 0.5,
      metShare: windowJudged > 0 ? windowMet / windowJudged : 1,
      judged: windowJudged,
    },
  };
}
