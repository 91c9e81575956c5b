import { Hono } from 'hono';
import { z } from 'zod';
import { kpiFeedCsv } from '../../measures/kpi-feed.ts';
import { readKpiFeed } from '../../reports/kpi-feed.ts';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';
import { ApiError, parseQuery } from '../errors.ts';
import { INT32_MAX, intParam } from '../params.ts';
import { parseMonthFile, servedFrozen } from './reports.ts';

const feedQuery = z.object({ revision: intParam(1, INT32_MAX).optional(), live: z.enum(['true', 'false']).optional() });

export const kpiFeedOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/kpi-feed/:month',
    tag: 'Reports',
    summary: "A month's KPI feed (YYYY-MM, suffix .json (default) or .csv): the latest revision, or ?revision=N; a published month answers the revision frozen with it (header X-Attain-Issued-At) unless ?live=true or ?revision",
    query: feedQuery,
    produces: ['text/csv'],
  },
];

/** The monthly KPI feed (METRICS.md §5): stored revisions only; the kpi-feed job and `attain kpi-feed` build them. */
export function kpiFeedRoutes(deps: AppDeps) {
  return new Hono().get('/api/v1/kpi-feed/:month', async (c) => {
    const { month, format } = parseMonthFile(c.req.param('month'), ['json', 'csv'] as const, 'json');
    const q = parseQuery(feedQuery, c.req.query());
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
    return c.json(doc);
  });
}
