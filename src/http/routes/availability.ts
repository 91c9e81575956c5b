import { Hono } from 'hono';
import { z } from 'zod';
import { addDays, localDayKey } from '../../calendar/zone.ts';
import { availabilityReport } from '../../reports/availability.ts';
import { listSystems, systemsByName } from '../../store/availability.ts';
import { withFlags } from '../../services/quality.ts';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';
import { ApiError, parseQuery, quote } from '../errors.ts';
import { dayOrMonthParam, nameParam } from '../params.ts';
import { periodEndDay, periodStartDay } from '../../sla/periods.ts';

const periodText = dayOrMonthParam;

const availabilityQuery = z.object({
  from: periodText.optional(),
  to: periodText.optional(),
  grain: z.enum(['day', 'month']).default('month'),
  system: nameParam().optional(),
  group: nameParam().optional(),
});

const MAX_PERIODS = { day: 400, month: 60 } as const;

export const availabilityOperations: Operation[] = [
  { method: 'get', path: '/api/v1/availability', tag: 'Availability', summary: 'Availability in core hours per system and for all systems, with target and status', query: availabilityQuery },
];

/** First or last day of a period text. */
const dayOf = (text: string, end: boolean) => (end ? periodEndDay(text) : periodStartDay(text));

/**
 * Availability in core hours per system and for all systems, per local day or month, with
 * target and status (METRICS.md §4; ARCHITECTURE.md "Interfaces"). Computed on request.
 */
export function availabilityRoutes(deps: AppDeps) {
  return new Hono().get('/api/v1/availability', async (c) => {
    const q = parseQuery(availabilityQuery, c.req.query());
    const today = localDayKey('Europe/London', deps.now().getTime());
    const defaultFrom = q.grain === 'day' ? addDays(today, -30) : addDays(`${today.slice(0, 7)}-15`, -334).slice(0, 7);
    const from = dayOf(q.from ?? defaultFrom, false);
    const to = dayOf(q.to ?? today, true);
    if (from > to) throw new ApiError('invalid_parameter', `from: ${q.from ?? from} is after ${q.to === undefined ? `today (${to})` : `to ${q.to}`}`, { field: 'from' });
    const periods = q.grain === 'day' ? Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1 : (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
    if (periods > MAX_PERIODS[q.grain]) {
      throw new ApiError('invalid_parameter', `to: a ${q.grain} query covers at most ${MAX_PERIODS[q.grain]} periods; narrow from/to`, { field: 'to' });
    }
    let systems = await listSystems(deps.db);
    if (q.system) {
      const s = systemsByName(systems).get(q.system.toLowerCase());
      if (!s) throw new ApiError('invalid_parameter', `system: unknown system ${quote(q.system)} (known: ${systems.map((x) => x.name).join(', ') || 'none'})`, { field: 'system' });
      systems = [s];
    }
    if (q.group) systems = systems.filter((s) => s.group.toLowerCase() === q.group!.toLowerCase());
    const report = await availabilityReport(deps.db, deps.config, { grain: q.grain, from, to, systems }, deps.now());
    const [rows, allSystems] = [await withFlags(deps, 'availability', report.rows, { fromDay: from, toDay: to }), await withFlags(deps, 'availability', report.allSystems, { fromDay: from, toDay: to })];
    const out = { ...report, rows, allSystems, from: q.grain === 'month' ? from.slice(0, 7) : from, to: q.grain === 'month' ? to.slice(0, 7) : to, slice: { system: q.system ?? null, group: q.group ?? null } };
    return c.json(out);
  });
}
