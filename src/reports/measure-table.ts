/**
 * The report's measure table (METRICS.md §5, §7): computed and supplied measures alike, each for
 * the period its frequency puts in the month's report, with target, RAG status, both directions of
 * travel, the benchmark and the officer's commentary. Pure assembly over values already read.
 */
import type { MeasureCommentaryRow, MeasureValueRow } from '../../db/schema.ts';
import { measureStatus, targetOf, type FigureName, type Measure, type MeasureStatus } from '../measures/catalogue.ts';
import { measurePeriodStart, previousPeriod, reportPeriodFor, yearBefore } from '../measures/periods.ts';
import { directionOfTravel, type TravelFigure } from '../measures/travel.ts';

export type FigureValue = { value: number | null; numerator: number | null; denominator: number | null; note?: string };
export type Trend = 'up' | 'down' | 'same';
export type Change = 'better' | 'worse' | 'same';

/** Up/down/same against last month, and better/worse by the measure's direction (null without both values). */
export function trendOf(value: number | null, previous: number | null, direction: 'up' | 'down'): { trend: Trend | null; change: Change | null } {
  if (value === null || previous === null) return { trend: null, change: null };
  // Equal within rounding noise of the ratios is "same".
  if (Math.abs(value - previous) <= 1e-9 * Math.max(1, Math.abs(previous))) return { trend: 'same', change: 'same' };
  const trend: Trend = value > previous ? 'up' : 'down';
  return { trend, change: (trend === 'up') === (direction === 'up') ? 'better' : 'worse' };
}

export type MeasureTableInput = {
  month: string;
  /** A computed figure for a month, or undefined when the month was not read. */
  computed: (figure: FigureName, month: string) => FigureValue | undefined;
  /** Supplied rows by `code\0period`. */
  supplied: ReadonlyMap<string, MeasureValueRow>;
  /** Current commentary by `code\0period`. */
  commentary: ReadonlyMap<string, MeasureCommentaryRow>;
};

const key = (code: string, period: string) => `${code}\u0000${period}`;

/** Which periods the table reads for each measure (the report's fetch asks the store for these). */
export function periodsRead(catalogue: readonly Measure[], month: string): string[] {
  return [...new Set(catalogue.flatMap((m) => {
    const p = reportPeriodFor(m.frequency, month);
    return [p, previousPeriod(p), yearBefore(p)];
  }))];
}

/** One row per measure, in catalogue order. */
export function buildMeasureRows(catalogue: readonly Measure[], input: MeasureTableInput) {
  return catalogue.map((m) => {
    const computed = m.figure !== undefined;
    const period = computed ? input.month : reportPeriodFor(m.frequency, input.month);
    const valueAt = (p: string): FigureValue => {
      if (computed) return input.computed(m.figure!, p) ?? { value: null, numerator: null, denominator: null };
      const s = input.supplied.get(key(m.code, p));
      return s ? { value: s.value, numerator: s.numerator, denominator: s.denominator, ...(s.note ? { note: s.note } : {}) } : { value: null, numerator: null, denominator: null };
    };
    const v = valueAt(period);
    const prevPeriod = previousPeriod(period);
    const longPeriod = yearBefore(period);
    const p = valueAt(prevPeriod);
    const l = valueAt(longPeriod);
    const target = targetOf(m, measurePeriodStart(period));
    const status: MeasureStatus = measureStatus(v.value, target, m.direction, m.tolerance);
    const prevStatus = measureStatus(p.value, targetOf(m, measurePeriodStart(prevPeriod)), m.direction, m.tolerance);
    const shortTerm: TravelFigure = { period: prevPeriod, earlier: p.value, travel: directionOfTravel(v.value, p.value, m.direction) };
    const longTerm: TravelFigure = { period: longPeriod, earlier: l.value, travel: directionOfTravel(v.value, l.value, m.direction) };
    const c = input.commentary.get(key(m.code, period));
    const bench = input.supplied.get(key(m.code, period))?.benchmark ?? null;
    return {
      code: m.code,
      title: m.title,
      category: m.category,
      unit: m.unit,
      direction: m.direction,
      source: computed ? ('computed' as const) : ('supplied' as const),
      figure: m.figure ?? null,
      frequency: m.frequency,
      period,
      target,
      value: v.value,
      numerator: v.numerator,
      denominator: v.denominator,
      status,
      note: v.note ?? (v.value === null ? `no data for ${period}` : null),
      benchmark: bench === null ? null : { value: bench, label: m.benchmark ?? 'benchmark' },
      previous: { month: prevPeriod, value: p.value, status: prevStatus },
      ...trendOf(v.value, p.value, m.direction),
      shortTerm,
      longTerm,
      commentary: c ? { text: c.commentary, correctiveAction: c.correctiveAction, author: c.author, at: c.at.toISOString() } : null,
    };
  });
}
export type MeasureRow = ReturnType<typeof buildMeasureRows>[number];

/** The rows grouped by category, categories in order of first appearance in the catalogue. */
export function groupByCategory(rows: readonly MeasureRow[]): { category: string; measures: MeasureRow[] }[] {
  const out = new Map<string, MeasureRow[]>();
  for (const r of rows) out.set(r.category, [...(out.get(r.category) ?? []), r]);
  return [...out].map(([category, measures]) => ({ category, measures }));
}
