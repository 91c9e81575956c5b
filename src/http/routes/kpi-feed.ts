import { z } from '@hono/zod-openapi';
import { kpiFeedCsv } from '../../measures/kpi-feed.ts';
import { readKpiFeed } from '../../reports/kpi-feed.ts';
import type { AppDeps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { apiRoute, documented, router } from '../openapi.ts';
import { INT32_MAX, intParam } from '../params.ts';
import { liveQuery, monthFileParams, parseMonthFile, servedFrozen } from './reports.ts';

const feedQuery = z.object({ revision: intParam(1, INT32_MAX).optional() }).extend(liveQuery.shape);
const formats = ['json', 'csv'] as const;

const FeedSchema = z
  .looseObject({ format: z.literal('attain-kpi-feed/1'), period: z.string(), revision: z.number().int(), generated_at: z.string(), content_hash: z.string(), rows: z.array(z.looseObject({ code: z.string(), flags: z.string().optional().openapi({ description: 'Data-quality flags of a flagged row, `code=count;…` (docs/metrics.md 7a); absent when none' }) })) })
  .openapi('KpiFeed', { description: 'One revision of the feed; the full schema is docs/kpi-feed.schema.json' });

const feedRoute = apiRoute({
  method: 'get',
  path: '/api/v1/kpi-feed/{month}',
  tags: ['Reports'],
  summary: "A month's KPI feed (YYYY-MM, suffix .json (default) or .csv): the latest revision, or ?revision=N; a published month answers the revision frozen with it (header X-Attain-Issued-At) unless ?live=true or ?revision",
  request: { params: monthFileParams(formats), query: feedQuery },
  responses: {
    200: {
      description: 'The revision, as JSON or CSV by the suffix',
      content: { 'application/json': { schema: documented<NonNullable<Awaited<ReturnType<typeof readKpiFeed>>>>(FeedSchema) }, 'text/csv': { schema: z.string() } },
    },
  },
  errors: { 404: 'No feed (or no such revision) for the month' },
});

/** The monthly KPI feed (METRICS.md §5): stored revisions only; the kpi-feed job and `attain kpi-feed` build them. */
export function kpiFeedRoutes(deps: AppDeps) {
  return router().openapi(feedRoute, async (c) => {
    const q = c.req.valid('query');
    const { month, format } = parseMonthFile(c.req.valid('param').month, formats, 'json');
    if (q.revision === undefined) {
      const csvHeaders = { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `inline; filename="kpi-feed-${month}.csv"` };
      const frozen = await servedFrozen(c, deps, month, `kpi-feed.${format}`, q.live === 'true', format === 'csv' ? csvHeaders : { 'content-type': 'application/json' });
      if (frozen) return frozen;
    }
    const doc = await readKpiFeed(deps.db, month, q.revision);
    if (!doc) {
      throw new ApiError('not_found', q.revision === undefined ? `no KPI feed has been built for ${month}` : `${month} has no revision ${q.revision}`, {
        month,
        ...(q.revision === undefined ? {} : { revision: q.revision }),
      });
    }
    if (format === 'csv') {
      return c.body(kpiFeedCsv(doc), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `inline; filename="kpi-feed-${month}-r${doc.revision}.csv"` });
    }
    return c.json(doc, 200);
  });
}
