import { z } from '@hono/zod-openapi';
import { changeOutage, closeOutage, findOutageById, outagesBetween, recordOutage } from '../../services/outages.ts';
import { audit } from '../audit.ts';
import type { AppDeps } from '../context.ts';
import { ApiError, parseJsonBody as parseBody, quote } from '../errors.ts';
import { apiRoute, json, jsonBody, router } from '../openapi.ts';
import { instantParam, jsonBodyLimit, nameParam, noteParam } from '../params.ts';

const text = noteParam(2000).transform((s) => s.trim());
const refText = noteParam(200).transform((s) => s.trim());

const createBody = z.strictObject({
  system: z.string().trim().pipe(nameParam()),
  start: instantParam,
  end: instantParam.nullable().optional(),
  kind: z.enum(['planned', 'unplanned']).default('unplanned'),
  reason: text.optional(),
  ref: refText.optional(),
});

const patchBody = z
  .strictObject({ end: instantParam.nullable().optional(), kind: z.enum(['planned', 'unplanned']).optional(), reason: text.nullable().optional(), ref: refText.nullable().optional() })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change: send end, kind, reason or ref');

const closeBody = z.strictObject({ end: instantParam.optional() });

const listQuery = z.object({
  system: nameParam().optional().openapi({ example: 'Library' }),
  from: instantParam.optional().openapi({ example: '2025-11-01T00:00:00Z' }),
  to: instantParam.optional(),
});

const OutageSchema = z
  .object({
    id: z.number().int(),
    system: z.string().nullable(),
    start: z.string(),
    end: z.string().nullable(),
    kind: z.enum(['planned', 'unplanned']),
    reason: z.string().nullable(),
    ref: z.string().nullable(),
    source: z.string(),
  })
  .openapi('Outage', { example: { id: 12, system: 'Library', start: '2025-11-04T09:10:00.000Z', end: '2025-11-04T10:05:00.000Z', kind: 'unplanned', reason: 'Database failover', ref: 'INC0012345', source: 'manual' } });
const OneOutage = z.object({ outage: OutageSchema });
const idParams = z.object({ id: z.string().openapi({ description: 'The outage id', example: '12' }) });

const listRoute = apiRoute({
  method: 'get',
  path: '/api/v1/outages',
  tags: ['Availability'],
  summary: 'Outage records',
  request: { query: listQuery },
  responses: { 200: json(z.object({ outages: z.array(OutageSchema) }).openapi('Outages')) },
});
const createRoute = apiRoute({
  method: 'post',
  path: '/api/v1/outages',
  tags: ['Availability'],
  summary: 'Record an outage (open or closed, planned or unplanned)',
  request: { body: jsonBody(createBody) },
  responses: { 201: json(OneOutage.extend({ created: z.literal(true) }), 'Recorded'), 200: json(OneOutage.extend({ created: z.literal(false) }), 'The same outage again: updated') },
  errors: { 413: 'Body over the JSON limit' },
});
const patchRoute = apiRoute({
  method: 'patch',
  path: '/api/v1/outages/{id}',
  tags: ['Availability'],
  summary: 'Change an outage record',
  request: { params: idParams, body: jsonBody(patchBody) },
  responses: { 200: json(OneOutage) },
  errors: { 404: 'No such outage', 413: 'Body over the JSON limit' },
});
const closeRoute = apiRoute({
  method: 'post',
  path: '/api/v1/outages/{id}/close',
  tags: ['Availability'],
  summary: 'Close an open outage',
  request: { params: idParams, body: jsonBody(closeBody) },
  responses: { 200: json(OneOutage) },
  errors: { 404: 'No such outage', 413: 'Body over the JSON limit' },
});

export function outageRoutes(deps: AppDeps) {
  const existing = async (id: string) => {
    const found = await findOutageById(deps.db, id);
    if (!found) throw new ApiError('not_found', `outage ${quote(id)} does not exist`, { field: 'id' });
    return found;
  };
  const limit = jsonBodyLimit();
  const app = router();
  app.use('/api/v1/outages', limit).use('/api/v1/outages/*', limit);
  return app
    .openapi(listRoute, async (c) => c.json(await outagesBetween(deps.db, deps.config, c.req.valid('query'), deps.now()), 200))
    .openapi(createRoute, async (c) => {
      const b = await parseBody(c, createBody);
      const r = await recordOutage(deps.db, deps.config, b);
      await audit(c, deps, { action: r.created ? 'outage.create' : 'outage.update', target: `outage:${r.outage.id}`, details: b });
      return r.created ? c.json({ outage: r.outage, created: true as const }, 201) : c.json({ outage: r.outage, created: false as const }, 200);
    })
    .openapi(patchRoute, async (c) => {
      const found = await existing(c.req.valid('param').id);
      const b = await parseBody(c, patchBody);
      const r = await changeOutage(deps.db, deps.config, found, b);
      await audit(c, deps, { action: 'outage.update', target: `outage:${found.o.id}`, details: b });
      return c.json(r, 200);
    })
    .openapi(closeRoute, async (c) => {
      const found = await existing(c.req.valid('param').id);
      const b = await parseBody(c, closeBody);
      const r = await closeOutage(deps.db, deps.config, found, b.end, deps.now());
      await audit(c, deps, { action: 'outage.close', target: `outage:${found.o.id}`, details: { end: r.endAt.toISOString() } });
      return c.json({ outage: r.outage }, 200);
    });
}
