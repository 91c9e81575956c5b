import type { MonthlyReport } from './monthly.ts';
import { ReportPage } from './render-page.tsx';

export { chartJsSource } from './render-scripts.ts';

/**
 * The monthly report as a printable, self-contained HTML page (A4), charts beside accessible
 * tables: hono/jsx (src/reports/render-page.tsx) escapes every text; its two inline scripts are
 * allowed by hash in the report's CSP (src/reports/render-scripts.ts).
 */
export function renderReportHtml(r: MonthlyReport): string {
  return `<!doctype html>\n${String(ReportPage({ r }))}\n`;
}
