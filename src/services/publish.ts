/**
 * Published figures (issue 16, item 4): publishing freezes a month's report (JSON, CSV, HTML)
 * and KPI feed exactly as issued, with its figures in comparable form; later reports restate
 * what changed since. `attain publish`, `POST /api/v1/admin/months/{month}/publish` and the
 * report and KPI feed routes call these verbs.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { PublishedMonth } from '../../db/schema.ts';
import { dayStartMs, nextMonth } from '../calls/periods.ts';
import type { AppConfig } from '../config/app-config.ts';
import { kpiFeedContent, kpiFeedCsv } from '../measures/kpi-feed.ts';
import { contentHashOf, readKpiFeed } from '../reports/kpi-feed.ts';
import type { MonthlyReport } from '../reports/monthly.ts';
import { monthlyReport } from './monthly-report.ts';
import { policyHashesOf } from './restatement.ts';
import { renderReportCsv } from '../reports/render-csv.ts';
import { renderReportHtml } from '../reports/render-html.ts';
import { figuresOf, valuesOf } from '../reports/restatement.ts';
import { kpiRowsWithFlags } from '../reports/quality-section.tsx';
import { slaRules } from '../sla/rules.ts';
import { insertAudit } from '../store/audit.ts';
import { saveKpiRevision } from '../store/kpi-feed.ts';
import { currentWatermarks, insertPublished, latestPublished, listPublished, publishedStamp, publishedText } from '../store/published.ts';

export class PublishError extends Error {
  constructor(
    readonly code: 'already_published' | 'not_ended',
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The frozen artefacts, by the name their hash is stored under, and the column holding each. */
export const artefacts = {
  'report.json': 'reportJson',
  'report.csv': 'reportCsv',
  'report.html': 'reportHtml',
  'kpi-feed.json': 'kpiFeedJson',
  'kpi-feed.csv': 'kpiFeedCsv',
} as const satisfies Record<string, keyof PublishedMonth>;
export type ArtefactName = keyof typeof artefacts;

export { policyHashesOf, restatementFor } from './restatement.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The published model carries when it was issued, so the frozen JSON, CSV and HTML say it themselves. */
export type IssuedReport = MonthlyReport & { issued?: { at: string; version: number } };

export type PublishResult = {
  month: string;
  version: number;
  issuedAt: string;
  issuedBy: string;
  republished: boolean;
  kpiFeedRevision: number;
  hashes: Record<ArtefactName, string>;
  figures: Record<string, number | null>;
};

const resultOf = (p: PublishedMonth, republished: boolean): PublishResult => ({
  month: p.month,
  version: p.version,
  issuedAt: p.issuedAt.toISOString(),
  issuedBy: p.issuedBy,
  republished,
  kpiFeedRevision: p.kpiFeedRevision,
  hashes: p.hashes as Record<ArtefactName, string>,
  figures: p.figures,
});

/**
 * Publishes `month`: its report and KPI feed (a new feed revision only when the content
 * changed) are built once, from one read of the figures, and stored as the exact text served.
 * A month not yet ended is refused; a month already published too, unless `force` (a new
 * version; the earlier ones are kept).
 */
export async function publishMonth(db: Db, config: AppConfig, month: string, now: Date, opts: { by: string; force?: boolean }): Promise<PublishResult> {
  const zone = slaRules(config).zone;
  const end = dayStartMs(zone, `${nextMonth(month)}-01`);
  if (now.getTime() < end) throw new PublishError('not_ended', `month: ${month} has not ended yet (it ends ${new Date(end).toISOString()}); publish it afterwards`, { field: 'month', month });
  const existing = await publishedStamp(db, month);
  if (existing && !opts.force) {
    throw new PublishError('already_published', `${month} was published at ${existing.issuedAt.toISOString()} (version ${existing.version}); publishing again needs --republish (CLI) or ?force=true (admin)`, {
      month,
      version: existing.version,
      issuedAt: existing.issuedAt.toISOString(),
    });
  }
  const version = (existing?.version ?? 0) + 1;
  // Marks taken before reading: anything stored from here on is "after publishing".
  const watermarks = await currentWatermarks(db);
  const report: IssuedReport = { ...(await monthlyReport(db, config, month, now)), issued: { at: now.toISOString(), version } };
  const rows = kpiRowsWithFlags(kpiFeedContent(month, report.measures), report.measures);
  const saved = await saveKpiRevision(db, month, rows, contentHashOf(rows), now);
  const feed = (await readKpiFeed(db, month, saved.revision.revision))!;
  const texts: Record<ArtefactName, string> = {
    'report.json': JSON.stringify(report),
    'report.csv': renderReportCsv(report),
    'report.html': renderReportHtml(report),
    'kpi-feed.json': JSON.stringify(feed),
    'kpi-feed.csv': kpiFeedCsv(feed),
  };
  const hashes = Object.fromEntries(Object.entries(texts).map(([k, t]) => [k, sha256(t)])) as Record<ArtefactName, string>;
  const row = await insertPublished(db, {
    month, version, issuedAt: now, issuedBy: opts.by,
    reportJson: texts['report.json'], reportCsv: texts['report.csv'], reportHtml: texts['report.html'], kpiFeedJson: texts['kpi-feed.json'], kpiFeedCsv: texts['kpi-feed.csv'],
    kpiFeedRevision: feed.revision, hashes, figures: valuesOf(figuresOf(report, config.measures)), watermarks, policyHashes: policyHashesOf(config),
  });
  return resultOf(row, existing !== undefined);
}

/** A frozen artefact of the month's latest published version, with when it was issued; undefined when the month is not published. */
export async function frozenCopy(db: Db, month: string, name: ArtefactName) {
  const p = await publishedText(db, month, artefacts[name]);
  if (!p) return undefined;
  return { text: p.text, issuedAt: p.issuedAt.toISOString(), version: p.version, sha256: p.hashes[name]! };
}

/** The month's published record without the bodies: versions' hashes, the figures as issued. */
export async function publishedRecord(db: Db, month: string) {
  const p = await latestPublished(db, month);
  if (!p) return undefined;
  const { reportJson: _j, reportCsv: _c, reportHtml: _h, kpiFeedJson: _fj, kpiFeedCsv: _fc, id: _id, ...rest } = p;
  return { ...rest, issuedAt: p.issuedAt.toISOString() };
}

/** The audit entry of a publish from the command line (the HTTP route records its own through src/http/audit.ts). */
export async function auditCommandPublish(db: Db, result: PublishResult, who: string, at: Date): Promise<void> {
  await insertAudit(db, {
    at, actorKind: 'none', actor: who, actorName: null, role: null,
    action: result.republished ? 'month.republish' : 'month.publish', target: `month:${result.month}`,
    method: 'CLI', route: `attain publish ${result.month}`,
    details: { version: result.version, kpiFeedRevision: result.kpiFeedRevision, hashes: result.hashes },
  });
}

/** Every published month and version, newest first (the admin list). */
export const publishedMonths = (db: Db) => listPublished(db);
