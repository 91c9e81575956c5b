import { Hono } from 'hono';
import { z } from 'zod';
import { addDays, localDayKey } from '../../calendar/zone.ts';
import { MAX_AGENTS, StaffingLimitError, staffingFor } from '../../calls/erlang-c.ts';
import { callCountsFrom, countVisits, emptyCallCounts, mergeCallCounts, serviceLevelVariants, worstDay, type CallCounts, type CountOptions, type ServiceLevelVariant } from '../../calls/kpis.ts';
import { countOpenDays, createCallAccumulator, daysOfPeriod, dayStartMs, intervalStartsBetween, localIsoMinute, nextMonth, periodBounds } from '../../calls/periods.ts';
import { CALLS_METRIC, EMAILS_METRIC, callsRules } from '../../calls/rules.ts';
import { callFigures, targetsInForce } from '../../calls/targets.ts';
import { periodEndDay, periodStartDay } from '../../sla/periods.ts';
import { visitsArrivedBetween, waitingVisits } from '../../store/calls.ts';
import { metricDimensionValues, queryMetric } from '../../store/metrics.ts';
import { withFlags } from '../../services/quality.ts';
import type { AppDeps } from '../app.ts';
import { ApiError, parseQuery } from '../errors.ts';
import type { Operation } from '../openapi.ts';
import { dayOrMonthParam, intParam, nameParam, numberParam } from '../params.ts';

const periodText = dayOrMonthParam;
const intText = intParam;
const variants = Object.keys(serviceLevelVariants) as [ServiceLevelVariant, ...ServiceLevelVariant[]];

const kpisQuery = z.object({
  from: periodText.optional(),
  to: periodText.optional(),
  grain: z.enum(['interval', 'day', 'month']).default('day'),
  interval: z.enum(['15', '30', '60']).default('15').transform(Number),
  queue: nameParam().optional(),
  /** Thresholds other than the configured ones: the figures are then computed from the visits. */
  slSeconds: intText(0, 86_400).optional(),
  shortAbandonSeconds: intText(0, 3_600).optional(),
  variant: z.enum(variants).optional(),
});

const fractionMessage = 'expected a fraction between 0 and 1 (exclusive), e.g. 0.8';
// Sane ranges (issue 17): a day's calls of a large centre, a day's handling at most, an interval of
// a day at most; the agents the goal needs are bounded separately (MAX_AGENTS in src/calls/erlang-c.ts).
const staffingQuery = z.object({
  arrivals: numberParam(0, 1_000_000),
  aht: numberParam(0, 86_400, { gt: true }),
  intervalMinutes: numberParam(0, 1440, { gt: true }).default(30),
  slTarget: numberParam(0, 1, { gt: true, message: fractionMessage }).pipe(z.number().lt(1, fractionMessage)).default(0.8),
  slSeconds: numberParam(0, 86_400).default(20),
  maxOccupancy: numberParam(0, 1, { gt: true, message: 'expected a fraction above 0 and at most 1, e.g. 0.85' }).optional(),
});

const nowQuery = z.object({ queue: nameParam().optional() });

/** The documented operations (src/http/openapi.ts), with the schemas the handlers validate with. */
export const callsOperations: Operation[] = [
  { method: 'get', path: '/api/v1/calls/kpis', tag: 'Calls', summary: 'Contact-centre KPIs per interval, day or month, per queue or all queues, with targets and status', query: kpisQuery },
  { method: 'get', path: '/api/v1/calls/now', tag: 'Calls', summary: 'Calls waiting now, the longest current wait, and today so far', query: nowQuery },
  { method: 'get', path: '/api/v1/calls/staffing', tag: 'Calls', summary: `Erlang C: agents needed for an interval (at most ${MAX_AGENTS}), predicted service level and occupancy`, query: staffingQuery },
];

const MAX_INTERVAL_DAYS = 31;
const MAX_DAYS = 731;
const MAX_MONTHS = 120;

const asDay = (text: string, end: boolean) => (end ? periodEndDay(text) : periodStartDay(text));

function daysBetween(from: string, to: string, max: number): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    if (out.length >= max) throw new ApiError('invalid_parameter', `to: at most ${max} days per query at this grain; narrow from/to`, { field: 'to' });
    out.push(d);
  }
  return out;
}

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) {
    if (out.length >= MAX_MONTHS) throw new ApiError('invalid_parameter', `to: at most ${MAX_MONTHS} months per query; narrow from/to`, { field: 'to' });
    out.push(m);
  }
  return out;
}

export function callsRoutes(deps: AppDeps) {
  const rules = callsRules(deps.config);
  const { zone, calendar } = rules;

  return new Hono()
    .get('/api/v1/calls/kpis', async (c) => {
      const q = parseQuery(kpisQuery, c.req.query());
      const today = localDayKey(zone, deps.now().getTime());
      const count: CountOptions = {
        shortAbandonSeconds: q.shortAbandonSeconds ?? rules.count.shortAbandonSeconds,
        serviceLevelSeconds: q.slSeconds ?? rules.count.serviceLevelSeconds,
      };
      const variant = q.variant ?? rules.config.serviceLevelVariant;
      const defaultFrom = q.grain === 'interval' ? today : q.grain === 'day' ? addDays(today, -30) : addDays(`${today.slice(0, 7)}-15`, -334).slice(0, 7);
      const fromDay = asDay(q.from ?? defaultFrom, false);
      const toDay = asDay(q.to ?? (q.grain === 'interval' ? fromDay : today), true);
      if (fromDay > toDay) throw new ApiError('invalid_parameter', `from: ${fromDay} is after to ${toDay}`, { field: 'from' });
      const fromMonth = fromDay.slice(0, 7);
      const toMonth = toDay.slice(0, 7);
      const days = daysBetween(q.grain === 'month' ? `${fromMonth}-01` : fromDay, q.grain === 'month' ? asDay(toMonth, true) : toDay, q.grain === 'interval' ? MAX_INTERVAL_DAYS : q.grain === 'day' ? MAX_DAYS : MAX_MONTHS * 31);
      const months = q.grain === 'month' ? monthsBetween(fromMonth, toMonth) : [];
      const onTheFly = q.grain === 'interval' || count.shortAbandonSeconds !== rules.count.shortAbandonSeconds || count.serviceLevelSeconds !== rules.count.serviceLevelSeconds;

      // Counts per local day (always: open days and the worst day need them) and per period.
      const dayCounts = new Map<string, CallCounts>();
      const periodCounts = new Map<string, CallCounts>();
      if (onTheFly) {
        const from = new Date(dayStartMs(zone, days[0]!));
        const to = new Date(dayStartMs(zone, addDays(days[days.length - 1]!, 1)));
        const byDay = createCallAccumulator({ zone, grain: 'day', count });
        const byPeriod = q.grain === 'interval' ? createCallAccumulator({ zone, grain: 'interval', intervalMinutes: q.interval, count }) : undefined;
        for await (const page of visitsArrivedBetween(deps.db, from, to, { queue: q.queue })) {
          for (const v of page) {
            byDay.add(v);
            byPeriod?.add(v);
          }
        }
        for (const r of byDay.rows()) dayCounts.set(r.period, r.counts);
        for (const r of byPeriod?.rows() ?? []) periodCounts.set(r.period, r.counts);
        if (q.grain === 'day') for (const [k, v] of dayCounts) periodCounts.set(k, v);
        if (q.grain === 'month') {
          for (const [day, counts] of dayCounts) {
            let month = periodCounts.get(day.slice(0, 7));
            if (!month) periodCounts.set(day.slice(0, 7), (month = emptyCallCounts()));
            mergeCallCounts(month, counts);
          }
        }
      } else {
        const dimKey = q.queue ? `queue=${q.queue}` : '';
        for (const r of await queryMetric(deps.db, { metric: CALLS_METRIC, grain: 'day', from: days[0]!, to: days[days.length - 1]!, dimKey })) dayCounts.set(r.period, callCountsFrom(r.counts));
        if (q.grain === 'day') for (const [k, v] of dayCounts) periodCounts.set(k, v);
        else for (const r of await queryMetric(deps.db, { metric: CALLS_METRIC, grain: 'month', from: fromMonth, to: toMonth, dimKey })) periodCounts.set(r.period, callCountsFrom(r.counts));
      }

      // Emails processed, all mailboxes and each, per day and month, when the figures are for all queues.
      const emails = new Map<string, number>();
      const byMailbox = new Map<string, Record<string, number>>();
      const mailboxes = !q.queue && q.grain !== 'interval' ? await metricDimensionValues(deps.db, EMAILS_METRIC, 'mailbox') : [];
      if (!q.queue && q.grain !== 'interval') {
        const grain = q.grain === 'month' ? 'month' : 'day';
        const range = { metric: EMAILS_METRIC, grain, from: grain === 'month' ? fromMonth : fromDay, to: grain === 'month' ? toMonth : toDay } as const;
        for (const r of await queryMetric(deps.db, { ...range, dimKey: '' })) emails.set(r.period, r.counts.processed ?? 0);
        for (const m of mailboxes) {
          for (const r of await queryMetric(deps.db, { ...range, dimKey: `mailbox=${m}` })) {
            const per = byMailbox.get(r.period) ?? byMailbox.set(r.period, {}).get(r.period)!;
            per[m] = r.counts.processed ?? 0;
          }
        }
      }

      const hadCalls = (d: string) => (dayCounts.get(d)?.offered ?? 0) > 0;
      const isOpen = (d: string) => calendar.isOpenDay(d);
      const row = (period: string, start: number, end: number, localDay: string, periodDays: string[] | null) => {
        const counts = periodCounts.get(period) ?? emptyCallCounts();
        const openDays = periodDays === null ? null : countOpenDays(periodDays.filter((d) => d <= today), isOpen, hadCalls);
        return {
          period,
          start: new Date(start).toISOString(),
          end: new Date(end).toISOString(),
          queue: q.queue ?? null,
          openDays,
          ...counts,
          figures: callFigures(counts, {
            targets: targetsInForce(rules.config.targets, localDay),
            variant,
            serviceLevelSeconds: count.serviceLevelSeconds,
            shortAbandonSeconds: count.shortAbandonSeconds,
            tolerance: rules.config.tolerance,
            openDays,
            emailsProcessed: q.queue || periodDays === null ? undefined : (emails.get(period) ?? 0),
            emailsByMailbox: q.queue || periodDays === null ? undefined : Object.fromEntries(mailboxes.map((m) => [m, byMailbox.get(period)?.[m] ?? 0])),
            maxDailyAbandon: periodDays === null ? null : worstDay(dayCounts, periodDays),
          }),
        };
      };

      let rows;
      if (q.grain === 'interval') {
        const starts = intervalStartsBetween(zone, days[0]!, days[days.length - 1]!, q.interval);
        rows = starts.map((s, i) => {
          const label = localIsoMinute(zone, s);
          return row(label, s, starts[i + 1] ?? dayStartMs(zone, addDays(days[days.length - 1]!, 1)), label.slice(0, 10), null);
        });
      } else if (q.grain === 'day') {
        rows = days.map((d) => {
          const [s, e] = periodBounds(zone, d);
          return row(d, s, e, d, [d]);
        });
      } else {
        rows = months.map((m) => {
          const [s, e] = periodBounds(zone, m);
          return row(m, s, e, `${m}-01`, daysOfPeriod(m, today));
        });
      }
      return c.json({
        grain: q.grain,
        ...(q.grain === 'interval' ? { interval: q.interval } : {}),
        from: q.grain === 'month' ? fromMonth : days[0],
        to: q.grain === 'month' ? toMonth : days[days.length - 1],
        zone,
        calendar: rules.calendarId,
        queue: q.queue ?? null,
        thresholds: count,
        serviceLevelVariant: { name: variant, label: serviceLevelVariants[variant] },
        basis: onTheFly ? 'visits' : 'stored',
        rows: await withFlags(deps, 'calls', rows, { fromDay: days[0]!, toDay: days[days.length - 1]! }),
      });
    })
    .get('/api/v1/calls/now', async (c) => {
      const q = parseQuery(nowQuery, c.req.query());
      const now = deps.now().getTime();
      const today = localDayKey(zone, now);
      const stale = new Date(now - rules.config.staleWaitingHours * 3_600_000);
      const waiting = await waitingVisits(deps.db, { queue: q.queue, arrivedAfter: stale });
      const queues = new Map<string, { queue: string; waiting: number; longestWaitSeconds: number; oldestArrivedAt: string }>();
      for (const v of waiting) {
        const w = Math.max(0, Math.round((now - v.arrivedAt) / 1000));
        const cur = queues.get(v.queue);
        if (!cur) queues.set(v.queue, { queue: v.queue, waiting: 1, longestWaitSeconds: w, oldestArrivedAt: new Date(v.arrivedAt).toISOString() });
        else cur.waiting += 1;
      }
      const visits = [];
      for await (const page of visitsArrivedBetween(deps.db, new Date(dayStartMs(zone, today)), new Date(now + 1), { queue: q.queue })) visits.push(...page);
      const counts = countVisits(visits, rules.count);
      const oldest = waiting[0];
      return c.json({
        at: new Date(now).toISOString(),
        zone,
        today,
        queue: q.queue ?? null,
        waiting: waiting.length,
        longestWaitSeconds: oldest ? Math.max(0, Math.round((now - oldest.arrivedAt) / 1000)) : null,
        oldestArrivedAt: oldest ? new Date(oldest.arrivedAt).toISOString() : null,
        queues: [...queues.values()].sort((a, b) => a.queue.localeCompare(b.queue)),
        todaySoFar: {
          ...counts,
          figures: callFigures(counts, {
            targets: targetsInForce(rules.config.targets, today),
            variant: rules.config.serviceLevelVariant,
            serviceLevelSeconds: rules.count.serviceLevelSeconds,
            shortAbandonSeconds: rules.count.shortAbandonSeconds,
            tolerance: rules.config.tolerance,
            openDays: null,
          }),
        },
      });
    })
    .get('/api/v1/calls/staffing', (c) => {
      const q = parseQuery(staffingQuery, c.req.query());
      let s;
      try {
        s = staffingFor({ arrivals: q.arrivals, ahtSeconds: q.aht, intervalMinutes: q.intervalMinutes, slTarget: q.slTarget, slSeconds: q.slSeconds, maxOccupancy: q.maxOccupancy });
      } catch (e) {
        if (e instanceof StaffingLimitError) throw new ApiError('invalid_parameter', `${e.field}: ${e.message}`, { field: e.field, maxAgents: MAX_AGENTS });
        throw e;
      }
      return c.json({
        model: 'Erlang C (M/M/N: Poisson arrivals, exponential handling, no abandonment)',
        input: { arrivals: q.arrivals, ahtSeconds: q.aht, intervalMinutes: q.intervalMinutes, slTarget: q.slTarget, slSeconds: q.slSeconds, maxOccupancy: q.maxOccupancy ?? null },
        ...s,
      });
    });
}
