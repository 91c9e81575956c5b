import { csvLine, type CsvValue } from '../feeds/csv-line.ts';
import type { MonthlyReport } from './monthly.ts';
import { flagsOf } from './quality-section.tsx';
import type { FlagCode } from '../quality/flags.ts';
import { restatementCsvRows } from './render-restatement.tsx';

export const reportCsvColumns = ['section', 'period', 'subject', 'item', 'value', 'unit', 'target', 'status', 'note'] as const;

/**
 * The monthly report as one long ("tidy") CSV table: a row per figure, so a spreadsheet can
 * filter or pivot any section. Ratios are fractions 0–1, durations seconds unless the unit says.
 */
export function renderReportCsv(r: MonthlyReport): string {
  const out: string[] = [csvLine([...reportCsvColumns])];
  const row = (section: string, period: string, subject: string, item: string, value: CsvValue, unit: string, target: CsvValue = null, status: CsvValue = null, note: CsvValue = null) =>
    out.push(csvLine([section, period, subject, item, value, unit, target, status, note]));

  for (const p of r.servicePlans) {
    row('service_plan', p.asOf, p.code, 'progress', p.progress, 'percent_0_100', null, null, `${p.title}; printed ${p.progressDisplay ?? ''}%`);
    for (const s of p.sections) {
      row('service_plan', p.asOf, `${p.code} / ${s.name}`, 'progress', s.progress, 'percent_0_100', null, null, `weight ${s.weight}; printed ${s.progressDisplay ?? ''}%`);
      for (const a of s.actions) row('service_plan', p.asOf, `${p.code} / ${a.code}`, a.title, a.progress, 'percent_0_100', null, a.status, `P${a.priority}, weight ${a.weight}; due ${a.dueDate ?? ''}; owner ${a.owner ?? ''}; ${a.latestUpdate ?? ''}`);
    }
  }
  for (const m of r.measures) {
    const trend = m.trend ? `${m.trend} (${m.change}) against ${m.previous.month}: ${m.previous.value}` : `no trend against ${m.previous.month}`;
    const travel = (label: string, t: typeof m.shortTerm) => `${label} ${t.travel ?? 'n/a'} against ${t.period}${t.earlier === null ? '' : `: ${t.earlier}`}`;
    row('measures', m.period, m.code, m.title, m.value, m.unit, m.target, m.status, [
      m.category, m.source, m.note, `numerator ${m.numerator ?? ''}, denominator ${m.denominator ?? ''}`, trend, travel('short term', m.shortTerm), travel('long term', m.longTerm),
      m.benchmark ? `benchmark (${m.benchmark.label}) ${m.benchmark.value}` : null,
      m.commentary ? `commentary: ${m.commentary.text}${m.commentary.correctiveAction ? `; corrective action: ${m.commentary.correctiveAction}` : ''}` : null,
    ].filter(Boolean).join('; '));
  }
  for (const mo of r.tickets.months) {
    for (const [subject, k] of [...Object.entries(mo.kinds), ['all', mo.all] as const]) {
      row('tickets', mo.month, subject, 'received', k.received, 'count');
      row('tickets', mo.month, subject, 'met', k.met, 'count');
      row('tickets', mo.month, subject, 'breached', k.breached, 'count');
      row('tickets', mo.month, subject, 'attainment', k.attainment, 'fraction', k.goal, k.status, r.basis === 'outcome' ? 'outcome basis: met / (met + breached)' : null);
    }
  }
  for (const t of [...r.backlog.teams, { team: 'All teams', ...r.backlog.total }]) {
    for (const [kind, n] of Object.entries(t.byKind)) row('backlog', r.backlog.asOf, t.team, kind, n, 'count', null, null, r.backlog.rule);
    row('backlog', r.backlog.asOf, t.team, 'total', t.total, 'count');
    row('backlog', r.backlog.asOf, t.team, 'assigned_not_actioned', t.notActioned, 'count', null, null, r.backlog.notActionedRule);
  }
  const cc = [...(r.contactCentre.all ? [r.contactCentre.all] : []), ...r.contactCentre.queues];
  for (const q of cc) {
    row('contact_centre', r.month, q.queue, 'offered', q.offered, 'count');
    row('contact_centre', r.month, q.queue, 'answered', q.answered, 'count');
    row('contact_centre', r.month, q.queue, 'abandoned', q.abandoned, 'count');
    const f = (item: string, x: { value: number | null; target: number | null; status: string } | null, unit: string, note: string | null = null) => {
      if (x) row('contact_centre', r.month, q.queue, item, x.value, unit, x.target, x.status, note);
    };
    f('answer_rate', q.answerRate, 'fraction');
    f('abandon_rate', q.abandonRate, 'fraction');
    f('service_level', q.serviceLevel, 'fraction', `${q.serviceLevel.label}, T = ${q.serviceLevel.thresholdSeconds} s`);
    f('asa', q.asaSeconds, 'seconds');
    f('avg_wait', q.avgWaitSeconds, 'seconds');
    f('max_answer_wait', q.maxAnswerWaitSeconds, 'seconds');
    f('aht', q.ahtSeconds, 'seconds', q.ahtSeconds.basis);
    f('calls_per_day', q.callsPerDay, 'per_day', `${q.openDays} open days`);
    f('max_daily_abandon_rate', q.maxDailyAbandonRate, 'fraction', q.maxDailyAbandonRate?.day ?? null);
    f('emails_per_day', q.emailsPerDay, 'per_day');
  }
  for (const s of r.availability.systems) row('availability', r.month, s.system, 'availability', s.availability, 'fraction', s.target, s.status, `${s.outages} outages, ${s.downSeconds} s down`);
  if (r.availability.all) row('availability', r.month, 'All systems', 'availability', r.availability.all.availability, 'fraction', r.availability.all.target, r.availability.all.status, `${r.availability.all.systemsAtTarget} of ${r.availability.all.systems} systems at target`);
  for (const m of r.channelShift.months) {
    for (const c of r.channelShift.channels) row('channel_shift', m.month, c, 'contacts', m.counts[c], 'count', null, null, m.shares[c] === null ? null : `share ${m.shares[c]}`);
  }
  for (const line of restatementCsvRows(r)) out.push(csvLine(line));
  for (const line of qualityCsvRows(r)) out.push(csvLine(line));
  return out.join('');
}

/** What a flag's count counts (docs/metrics.md 7a). */
const flagUnits: Record<FlagCode, string> = { rejected_rows: 'rows', stale_feed: 'hours', unknown_time: 'minutes', aht_talk_only: 'calls', clock_skew: 'calls', no_history: 'tickets' };

/**
 * The data-quality flags of the report's figures as rows of their own (section `quality_flag`,
 * docs/metrics.md 7a), after every other row so the figures' rows and columns stay as they were:
 * subject `<section> / <subject>` names the flagged row, item the flag's code, value its count.
 */
export function qualityCsvRows(r: MonthlyReport): CsvValue[][] {
  type Flagged = [section: string, period: string, subject: string, row: object];
  const cc = [...(r.contactCentre.all ? [r.contactCentre.all] : []), ...r.contactCentre.queues];
  const rows: Flagged[] = [
    ...r.measures.map((m): Flagged => ['measures', m.period, m.code, m]),
    ...r.tickets.months.map((m): Flagged => ['tickets', m.month, 'all', m]),
    ...cc.map((q): Flagged => ['contact_centre', r.month, q.queue, q]),
    ...r.availability.systems.map((s): Flagged => ['availability', r.month, s.system, s]),
    ...(r.availability.all ? [['availability', r.month, 'All systems', r.availability.all] satisfies Flagged] : []),
    ...r.casework.kinds.map((k): Flagged => ['casework', r.month, String(k.kind), k]),
  ];
  return rows.flatMap(([section, period, subject, row]) => flagsOf(row).map((f) => ['quality_flag', period, `${section} / ${subject}`, f.code, f.count, flagUnits[f.code], null, null, f.message]));
}
