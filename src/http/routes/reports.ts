import { Hono } from 'hono';
import { monthPattern, monthlyReport } from '../../reports/monthly.ts';
import { renderReportCsv } from '../../reports/render-csv.ts';
import { renderReportHtml } from '../../reports/render-html.ts';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';
import { ApiError } from '../errors.ts';

/** `YYYY-MM` with an optional `.json`, `.csv` or `.html` suffix (the path's last segment). */
export function parseMonthFile<F extends string>(text: string, formats: readonly F[], fallback: F): { month: string; format: F } {
  const m = /^(.*?)(?:\.([a-z]+))?$/.exec(text)!;
  const [, month = '', suffix] = m;
  if (!monthPattern.test(month)) throw new ApiError('invalid_parameter', `month: expected YYYY-MM (e.g. 2025-12), got "${month}"`, { field: 'month' });
  if (suffix !== undefined && !(formats as readonly string[]).includes(suffix)) {
    throw new ApiError('invalid_parameter', `format: expected ${formats.map((f) => `.${f}`).join(', ')} or none, got ".${suffix}"`, { field: 'format' });
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
