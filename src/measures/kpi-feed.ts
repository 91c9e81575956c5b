import { csvLine } from '../feeds/csv-line.ts';
import type { Direction, MeasureStatus } from './catalogue.ts';
import type { Travel } from './travel.ts';

/** The feed's columns, in order (METRICS.md §5). */
export const kpiFeedColumns = [
  'code', 'period', 'value', 'unit', 'numerator', 'denominator', 'target', 'status', 'direction', 'note', 'revision', 'generated_at',
  // Added with measures from any source (METRICS.md §7), after the original columns so readers by position still work.
  'source', 'measure_period', 'benchmark', 'travel_short', 'travel_long',
] as const;

/** A feed row's content: what a revision's hash covers (revision and generated-at are the revision's own). */
export type KpiFeedContentRow = {
  code: string;
  period: string;
  value: number | null;
  unit: string;
  numerator: number | null;
  denominator: number | null;
  target: number | null;
  status: MeasureStatus;
  direction: Direction;
  note: string | null;
  /** computed from stored data, or supplied by file or API. */
  source: 'computed' | 'supplied';
  /** The measure's own period (a quarterly measure in November's feed: the latest quarter ended). */
  measure_period: string;
  benchmark: number | null;
  /** Direction of travel against the previous period and the same period a year before. */
  travel_short: Travel | null;
  travel_long: Travel | null;
  /** Data-quality flags of the figure (`code=count;…`, docs/metrics.md); present only on a flagged row. */
  flags?: string;
};
export type KpiFeedRow = KpiFeedContentRow & { revision: number; generated_at: string };

export const KPI_FEED_FORMAT = 'attain-kpi-feed/1';

/** One row per measure of a month's measure table (METRICS.md §5, "The monthly KPI feed"). */
export function kpiFeedContent(
  month: string,
  measures: readonly {
    code: string; unit: string; direction: Direction; target: number | null; value: number | null; numerator: number | null; denominator: number | null; status: MeasureStatus; note: string | null;
    source: 'computed' | 'supplied'; period: string; benchmark: { value: number } | null; shortTerm: { travel: Travel | null }; longTerm: { travel: Travel | null };
  }[],
): KpiFeedContentRow[] {
  return measures.map((m) => ({
    code: m.code,
    period: month,
    value: m.value,
    unit: m.unit,
    numerator: m.numerator,
    denominator: m.denominator,
    target: m.target,
    status: m.status,
    direction: m.direction,
    note: m.note,
    source: m.source,
    measure_period: m.period,
    benchmark: m.benchmark?.value ?? null,
    travel_short: m.shortTerm.travel,
    travel_long: m.longTerm.travel,
  }));
}

/** The JSON document of one revision (validated by docs/kpi-feed.schema.json). */
export function kpiFeedDocument(month: string, revision: number, generatedAt: Date, contentHash: string, rows: readonly KpiFeedContentRow[]) {
  const generated_at = generatedAt.toISOString();
  return {
    format: KPI_FEED_FORMAT,
    period: month,
    revision,
    generated_at,
    content_hash: contentHash,
    note: 'Percent values are fractions 0–1; value = numerator / denominator where both are given.',
    // Explicit order: rows read back from jsonb come with their keys reordered.
    rows: rows.map((r): KpiFeedRow => ({
      code: r.code, period: r.period, value: r.value, unit: r.unit, numerator: r.numerator, denominator: r.denominator,
      target: r.target, status: r.status, direction: r.direction, note: r.note, revision, generated_at,
      // Revisions stored before these fields existed read back without them.
      source: r.source ?? 'computed', measure_period: r.measure_period ?? r.period, benchmark: r.benchmark ?? null, travel_short: r.travel_short ?? null, travel_long: r.travel_long ?? null,
      ...(r.flags ? { flags: r.flags } : {}),
    })),
  };
}
export type KpiFeedDocument = ReturnType<typeof kpiFeedDocument>;

/** The same revision as CSV: a header row, then one row per measure. */
export function kpiFeedCsv(doc: KpiFeedDocument): string {
  // The `flags` column is added last, and only to a revision with a flagged row: readers by position still work.
  const columns = doc.rows.some((r) => r.flags) ? [...kpiFeedColumns, 'flags' as const] : [...kpiFeedColumns];
  return csvLine(columns) + doc.rows.map((r) => csvLine(columns.map((c) => r[c]))).join('');
}

/**
 * The first working day of a month by a calendar's open days — the day the feed of the month
 * before is due (ARCHITECTURE.md, "Who uses it"). Null for a month without one.
 */
export function firstWorkingDay(month: string, isOpenDay: (day: string) => boolean, daysOfMonth: readonly string[]): string | null {
  for (const d of daysOfMonth) if (d.startsWith(month) && isOpenDay(d)) return d;
  return null;
}
