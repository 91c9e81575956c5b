/**
 * Restatement of published figures (issue 16, item 4): a published month's figures as issued,
 * compared with a recomputation now, and why each changed, inferred from the evidence the store
 * found (records that arrived or changed after publishing, configuration that differs).
 * Pure: report models and evidence in, rows out.
 */
import type { Measure } from '../measures/catalogue.ts';
import type { MonthlyReport } from './monthly.ts';
import type { FigureArea, RestatementReason, RestatementRow } from './restatement-types.ts';

export { figureAreas, restatementReasons, type FigureArea, type Restatement, type RestatementReason, type RestatementRow } from './restatement-types.ts';

/** Which data and configuration a figure is computed from. */
export type Figure = { value: number | null; label: string; area: FigureArea };
/** Figure key → value, as stored with a published month. */
export type FigureValues = Record<string, number | null>;

const areaOfMeasure = (m: Measure | undefined): FigureArea => {
  const prefix = m?.figure?.split('.')[0];
  return prefix === 'sla' || prefix === 'calls' || prefix === 'availability' || prefix === 'casework' ? prefix : 'supplied';
};

/**
 * The month's figures in comparable form: every measure's value (`measure.<CODE>`), the month's
 * ticket counts and attainment per kind and for all kinds (`tickets.<kind>.<item>`), the backlog
 * at the month's end, the contact centre's counts and the availability of all systems.
 */
export function figuresOf(r: Pick<MonthlyReport, 'month' | 'measures' | 'tickets' | 'backlog' | 'contactCentre' | 'availability'>, catalogue: readonly Measure[]): Record<string, Figure> {
  const out: Record<string, Figure> = {};
  const put = (key: string, value: number | null | undefined, label: string, area: FigureArea) => (out[key] = { value: value ?? null, label, area });
  const byCode = new Map(catalogue.map((m) => [m.code, m]));
  for (const m of r.measures) put(`measure.${m.code}`, m.value, `${m.code} ${m.title}`, areaOfMeasure(byCode.get(m.code)));
  const month = r.tickets.months.find((x) => x.month === r.month);
  if (month) {
    for (const [kind, k] of [...Object.entries(month.kinds), ['all', month.all] as const]) {
      for (const item of ['received', 'resolved', 'met', 'breached', 'attainment'] as const) put(`tickets.${kind}.${item}`, k[item], `${kind.replace('_', ' ')} ${item}`, 'sla');
    }
  }
  put('backlog.total', r.backlog.total.total, `outstanding at ${r.backlog.asOf}`, 'sla');
  put('backlog.not_actioned', r.backlog.total.notActioned, `not actioned at ${r.backlog.asOf}`, 'sla');
  const cc = r.contactCentre.all;
  if (cc) for (const item of ['offered', 'answered', 'abandoned'] as const) put(`calls.${item}`, cc[item], `calls ${item}`, 'calls');
  if (r.availability.all) put('availability.all', r.availability.all.availability, 'availability of all systems', 'availability');
  return out;
}

export const valuesOf = (figures: Record<string, Figure>): FigureValues => Object.fromEntries(Object.entries(figures).map(([k, f]) => [k, f.value]));

/** Records of one area that arrived (`late`) or were changed (`corrected`) after publishing, dated in the month. */
export type AreaEvidence = { late: number; corrected: number };
export type RestatementEvidence = {
  /** Per area; an area absent means nothing arrived or changed. */
  records: Partial<Record<FigureArea, AreaEvidence>>;
  /** Areas whose configuration (policies, calendars, targets, rules) differs from the one in force at publishing. */
  policyChanged: readonly FigureArea[];
};


const recordName: Record<FigureArea, [string, string]> = {
  sla: ['ticket', 'tickets'],
  calls: ['call or email', 'calls and emails'],
  availability: ['outage record', 'outage records'],
  casework: ['case', 'cases'],
  supplied: ['supplied value', 'supplied values'],
};
const counted = (n: number, area: FigureArea) => `${n} ${recordName[area][n === 1 ? 0 : 1]}`;

/** Equal figures: both null, or numbers equal within rounding noise of the ratios. */
function same(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
}

/** Why a figure of `area` changed: every reason the evidence supports, or `unknown`. */
export function reasonsFor(area: FigureArea, month: string, e: RestatementEvidence): RestatementReason[] {
  const out: RestatementReason[] = [];
  const r = e.records[area];
  // "Late tickets" is the issue's name for any late record: tickets, calls, cases alike.
  if (r && r.late > 0) out.push({ reason: 'late tickets', detail: `${counted(r.late, area)} dated in ${month} arrived after publishing` });
  if (r && r.corrected > 0) out.push({ reason: 'corrected feed', detail: `${counted(r.corrected, area)} of ${month} re-ingested with different data after publishing` });
  if (e.policyChanged.includes(area)) out.push({ reason: 'policy change', detail: `the ${area === 'sla' ? 'SLA policies, calendars or goals' : `${area} configuration`} changed after publishing` });
  if (out.length === 0) out.push({ reason: 'unknown', detail: 'no late or corrected records and no configuration change found' });
  return out;
}

/**
 * The restatement rows of one published month: each figure issued whose recomputation now
 * differs, with both values and the reasons. Figures added since publishing (a new measure) are
 * not restatements and are left out; a figure no longer computed shows as `to: null`.
 */
export function restate(month: string, issued: FigureValues, now: Record<string, Figure>, evidence: RestatementEvidence): RestatementRow[] {
  const rows: RestatementRow[] = [];
  for (const [figure, from] of Object.entries(issued)) {
    const current = now[figure];
    const to = current?.value ?? null;
    if (same(from, to)) continue;
    const area = current?.area ?? (figure.startsWith('calls.') ? 'calls' : figure.startsWith('availability.') ? 'availability' : 'sla');
    rows.push({ month, figure, label: current?.label ?? figure, from, to, reasons: reasonsFor(area, month, evidence) });
  }
  return rows;
}
