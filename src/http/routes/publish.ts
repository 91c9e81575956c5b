import { z } from '@hono/zod-openapi';
import { PublishError, publishedMonths, publishedRecord, publishMonth, type PublishResult } from '../../services/publish.ts';
import { audit } from '../audit.ts';
import type { AppDeps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { apiRoute, documented, json, router } from '../openapi.ts';
import { monthParam } from '../params.ts';
import { actorOf } from '../session.ts';

const monthPath = z.object({ month: monthParam }).openapi({ example: { month: '2025-11' } });
const publishQuery = z.object({ force: z.enum(['true', 'false']).optional().openapi({ description: 'true: publish again as a new version (admin)' }) });

const Links = z.object({ report: z.array(z.string()), kpiFeed: z.array(z.string()) });
const Hashes = z.record(z.string(), z.string());
const Figures = z.record(z.string(), z.number().nullable());
const PublishResultSchema = z
  .looseObject({ month: z.string(), version: z.number().int(), issuedAt: z.string(), issuedBy: z.string(), republished: z.boolean(), kpiFeedRevision: z.number().int(), hashes: Hashes, figures: Figures, links: Links })
  .openapi('PublishResult');
const PublishedSchema = z
  .looseObject({ month: z.string(), version: z.number().int(), issuedAt: z.string(), issuedBy: z.string(), kpiFeedRevision: z.number().int(), hashes: Hashes, links: Links })
  .openapi('PublishedMonth');

const publishRoute = apiRoute({
  method: 'post',
  path: '/api/v1/admin/months/{month}/publish',
  tags: ['Reports'],
  summary: 'Publish a month (YYYY-MM, ended): freeze its report (JSON, CSV, HTML) and KPI feed as issued; 409 when already published unless ?force=true (a new version)',
  request: { params: monthPath, query: publishQuery },
  responses: { 201: json(documented<PublishResult & { links: z.infer<typeof Links> }>(PublishResultSchema), 'Published: the version, hashes of the frozen copies and the figures as issued') },
  errors: { 409: 'Already published (publish again with ?force=true)' },
});
const listRoute = apiRoute({
  method: 'get',
  path: '/api/v1/published',
  tags: ['Reports'],
  summary: 'Published months: every version with when, by whom, the KPI feed revision and the sha256 of each frozen artefact',
  responses: { 200: json(z.object({ months: z.array(PublishedSchema) }).openapi('PublishedMonths')) },
});
const recordRoute = apiRoute({
  method: 'get',
  path: '/api/v1/published/{month}',
  tags: ['Reports'],
  summary: "A published month's record: its latest version, hashes and the figures as issued (figure key → value)",
  request: { params: monthPath },
  responses: { 200: json(PublishedSchema.extend({ figures: Figures }).openapi('PublishedRecord')) },
  errors: { 404: 'The month has not been published' },
});

const links = (month: string) => ({
  report: [`/api/v1/reports/monthly/${month}.json`, `/api/v1/reports/monthly/${month}.csv`, `/api/v1/reports/monthly/${month}.html`],
  kpiFeed: [`/api/v1/kpi-feed/${month}.json`, `/api/v1/kpi-feed/${month}.csv`],
});

/** Publishing months (admin) and the published record (docs/publishing.md). */
export function publishRoutes(deps: AppDeps) {
  return router()
    .openapi(publishRoute, async (c) => {
      const { month } = c.req.valid('param');
      const a = actorOf(c);
      const by = a.kind === 'none' ? 'anonymous' : a.subject;
      const result = await publishMonth(deps.db, deps.config, month, deps.now(), { by, force: c.req.valid('query').force === 'true' }).catch((e: unknown) => {
        if (e instanceof PublishError) throw new ApiError(e.code === 'not_ended' ? 'invalid_parameter' : 'conflict', e.message, e.details);
        throw e;
      });
      await audit(c, deps, { action: result.republished ? 'month.republish' : 'month.publish', target: `month:${month}`, details: { version: result.version, kpiFeedRevision: result.kpiFeedRevision, hashes: result.hashes } });
      return c.json({ ...result, links: links(month) }, 201);
    })
    .openapi(listRoute, async (c) => {
      const rows = await publishedMonths(deps.db);
      return c.json({ months: rows.map((r) => ({ ...r, issuedAt: r.issuedAt.toISOString(), links: links(r.month) })) }, 200);
    })
    .openapi(recordRoute, async (c) => {
      const { month } = c.req.valid('param');
      const record = await publishedRecord(deps.db, month);
      if (!record) throw new ApiError('not_found', `${month} has not been published`, { month });
      return c.json({ ...record, links: links(month) }, 200);
    });
}
