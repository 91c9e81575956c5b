/**
 * Data-quality flags in the monthly report and KPI feed (docs/metrics.md "Data-quality flags"):
 * each computed measure carries the flags of the figures it is made from, and the report lists
 * the month's flags in a section of their own.
 */
import { periodEndDay } from '../sla/periods.ts';
import type { Db } from '../../db/client.ts';
import type { AppConfig } from '../config/app-config.ts';
import { rowFlags, scopes, type QualityFlag, type Scope } from '../quality/flags.ts';
import { flagsForScopes, scopeOfFigure } from '../services/quality.ts';
import type { MonthlyFigures, MonthlyReport } from './monthly.ts';

/** A flag of the month as the report lists it: the family of figures and, where one, the system or queue. */
export type ReportFlag = QualityFlag & { scope: Scope; subject: string | null };

const scopeNames: Record<Scope, string> = { sla: 'Tickets (SLA)', calls: 'Contact centre', availability: 'Availability', casework: 'Casework' };

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

/** Strips a report flag back to a figure's flag. */
const plain = ({ scope: _s, subject: _x, ...x }: ReportFlag): QualityFlag => x;

/**
 * The report's own tables with `flags` on every row (docs/metrics.md 7a): a month of tickets
 * carries the SLA flags of that month; a queue the calls flags plus its own talk-only AHT; a
 * system the availability flags plus its own unknown time (all systems: every system's); a kind
 * of casework the casework flags.
 */
function flagReportRows(f: MonthlyFigures, report: MonthlyReport, byScope: Record<Scope, QualityFlag[]>, slaByMonth: readonly QualityFlag[][], fromRows: readonly ReportFlag[]) {
  const callInputs = f.calls[f.month];
  const talkOnly = (queue: string | null) => rowFlags({ handledTalkOnly: (queue === null ? callInputs?.all : callInputs?.queues.find((q) => q.queue === queue))?.counts.handledTalkOnly });
  const cc = report.contactCentre;
  const unknown = fromRows.filter((x) => x.code === 'unknown_time');
  return {
    tickets: { ...report.tickets, months: report.tickets.months.map((m, i) => ({ ...m, flags: slaByMonth[i] ?? [] })) },
    contactCentre: {
      ...cc,
      all: cc.all ? { ...cc.all, flags: [...byScope.calls, ...talkOnly(null)] } : null,
      queues: cc.queues.map((q) => ({ ...q, flags: [...byScope.calls, ...talkOnly(q.queue)] })),
    },
    availability: {
      ...report.availability,
      systems: report.availability.systems.map((s) => ({ ...s, flags: [...byScope.availability, ...unknown.filter((x) => x.subject === s.system).map(plain)] })),
      all: report.availability.all ? { ...report.availability.all, flags: [...byScope.availability, ...unknown.map(plain)] } : null,
    },
    casework: { ...report.casework, kinds: report.casework.kinds.map((k) => ({ ...k, flags: byScope.casework })) },
  };
}

/**
 * The report with `flags` on every measure row and every row of its tables, and `qualityFlags`,
 * the month's list; one read of the evidence per family.
 */
export async function flagMonthlyReport(db: Db, config: AppConfig, f: MonthlyFigures, report: MonthlyReport, now: Date) {
  const deps = { db, config, now: () => now };
  const period = { fromDay: `${f.month}-01`, toDay: periodEndDay(f.month) };
  const ticketMonths = report.tickets.months.map((m) => ({ fromDay: `${m.month}-01`, toDay: periodEndDay(m.month) }));
  // Every family's evidence in one read.
  const lists = await flagsForScopes(deps, scopes.map((s) => ({ scope: s, periods: s === 'sla' ? [period, ...ticketMonths] : [period] })));
  const byScope = Object.fromEntries(scopes.map((s, i) => [s, lists[i]![0]!])) as Record<Scope, QualityFlag[]>;
  const slaByMonth = lists[scopes.indexOf('sla')]!.slice(1);
  const fromRows = figureRowFlags(f);
  const qualityFlags: ReportFlag[] = [...scopes.flatMap((s) => byScope[s].map((x) => ({ ...x, scope: s, subject: null }))), ...fromRows];
  const catalogue = new Map(config.measures.map((m) => [m.code, m.figure]));
  const measures = report.measures.map((m) => {
    const figure = catalogue.get(m.code);
    const scope = m.source === 'computed' ? scopeOfFigure(figure) : null;
    const own = fromRows.filter((x) => (figure === 'availability.all' && x.code === 'unknown_time') || (figure === 'calls.aht_seconds' && x.code === 'aht_talk_only'));
    const flags: QualityFlag[] = scope ? [...byScope[scope], ...own.map(plain)] : [];
    return { ...m, flags };
  });
  return { ...report, ...flagReportRows(f, report, byScope, slaByMonth, fromRows), measures, qualityFlags };
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
