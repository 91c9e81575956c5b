import { Hono } from 'hono';
import { z } from 'zod';
import { addDays, daysInMonth, localDayKey } from '../../calendar/zone.ts';
import { parsePriority } from '../../feeds/tickets/generic.ts';
import { attainmentRow, dimKey, emptyCounts, type AttainmentCounts, type Dims } from '../../sla/attainment.ts';
import { queryMetric } from '../../store/metrics.ts';
import { SLA_METRIC, slaRules } from '../../sla/rules.ts';
import type { AppDeps } from '../app.ts';
import { ApiError, parseQuery } from '../errors.ts';

const periodText = z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'expected YYYY-MM-DD or YYYY-MM');

const attainmentQuery = z.object({
  from: periodText.optional(),
  to: periodText.optional(),
  grain: z.enum(['day', 'month']).default('month'),
  basis: z.enum(['outcome', 'resolved']).default('outcome'),
  kind: z.string().min(1).optional(),
  team: z.string().min(1).optional(),
  priority: z.string().min(1).optional(),
});

/** Every period of a grain from `from` to `to` inclusive. */
function periodsBetween(grain: 'day' | 'month', from: string, to: string): string[] {
  const out: string[] = [];
  if (grain === 'day') {
    for (let d = from; d <= to && out.length <= 3660; d = addDays(d, 1)) out.push(d);
  } else {
    for (let m = from; m <= to && out.length <= 1200; m = addDays(`${m}-28`, 4).slice(0, 7)) out.push(m);
  }
  return out;
}

function asPeriod(grain: 'day' | 'month', text: string, end: boolean): string {
  if (grain === 'month') return text.slice(0, 7);
  if (text.length === 10) return text;
  const [y, m] = text.split('-').map(Number) as [number, number];
  return end ? `${text}-${String(daysInMonth(y, m)).padStart(2, '0')}` : `${text}-01`;
}

export function slaRoutes(deps: AppDeps) {
  const rules = slaRules(deps.config);
  return new Hono().get('/api/v1/sla/attainment', async (c) => {
    const q = parseQuery(attainmentQuery, c.req.query());
    const today = localDayKey(rules.zone, deps.now().getTime());
    const defaultFrom = q.grain === 'day' ? addDays(today, -30) : addDays(`${today.slice(0, 7)}-15`, -334).slice(0, 7);
    const from = asPeriod(q.grain, q.from ?? defaultFrom, false);
    const to = asPeriod(q.grain, q.to ?? today, true);
    if (from > to) throw new ApiError('invalid_parameter', `from: ${from} is after to ${to}`, { field: 'from' });
    const periods = periodsBetween(q.grain, from, to);
    if (periods.at(-1) !== to) {
      throw new ApiError('invalid_parameter', `to: a ${q.grain} query covers at most ${periods.length} periods; narrow from/to`, { field: 'to' });
    }

    const slice: Dims = {};
    if (q.kind) {
      if (!deps.config.kinds.includes(q.kind)) {
        throw new ApiError('invalid_parameter', `kind: unknown kind "${q.kind}" (expected ${deps.config.kinds.join(', ')})`, { field: 'kind' });
      }
      slice.kind = q.kind;
    }
    if (q.team) slice.team = q.team;
    if (q.priority) {
      const p = parsePriority(q.priority);
      if (!p) throw new ApiError('invalid_parameter', `priority: unknown priority "${q.priority}"`, { field: 'priority' });
      slice.priority = p;
    }

    const stored = await queryMetric(deps.db, { metric: SLA_METRIC, grain: q.grain, from, to, dimKey: dimKey(slice) });
    const byPeriod = new Map(stored.map((r) => [r.period, r.counts as AttainmentCounts]));
    const rows = periods.map((p) => attainmentRow(p, slice, { ...emptyCounts(), ...byPeriod.get(p) }, deps.config.goals, q.basis));
    return c.json({ basis: q.basis, grain: q.grain, from, to, slice, zone: rules.zone, rows });
  });
}
