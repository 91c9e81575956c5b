import { Hono } from 'hono';
import { z } from 'zod';
import { listPublished } from '../../store/published.ts';
import { PublishError, publishedRecord, publishMonth } from '../../services/publish.ts';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';
import { ApiError, parseQuery } from '../errors.ts';
import { audit } from '../audit.ts';
import { actorOf } from '../session.ts';
import { monthParam } from '../params.ts';

const monthPath = z.object({ month: monthParam });
const publishQuery = z.object({ force: z.enum(['true', 'false']).optional() });

export const publishOperations: Operation[] = [
  {
    method: 'post',
    path: '/api/v1/admin/months/:month/publish',
    tag: 'Reports',
    summary: "Publish a month (YYYY-MM, ended): freeze its report (JSON, CSV, HTML) and KPI feed as issued; 409 when already published unless ?force=true (a new version)",
    query: publishQuery,
  },
  { method: 'get', path: '/api/v1/published', tag: 'Reports', summary: 'Published months: every version with when, by whom, the KPI feed revision and the sha256 of each frozen artefact' },
  { method: 'get', path: '/api/v1/published/:month', tag: 'Reports', summary: "A published month's record: its latest version, hashes and the figures as issued (figure key → value)" },
];

const links = (month: string) => ({
  report: [`/api/v1/reports/monthly/${month}.json`, `/api/v1/reports/monthly/${month}.csv`, `/api/v1/reports/monthly/${month}.html`],
  kpiFeed: [`/api/v1/kpi-feed/${month}.json`, `/api/v1/kpi-feed/${month}.csv`],
});

/** Publishing months (admin) and the published record (docs/publishing.md). */
export function publishRoutes(deps: AppDeps) {
  return new Hono()
    .post('/api/v1/admin/months/:month/publish', async (c) => {
      const { month } = parseQuery(monthPath, c.req.param());
      const q = parseQuery(publishQuery, c.req.query());
      const a = actorOf(c);
      const by = a.kind === 'none' ? 'anonymous' : a.subject;
      const result = await publishMonth(deps.db, deps.config, month, deps.now(), { by, force: q.force === 'true' }).catch((e: unknown) => {
        if (e instanceof PublishError) throw new ApiError(e.code === 'not_ended' ? 'invalid_parameter' : 'conflict', e.message, e.details);
        throw e;
      });
      await audit(c, deps, { action: result.republished ? 'month.republish' : 'month.publish', target: `month:${month}`, details: { version: result.version, kpiFeedRevision: result.kpiFeedRevision, hashes: result.hashes } });
      return c.json({ ...result, links: links(month) }, 201);
    })
    .get('/api/v1/published', async (c) => {
      const rows = await listPublished(deps.db);
      return c.json({ months: rows.map((r) => ({ ...r, issuedAt: r.issuedAt.toISOString(), links: links(r.month) })) });
    })
    .get('/api/v1/published/:month', async (c) => {
      const { month } = parseQuery(monthPath, c.req.param());
      const record = await publishedRecord(deps.db, month);
      if (!record) throw new ApiError('not_found', `${month} has not been published`, { month });
      return c.json({ ...record, links: links(month) });
    });
}
