import path from 'node:path';
import { kpiFeedCsv } from '../measures/kpi-feed.ts';
import type { Runtime } from '../runtime.ts';
import { buildKpiFeed, readKpiFeed, writeFileAtomic } from './kpi-feed.ts';
import { monthPattern } from './monthly.ts';
import { monthlyReport } from '../services/monthly-report.ts';
import { renderReportCsv } from './render-csv.ts';
import { renderReportHtml } from './render-html.ts';

function monthArg(month: string | undefined, usage: string): string {
  if (!month || !monthPattern.test(month)) throw new Error(`MONTH: expected YYYY-MM (e.g. 2025-12), got "${month ?? ''}"; usage: ${usage}`);
  return month;
}

function formatArg<F extends string>(given: string | undefined, formats: readonly F[], fallback: F): F {
  const f = given ?? fallback;
  if (!(formats as readonly string[]).includes(f)) throw new Error(`--format must be one of ${formats.join(', ')} (got "${f}")`);
  return f as F;
}

async function emit(text: string, out: string | undefined): Promise<void> {
  if (!out) {
    process.stdout.write(text);
    return;
  }
  await writeFileAtomic(path.resolve(out), text);
  console.error(`wrote ${path.resolve(out)}`);
}

const reportUsage = 'attain report MONTH [--format json|csv|html] [--out FILE]';

/** `attain report MONTH [--format json|csv|html] [--out FILE]`: the monthly performance report. */
export async function reportCommand(rt: Runtime, monthText: string | undefined, opts: { format?: string; out?: string }): Promise<void> {
  const month = monthArg(monthText, reportUsage);
  const format = formatArg(opts.format, ['json', 'csv', 'html'] as const, 'json');
  const report = await monthlyReport(rt.handle.db, rt.config, month, new Date());
  const text = format === 'csv' ? renderReportCsv(report) : format === 'html' ? renderReportHtml(report) : JSON.stringify(report, null, 2) + '\n';
  await emit(text, opts.out);
}

const feedUsage = 'attain kpi-feed MONTH [--format csv|json] [--revision N] [--out FILE]';

/**
 * `attain kpi-feed MONTH`: builds the month's feed (a new revision only when its content
 * changed) and prints it; with `--revision N` prints that stored revision without building.
 */
export async function kpiFeedCommand(rt: Runtime, monthText: string | undefined, opts: { format?: string; revision?: string; out?: string }): Promise<void> {
  const month = monthArg(monthText, feedUsage);
  const format = formatArg(opts.format, ['json', 'csv'] as const, 'json');
  const revText = opts.revision;
  let doc;
  if (revText !== undefined) {
    const revision = Number(revText);
    if (!Number.isInteger(revision) || revision < 1) throw new Error(`--revision: expected a whole number 1 or more (got "${revText}")`);
    doc = await readKpiFeed(rt.handle.db, month, revision);
    if (!doc) throw new Error(`${month} has no KPI feed revision ${revision}`);
  } else {
    const built = await buildKpiFeed(rt.handle.db, rt.config, month, new Date());
    doc = built.document;
    console.error(`${month}: revision ${doc.revision}${built.created ? ' (new)' : ' (content unchanged; no new revision)'}`);
  }
  await emit(format === 'csv' ? kpiFeedCsv(doc) : JSON.stringify(doc, null, 2) + '\n', opts.out);
}
