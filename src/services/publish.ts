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
import { buildMonthlyReport, fetchMonthlyFigures, monthlyReport, monthsEndingAt, TREND_MONTHS, type MonthlyReport } from '../reports/monthly.ts';
import { renderReportCsv } from '../reports/render-csv.ts';
import { renderReportHtml } from '../reports/render-html.ts';
import { figureAreas, figuresOf, restate, valuesOf, type FigureArea, type RestatementEvidence, type RestatementRow } from '../reports/restatement.ts';
import { slaRules } from '../sla/rules.ts';
import { insertAudit } from '../store/audit.ts';
import { saveKpiRevision } from '../store/kpi-feed.ts';
import { currentWatermarks, insertPublished, latestPublished, listPublished, publishedBetween, publishedStamp, publishedText, runsSince, ticketsSince } from '../store/published.ts';

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

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What each figure area is computed with: a different hash later is a policy change. */
export function policyHashesOf(config: AppConfig): Record<FigureArea, string> {
  const parts: Record<FigureArea, unknown> = {
    sla: { calendars: config.calendars, policies: config.policies, goals: config.goals, kinds: config.kinds },
    calls: config.calls,
    availability: { calendars: config.calendars, systems: config.systems, targets: config.availabilityTargets },
    casework: config.casework,
    supplied: config.measures,
  };
  return Object.fromEntries(figureAreas.map((a) => [a, sha256(JSON.stringify(parts[a]))])) as Record<FigureArea, string>;
}

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
  const rows = kpiFeedContent(month, report.measures);
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

/** The evidence for a published month's changes: records stored after it was issued, configuration that differs. */
async function evidenceFor(db: Db, config: AppConfig, p: { month: string; watermarks: PublishedMonth['watermarks']; policyHashes: Record<string, string> }): Promise<RestatementEvidence> {
  const zone = slaRules(config).zone;
  const from = new Date(dayStartMs(zone, `${p.month}-01`));
  const to = new Date(dayStartMs(zone, `${nextMonth(p.month)}-01`));
  const t = await ticketsSince(db, p.watermarks, from, to);
  const runs = await runsSince(db, p.watermarks, p.month, ['ticket-history', 'calls', 'emails', 'outages', 'cases', 'measures']);
  const sum = (feeds: string[]) => runs.filter((r) => feeds.includes(r.feed)).reduce((s, r) => ({ late: s.late + r.inserted, corrected: s.corrected + r.updated }), { late: 0, corrected: 0 });
  // History rows change a ticket's clock: a correction of tickets already issued, not a late ticket.
  const history = sum(['ticket-history']);
  const now = policyHashesOf(config);
  return {
    records: {
      sla: { late: t.late, corrected: t.corrected + history.late + history.corrected },
      calls: sum(['calls', 'emails']),
      availability: sum(['outages']),
      casework: sum(['cases']),
      supplied: sum(['measures']),
    },
    policyChanged: figureAreas.filter((a) => p.policyHashes[a] !== undefined && p.policyHashes[a] !== now[a]),
  };
}

export type Restatement = { compared: { month: string; version: number; issuedAt: string }[]; rows: RestatementRow[] };

/**
 * The restatement table of `month`'s report: for each month published in the 12 before it, the
 * figures whose recomputation now differs from the issued ones, and why.
 */
export async function restatementFor(db: Db, config: AppConfig, month: string, now: Date): Promise<Restatement> {
  const published = await publishedBetween(db, monthsEndingAt(month, TREND_MONTHS + 1)[0]!, month);
  const out: Restatement = { compared: [], rows: [] };
  for (const p of published) {
    // Recomputed without its own restatement (that would recurse through every earlier month).
    const live = buildMonthlyReport(await fetchMonthlyFigures(db, config, p.month, now, config.measures), config, config.measures, now);
    out.compared.push({ month: p.month, version: p.version, issuedAt: p.issuedAt.toISOString() });
    out.rows.push(...restate(p.month, p.figures, figuresOf(live, config.measures), await evidenceFor(db, config, p)));
  }
  return out;
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
