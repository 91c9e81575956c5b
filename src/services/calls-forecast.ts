import type { Db } from '../../db/client.ts';
import { addDays, localDayKey } from '../calendar/zone.ts';
import { forecastCalls, WINDOW_DAYS, type DayCounts } from '../calls/forecast.ts';
import { callCountsFrom } from '../calls/kpis.ts';
import { dayStartMs } from '../calls/periods.ts';
import { CALLS_METRIC, callsRules } from '../calls/rules.ts';
import { targetsInForce } from '../calls/targets.ts';
import type { AppConfig } from '../config/app-config.ts';
import { queryMetric } from '../store/metrics.ts';
import { todayCountsSoFar } from './call-intervals.ts';

export type CallsForecastQuery = { month?: string; queue?: string };

/**
 * The month-end forecast of the call measures and the abandon budget for a queue or all queues
 * (README "Call forecast"). Days before today are the stored day counts (the same the KPI API
 * serves, kept by the compute job); today is counted from its visits as they stand, so the
 * forecast moves during the day as the supervisor page does.
 */
export async function callsForecastFor(db: Db, config: AppConfig, q: CallsForecastQuery, now: Date) {
  const rules = callsRules(config);
  const zone = rules.zone;
  const today = localDayKey(zone, now.getTime());
  const month = q.month ?? today.slice(0, 7);
  const firstDay = `${month}-01`;
  const lastDay = addDays(addDays(firstDay, 32).slice(0, 7) + '-01', -1);
  // The window of arrival rates ends at today, or at the month's first day for a month not begun.
  const windowEnd = today < firstDay ? firstDay : today > lastDay ? addDays(lastDay, 1) : today;
  const from = addDays(windowEnd, -WINDOW_DAYS) < firstDay ? addDays(windowEnd, -WINDOW_DAYS) : firstDay;
  const storedTo = addDays(today, -1) < lastDay ? addDays(today, -1) : lastDay;
  const dimKey = q.queue ? `queue=${q.queue}` : '';
  const days: DayCounts[] = [];
  if (from <= storedTo) {
    for (const r of await queryMetric(db, { metric: CALLS_METRIC, grain: 'day', from, to: storedTo, dimKey })) days.push({ day: r.period, counts: callCountsFrom(r.counts) });
  }
  if (today >= firstDay && today <= lastDay) {
    days.push({ day: today, counts: await todayCountsSoFar(db, rules.count, zone, dayStartMs(zone, today), now.getTime(), q.queue) });
  }
  const targets = targetsInForce(rules.config.targets, firstDay);
  const forecast = forecastCalls(days, now.getTime(), {
    zone,
    month,
    isOpenDay: (d) => rules.calendar.isOpenDay(d),
    variant: rules.config.serviceLevelVariant,
    targets: { answerRate: targets?.answerRate ?? null, abandonRate: targets?.abandonRate ?? null, serviceLevel: targets?.serviceLevel ?? null },
    tolerance: rules.config.tolerance,
  });
  return { ...forecast, queue: q.queue ?? null, zone, thresholds: rules.count };
}
