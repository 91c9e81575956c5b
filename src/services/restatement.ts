/**
 * The restatement of a report (issue 16, item 4): for each earlier published month, the figures
 * whose recomputation now differs from those issued, and the evidence why (records stored after
 * publishing, configuration that changed). Apart from publishing so that the report can show it
 * without the report and publishing depending on each other.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { PublishedMonth } from '../../db/schema.ts';
import { dayStartMs, nextMonth } from '../calls/periods.ts';
import type { AppConfig } from '../config/app-config.ts';
import { buildMonthlyReport, fetchMonthlyFigures, monthsEndingAt, TREND_MONTHS } from '../reports/monthly.ts';
import { figureAreas, figuresOf, restate, type FigureArea, type Restatement, type RestatementEvidence } from '../reports/restatement.ts';
import { slaRules } from '../sla/rules.ts';
import { publishedBetween, runsSince, ticketsSince } from '../store/published.ts';

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

