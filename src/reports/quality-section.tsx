/**
 * Data-quality flags in the monthly report and KPI feed (docs/metrics.md "Data-quality flags"):
 * each computed measure carries the flags of the figures it is made from, and the report lists
 * the month's flags in a section of their own.
 */
import type { Db } from '../../db/client.ts';
import type { AppConfig } from '../config/app-config.ts';
import { rowFlags, scopes, type QualityFlag, type Scope } from '../quality/flags.ts';
import { flagsForPeriods, scopeOfFigure } from '../services/quality.ts';
import type { MonthlyFigures, MonthlyReport } from './monthly.ts';

/** A flag of the month as the report lists it: the family of figures and, where one, the system or queue. */
export type ReportFlag = QualityFlag & { scope: Scope; subject: string | null };

const scopeNames: Record<Scope, string> = { sla: 'Tickets (SLA)', calls: 'Contact centre', availability: 'Availability', casework: 'Casework' };

const lastDay = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
};

/** The flags read from the month's own rows: systems with unknown time, talk-only AHT of the month's calls. */
function figureRowFlags(f: MonthlyFigures): ReportFlag[] {
  const out: ReportFlag[] = [];
  for (const r of f.availability.rows) {
    if (r.period !== f.month) continue;
    for (const flag of rowFlags({ coverage: r.coverage, unknownSeconds: r.unknownSeconds })) out.push({ ...flag, scope: 'availability', subject: r.system, message: `${r.system}: ${flag.message}` });
  }
  const calls = f.calls[f.month]?.all;
  if (calls) for (const flag of rowFlags({ handledTalkOnly: calls.counts.handledTalkOnly })) out.push({ ...flag, scope: 'calls', subject: null });
  return out;
}

/** The report with `flags` on every measure row and `qualityFlags`, the month's list; one read of the evidence per family. */
export async function flagMonthlyReport(db: Db, config: AppConfig, f: MonthlyFigures, report: MonthlyReport, now: Date) {
  const deps = { db, config, now: () => now };
  const period = { fromDay: `${f.month}-01`, toDay: lastDay(f.month) };
  const lists = await Promise.all(scopes.map(async (s) => (await flagsForPeriods(deps, s, [period]))[0]!));
  const byScope = Object.fromEntries(scopes.map((s, i) => [s, lists[i]!])) as Record<Scope, QualityFlag[]>;
  const fromRows = figureRowFlags(f);
  const qualityFlags: ReportFlag[] = [...scopes.flatMap((s) => byScope[s].map((x) => ({ ...x, scope: s, subject: null }))), ...fromRows];
  const catalogue = new Map(config.measures.map((m) => [m.code, m.figure]));
  const measures = report.measures.map((m) => {
    const figure = catalogue.get(m.code);
    const scope = m.source === 'computed' ? scopeOfFigure(figure) : null;
    const own = fromRows.filter((x) => (figure === 'availability.all' && x.code === 'unknown_time') || (figure === 'calls.aht_seconds' && x.code === 'aht_talk_only'));
    const flags: QualityFlag[] = scope ? [...byScope[scope], ...own.map(({ scope: _s, subject: _x, ...x }) => x)] : [];
    return { ...m, flags };
  });
  return { ...report, measures, qualityFlags };
}

/** The flags a row carries, if any (report models built before flags lack them). */
export const flagsOf = (x: object): readonly QualityFlag[] => (x as { flags?: readonly QualityFlag[] }).flags ?? [];

/** The mark in a report cell whose figure has flags: an icon whose title is the sentence (listed in full in the section). */
export function QualityMark(props: { of: object }) {
  const flags = flagsOf(props.of);
  if (flags.length === 0) return '';
  const text = flags.map((f) => f.message).join(' ');
  return (
    <>
      {' '}
      <span class="quality-flag" data-flags={flags.map((f) => f.code).join(' ')} title={text} role="img" aria-label={`Data-quality warning: ${text}`}>
        ⚠
      </span>
    </>
  );
}

/** The list of the month's flags, under the measures table (the report's sections stay as they were). */
export function QualitySection(props: { r: object }) {
  const list = (props.r as { qualityFlags?: readonly ReportFlag[] }).qualityFlags ?? [];
  return (
    <div id="quality-flags">
      <h3>Data-quality flags</h3>
      <p class="meta">Figures marked ⚠ rest on evidence with a known gap (docs/metrics.md, "Data-quality flags").</p>
      {list.length ? (
        <ul class="quality-flags">
          {list.map((f) => (
            <li data-flag={f.code} data-count={f.count}>
              <span aria-hidden="true">⚠</span> <strong>{scopeNames[f.scope]}:</strong> {f.message}
            </li>
          ))}
        </ul>
      ) : (
        <p>No data-quality flags for the month: no rejected rows, stale feeds, unknown time, talk-only AHT, clock-skew corrections or tickets without history.</p>
      )}
    </div>
  );
}

/** KPI feed rows with `flags` (code=count;…) where the measure has any; rows without flags are left as they were. */
export function kpiRowsWithFlags<T extends { code: string }>(rows: readonly T[], measures: readonly object[]): (T & { flags?: string })[] {
  return rows.map((row, i) => {
    const flags = measures[i] ? flagsOf(measures[i]!) : [];
    return flags.length ? { ...row, flags: flags.map((f) => `${f.code}=${f.count}`).join(';') } : row;
  });
}

export type FlaggedMonthlyReport = Awaited<ReturnType<typeof flagMonthlyReport>>;
export type { MonthlyReport };
