import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { frozenCopy, type ArtefactName } from '../../services/publish.ts';
import { monthlyReport } from '../../services/monthly-report.ts';
import { renderReportCsv } from '../../reports/render-csv.ts';
import { renderReportHtml } from '../../reports/render-html.ts';
import type { AppDeps } from '../context.ts';
import { ApiError, quote } from '../errors.ts';
import { apiRoute, documented, router } from '../openapi.ts';
import { QualityFlagSchema } from './schemas.ts';
import { scopes } from '../../quality/flags.ts';
import { monthInRange, YEAR_MAX, YEAR_MIN } from '../params.ts';

/** `YYYY-MM` with an optional `.json`, `.csv` or `.html` suffix (the path's last segment). */
export function parseMonthFile<F extends string>(text: string, formats: readonly F[], fallback: F): { month: string; format: F } {
  const m = /^([^]*?)(?:\.([a-z]+))?$/.exec(text)!;
  const [, month = '', suffix] = m;
  if (!monthInRange(month)) {
    throw new ApiError('invalid_parameter', `month: expected a real month YYYY-MM (e.g. 2025-12) between ${YEAR_MIN} and ${YEAR_MAX}, got ${quote(month)}`, { field: 'month' });
  }
  if (suffix !== undefined && !(formats as readonly string[]).includes(suffix)) {
    throw new ApiError('invalid_parameter', `format: expected ${formats.map((f) => `.${f}`).join(', ')} or none, got ${quote(`.${suffix}`)}`, { field: 'format' });
  }
  return { month, format: (suffix as F | undefined) ?? fallback };
}

export const reportFormats = ['json', 'csv', 'html'] as const;

/** The path's month and format, checked by `parseMonthFile` (its messages name `month` or `format`). */
export const monthFileParams = (formats: readonly string[]) =>
  z.object({ month: z.string().openapi({ description: `YYYY-MM, with ${formats.map((f) => `.${f}`).join(', ')} or no suffix`, example: '2025-11.csv' }) });

/** `?live=true`: the recomputation now, instead of the copy issued when the month was published. */
export const liveQuery = z.object({ live: z.enum(['true', 'false']).optional().openapi({ description: 'true: the recomputation now instead of the copy issued when the month was published' }) });

/**
 * The frozen copy of a published month, byte for byte, saying when it was issued; undefined when
 * the month is not published (or `live` was asked for: the live answer then says it is live).
 */
export async function servedFrozen(c: Context, deps: AppDeps, month: string, name: ArtefactName, live: boolean, headers: Record<string, string>) {
  const frozen = await frozenCopy(deps.db, month, name);
  if (!frozen) return undefined;
  if (live) {
    c.header('x-attain-live', `true; ${month} was published at ${frozen.issuedAt}`);
    return undefined;
  }
  return c.body(frozen.text, 200, { ...headers, 'x-attain-issued-at': frozen.issuedAt, 'x-attain-published-version': String(frozen.version), 'x-attain-content-sha256': frozen.sha256 });
}

// Optional: a month published before flags existed answers its frozen copy without them.
const flagged = (shape: Record<string, z.ZodType> = {}) => z.looseObject({ ...shape, flags: z.array(QualityFlagSchema).optional() });
const ReportSchema = z
  .looseObject({
    report: z.literal('monthly-performance'),
    month: z.string(),
    previousMonth: z.string(),
    zone: z.string(),
    generatedAt: z.string(),
    basis: z.literal('outcome'),
    measures: z.array(flagged({ code: z.string() })),
    tickets: z.looseObject({ months: z.array(flagged({ month: z.string() })) }),
    contactCentre: z.looseObject({ all: z.union([flagged({ queue: z.string() }), z.null()]), queues: z.array(flagged({ queue: z.string() })) }),
    availability: z.looseObject({ systems: z.array(flagged({ system: z.string() })), all: z.union([flagged(), z.null()]) }),
    casework: z.looseObject({ kinds: z.array(flagged()) }),
    qualityFlags: z.array(QualityFlagSchema.extend({ scope: z.enum(scopes), subject: z.string().nullable() })).optional(),
  })
  .openapi('MonthlyReport');

const reportRoute = apiRoute({
  method: 'get',
  path: '/api/v1/reports/monthly/{month}',
  tags: ['Reports'],
  summary: 'The monthly performance report for YYYY-MM; suffix .json (default), .csv or .html (printable page with charts); a published month answers its frozen copy (header X-Attain-Issued-At) unless ?live=true',
  request: { params: monthFileParams(reportFormats), query: liveQuery },
  responses: {
    200: {
      description: 'The report: JSON, CSV or a printable page, by the suffix',
      content: {
        'application/json': { schema: documented<Awaited<ReturnType<typeof monthlyReport>>>(ReportSchema) },
        'text/csv': { schema: z.string() },
        'text/html': { schema: z.string() },
      },
    },
  },
});

/** The monthly performance report, one model in three formats. */
export function reportRoutes(deps: AppDeps) {
  return router().openapi(reportRoute, async (c) => {
    const { month, format } = parseMonthFile(c.req.valid('param').month, reportFormats, 'json');
    const csvHeaders = { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `inline; filename="attain-report-${month}.csv"` };
    const types = { json: { 'content-type': 'application/json' }, csv: csvHeaders, html: { 'content-type': 'text/html; charset=UTF-8' } };
    const frozen = await servedFrozen(c, deps, month, `report.${format}`, c.req.valid('query').live === 'true', types[format]);
    if (frozen) return frozen;
    const report = await monthlyReport(deps.db, deps.config, month, deps.now());
    if (format === 'csv') {
      return c.body(renderReportCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `inline; filename="attain-report-${month}.csv"` });
    }
    if (format === 'html') return c.html(renderReportHtml(report));
    return c.json(report, 200);
  });
}
