import type { Db } from '../../db/client.ts';
import type { AppConfig } from '../config/app-config.ts';
import { breachBudget, forecastAttainment } from '../sla/forecast.ts';
import { forecastInputAsOf, ticketAsOf } from '../sla/forecast-input.ts';
import { periodEndDay, periodStartDay } from '../sla/periods.ts';
import { goalFor } from '../sla/policy.ts';
import { slaRules } from '../sla/rules.ts';
import { addDays, DAY_MS, localDayKey, localToUtc, parseDayKey } from '../calendar/zone.ts';
import { ticketsOpenedBetween } from '../store/sla-forecast.ts';

/** How far back tickets are read: the month itself plus enough history of times to resolve. */
const HISTORY_DAYS = 90;

export type SlaForecastQuery = { month?: string; kind?: string; team?: string; priority?: string };

/**
 * The month-end forecast of SLA attainment and the breach budget for a slice (README "Forecast
 * and breach budget"): the month's tickets as they stand at `now`, their open clocks, the last
 * 90 days' history of business time to resolve per priority and the arrival rate of the same
 * weekdays; the budget is how many more of the outcomes expected this month may breach with the
 * month still at its goal. A month already over is its final figure (nothing more to come).
 */
export async function slaForecastFor(db: Db, config: AppConfig, q: SlaForecastQuery, now: Date) {
  const rules = slaRules(config);
  const zone = rules.zone;
  const month = q.month ?? localDayKey(zone, now.getTime()).slice(0, 7);
  const startDay = periodStartDay(month);
  const endDay = addDays(periodEndDay(month), 1);
  const at = (day: string) => {
    const [y, m, d] = parseDayKey(day)!;
    return localToUtc(zone, y, m, d, 0);
  };
  const periodStart = at(startDay);
  const periodEnd = at(endDay);
  const asOf = Math.min(Math.max(now.getTime(), periodStart), periodEnd);
  const rows = await ticketsOpenedBetween(db, new Date(Math.min(periodStart, asOf - HISTORY_DAYS * DAY_MS)), new Date(asOf), q);
  const input = forecastInputAsOf(
    // What was known at `asOf` only (a month asked for after it ended is judged as it stood then).
    rows.map((r) => ({ ticket: ticketAsOf(r.ticket, asOf), group: r.priority })),
    { asOf, periodStart, periodEnd, rules },
  );
  const forecast = forecastAttainment(input);
  const goal = goalFor(config.goals, startDay, q.kind);
  // Expected, so fractional: the budget's floor takes care of the whole tickets.
  const expectedOutcomes = forecast.expectedMet + forecast.expectedBreached - input.met - input.breached;
  return {
    month,
    asOf: new Date(asOf).toISOString(),
    slice: { kind: q.kind ?? null, team: q.team ?? null, priority: q.priority ?? null },
    met: input.met,
    breached: input.breached,
    open: input.open.length,
    expectedArrivals: input.arrivals.expected,
    expectedOutcomes,
    attainmentSoFar: forecast.naive,
    forecast: { central: forecast.central, low: forecast.low, high: forecast.high, coverage: 0.8 },
    goal,
    breachBudget: goal === null ? null : breachBudget({ met: input.met, breached: input.breached, expectedOutcomes, goal }),
  };
}
