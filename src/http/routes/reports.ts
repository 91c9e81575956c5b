import { Hono } from 'hono';
import { monthlyReport } from '../../reports/monthly.ts';
import { renderReportCsv } from '../../reports/render-csv.ts';
import { renderReportHtml } from '../../reports/render-html.ts';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';
import { ApiError, quote } from '../errors.ts';
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

export const reportOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/reports/monthly/:month',
    tag: 'Reports',
    summary: 'The monthly performance report for YYYY-MM; suffix .json (default), .csv or .html (printable page with charts)',
    produces: ['text/csv', 'text/html'],
  },
];

/** The monthly performance report, one model in three formats. */
export function reportRoutes(deps: AppDeps) {
  return new Hono().get('/api/v1/reports/monthly/:month', async (c) => {
    const { month, format } = parseMonthFile(c.req.param('month'), reportFormats, 'json');
    const report = await monthlyReport(deps.db, deps.config, month, deps.now());
    if (format === 'csv') {
      return c.body(renderReportCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `inline; filename="attain-report-${month}.csv"` });
    }
    if (format === 'html') return c.html(renderReportHtml(report));
    return c.json(report);
  });
}
