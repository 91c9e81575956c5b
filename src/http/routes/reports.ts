import { z } from '@hono/zod-openapi';
import { monthlyReport } from '../../reports/monthly.ts';
import { renderReportCsv } from '../../reports/render-csv.ts';
import { renderReportHtml } from '../../reports/render-html.ts';
import type { AppDeps } from '../context.ts';
import { ApiError, quote } from '../errors.ts';
import { apiRoute, documented, router } from '../openapi.ts';
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

const ReportSchema = z
  .looseObject({ report: z.literal('monthly-performance'), month: z.string(), previousMonth: z.string(), zone: z.string(), generatedAt: z.string(), basis: z.literal('outcome') })
  .openapi('MonthlyReport');

const reportRoute = apiRoute({
  method: 'get',
  path: '/api/v1/reports/monthly/{month}',
  tags: ['Reports'],
  summary: 'The monthly performance report for YYYY-MM; suffix .json (default), .csv or .html (printable page with charts)',
  request: { params: monthFileParams(reportFormats) },
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
    const report = await monthlyReport(deps.db, deps.config, month, deps.now());
    if (format === 'csv') {
      return c.body(renderReportCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `inline; filename="attain-report-${month}.csv"` });
    }
    if (format === 'html') return c.html(renderReportHtml(report));
    return c.json(report, 200);
  });
}
