import { Hono } from 'hono';
import { z } from 'zod';
import { parseTimestamp } from '../../calendar/zone.ts';
import { reportingZone, zoneOfCalendar } from '../../config/calendars.ts';
import {
  findOutage,
  getOutage,
  insertOutage,
  listOutages,
  listSystems,
  systemsByName,
  updateOutage,
  type OutageRow,
  type SystemRow,
} from '../../store/availability.ts';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';
import { ApiError, parseJsonBody as parseBody, parseQuery, quote } from '../errors.ts';
import { INT32_MAX, instantParam, jsonBodyLimit, nameParam, noteParam } from '../params.ts';
import { audit } from '../audit.ts';

const instantText = instantParam;
const text = noteParam(2000).transform((s) => s.trim());


const createBody = z.strictObject({
  system: z.string().trim().pipe(nameParam()),
  start: instantText,
  end: instantText.nullable().optional(),
  kind: z.enum(['planned', 'unplanned']).default('unplanned'),
  reason: text.optional(),
  ref: noteParam(200).transform((s) => s.trim()).optional(),
});

const patchBody = z
  .strictObject({ end: instantText.nullable().optional(), kind: z.enum(['planned', 'unplanned']).optional(), reason: text.nullable().optional(), ref: noteParam(200).transform((s) => s.trim()).nullable().optional() })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change: send end, kind, reason or ref');

const closeBody = z.strictObject({ end: instantText.optional() });

const listQuery = z.object({
  system: nameParam().optional(),
  from: instantText.optional(),
  to: instantText.optional(),
});

function outageOut(o: OutageRow, systems: Map<number, SystemRow>) {
  return {
    id: o.id,
    system: systems.get(o.systemId)?.name ?? null,
    start: o.startAt.toISOString(),
    end: o.endAt?.toISOString() ?? null,
    kind: o.kind,
    reason: o.reason,
    ref: o.ref,
    source: o.source,
  };
}

/**
 * Outage records from people and tools (METRICS.md §4): open, close, planned or unplanned,
 * reason, ticket reference. Naive times are read in the system's core-hours zone.
 */
export const outageOperations: Operation[] = [
  { method: 'get', path: '/api/v1/outages', tag: 'Availability', summary: 'Outage records', query: listQuery },
  { method: 'post', path: '/api/v1/outages', tag: 'Availability', summary: 'Record an outage (open or closed, planned or unplanned)', body: createBody },
  { method: 'patch', path: '/api/v1/outages/:id', tag: 'Availability', summary: 'Change an outage record', body: patchBody },
  { method: 'post', path: '/api/v1/outages/:id/close', tag: 'Availability', summary: 'Close an open outage', body: closeBody },
];

export function outageRoutes(deps: AppDeps) {
  const zoneOf = (s: SystemRow) => zoneOfCalendar(deps.config, s.calendarId);
  const instant = (s: SystemRow, value: string) => new Date(parseTimestamp(value, zoneOf(s))!.ms);
  const systemsById = async () => new Map((await listSystems(deps.db)).map((s) => [s.id, s]));
  const existing = async (id: string) => {
    const n = Number(id);
    const o = /^\d{1,10}$/.test(id) && n > 0 && n <= INT32_MAX ? await getOutage(deps.db, n) : undefined;
    if (!o) throw new ApiError('not_found', `outage ${quote(id)} does not exist`, { field: 'id' });
    const systems = await systemsById();
    return { o, system: systems.get(o.systemId)!, systems };
  };

  const limit = jsonBodyLimit();

  return new Hono()
    .use('/api/v1/outages', limit)
    .use('/api/v1/outages/*', limit)
    .get('/api/v1/outages', async (c) => {
      const q = parseQuery(listQuery, c.req.query());
      const all = await listSystems(deps.db);
      let ids: number[] | undefined;
      if (q.system) {
        const s = systemsByName(all).get(q.system.toLowerCase());
        if (!s) throw new ApiError('invalid_parameter', `system: unknown system "${q.system}"`, { field: 'system' });
        ids = [s.id];
      }
      const now = deps.now();
      const from = q.from ? new Date(parseTimestamp(q.from, reportingZone(deps.config))!.ms) : new Date(now.getTime() - 90 * 86_400_000);
      const to = q.to ? new Date(parseTimestamp(q.to, reportingZone(deps.config))!.ms) : new Date(now.getTime() + 366 * 86_400_000);
      const rows = await listOutages(deps.db, { from, to, systemIds: ids });
      const byId = new Map(all.map((s) => [s.id, s]));
      return c.json({ outages: rows.map((o) => outageOut(o, byId)) });
    })
    .post('/api/v1/outages', async (c) => {
      const b = await parseBody(c, createBody);
      const all = await listSystems(deps.db);
      const system = systemsByName(all).get(b.system.toLowerCase());
      if (!system) {
        throw new ApiError('invalid_body', `system: unknown system ${quote(b.system)} (known: ${all.map((s) => s.name).join(', ') || 'none'})`, { field: 'system' });
      }
      const startAt = instant(system, b.start);
      const endAt = b.end ? instant(system, b.end) : null;
      if (endAt && endAt <= startAt) throw new ApiError('invalid_body', 'end: end is not after start', { field: 'end' });
      const byId = new Map(all.map((s) => [s.id, s]));
      const key = { systemId: system.id, source: 'manual' as const, kind: b.kind, startAt };
      // The same outage posted twice (a retry) updates the first rather than counting it twice.
      const found = await findOutage(deps.db, key);
      if (found) {
        const updated = await updateOutage(deps.db, found.id, { endAt, reason: b.reason ?? found.reason, ref: b.ref ?? found.ref });
        await audit(c, deps, { action: 'outage.update', target: `outage:${found.id}`, details: b });
        return c.json({ outage: outageOut(updated!, byId), created: false }, 200);
      }
      const row = await insertOutage(deps.db, { ...key, endAt, reason: b.reason ?? null, ref: b.ref ?? null });
      await audit(c, deps, { action: 'outage.create', target: `outage:${row.id}`, details: b });
      return c.json({ outage: outageOut(row, byId), created: true }, 201);
    })
    .patch('/api/v1/outages/:id', async (c) => {
      const { o, system, systems } = await existing(c.req.param('id'));
      const b = await parseBody(c, patchBody);
      const endAt = b.end === undefined ? o.endAt : b.end === null ? null : instant(system, b.end);
      if (endAt && endAt <= o.startAt) throw new ApiError('invalid_body', 'end: end is not after start', { field: 'end' });
      const updated = await updateOutage(deps.db, o.id, {
        endAt,
        ...(b.kind ? { kind: b.kind } : {}),
        ...(b.reason !== undefined ? { reason: b.reason } : {}),
        ...(b.ref !== undefined ? { ref: b.ref } : {}),
      });
      await audit(c, deps, { action: 'outage.update', target: `outage:${o.id}`, details: b });
      return c.json({ outage: outageOut(updated!, systems) });
    })
    .post('/api/v1/outages/:id/close', async (c) => {
      const { o, system, systems } = await existing(c.req.param('id'));
      const b = await parseBody(c, closeBody);
      const endAt = b.end ? instant(system, b.end) : deps.now();
      if (endAt <= o.startAt) throw new ApiError('invalid_body', 'end: end is not after start', { field: 'end' });
      const updated = await updateOutage(deps.db, o.id, { endAt });
      await audit(c, deps, { action: 'outage.close', target: `outage:${o.id}`, details: { end: endAt.toISOString() } });
      return c.json({ outage: outageOut(updated!, systems) });
    });
}
