/**
 * The scripts the printable report inlines, and their CSP hashes: the report is also a standalone
 * file (`attain report MONTH --format html`) that must draw offline, so it cannot load scripts from
 * the server; instead the server's CSP for the report allows exactly these two texts by hash and
 * no other inline script ('unsafe-inline' is not needed).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let chartJs: string | undefined;
/**
 * Chart.js's UMD build from the project's own dependencies, inlined so the page is one
 * self-contained file (the machines have no internet, and a saved report must still draw).
 */
export function chartJsSource(): string {
  if (chartJs === undefined) {
    // The package's exports map hides dist/; resolve its entry and read the UMD file beside it.
    const entry = createRequire(import.meta.url).resolve('chart.js');
    chartJs = readFileSync(path.join(path.dirname(entry), 'chart.umd.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
  }
  return chartJs;
}

let reportJs: string | undefined;
/** The report's own script (report.client.js): the charts and the commentary form. */
export function reportScriptSource(): string {
  reportJs ??= readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'report.client.js'), 'utf8');
  return reportJs;
}

/** `'sha256-…'` CSP sources of the report's inline scripts (the JSON data block is not run, so needs none). */
export function reportScriptHashes(): string[] {
  return [chartJsSource(), reportScriptSource()].map((text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`);
}
