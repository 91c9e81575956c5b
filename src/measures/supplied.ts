/**
 * Values supplied for a measure per period (METRICS.md §7): from a file (`code, period, value,
 * numerator, denominator, note`, optionally `benchmark`) or the API. Pure: the row in, the value
 * or every problem with its field out.
 */
import type { FieldProblem, RowResult } from '../feeds/ingest-csv.ts';
import type { Measure } from './catalogue.ts';
import { fitsFrequency, periodFormOf } from './periods.ts';

export type SuppliedValue = {
  code: string;
  period: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  benchmark: number | null;
  note: string | null;
};

/**
 * A number as people write it in a spreadsheet: `1,234.5`, `£12,000`, `95%`. A `%` divides by
 * 100 (percent values are fractions 0–1). Null when empty; NaN when unreadable.
 */
export function parseAmount(text: string | undefined): number {
  const t = (text ?? '').trim();
  if (t === '') return NaN;
  const pct = t.endsWith('%');
  const bare = t.replace(/%$/, '').replace(/^[£$€]/, '').replace(/,(?=\d{3}\b)/g, '').trim();
  if (!/^-?\d+(\.\d+)?$/.test(bare)) return NaN;
  return pct ? Number(bare) / 100 : Number(bare);
}

/** Compiles the normaliser for a catalogue (codes are matched case-insensitively). */
export function suppliedValueNormaliser(catalogue: readonly Measure[]) {
  const byCode = new Map(catalogue.map((m) => [m.code.toUpperCase(), m]));
  return (row: Record<string, string>): RowResult<SuppliedValue> => {
    if (Object.values(row).every((v) => v.trim() === '')) return { ok: false, problems: [], skipped: 'blank row (every field empty)' };
    const problems: FieldProblem[] = [];
    const text = (f: string) => (row[f] ?? '').trim();
    const code = text('code').toUpperCase();
    const measure = byCode.get(code);
    if (!code) problems.push({ field: 'code', reason: 'missing measure code' });
    else if (!measure) problems.push({ field: 'code', reason: `unknown measure "${text('code')}" (not in the catalogue)` });

    const period = text('period');
    if (!period) problems.push({ field: 'period', reason: 'missing period' });
    else if (measure && !fitsFrequency(period, measure.frequency)) {
      problems.push({ field: 'period', reason: `period "${period}" does not fit the ${measure.frequency} measure ${measure.code} (expected ${periodFormOf(measure.frequency)})` });
    }

    const num = (field: 'value' | 'numerator' | 'denominator' | 'benchmark'): number | null => {
      if (text(field) === '') return null;
      const n = parseAmount(text(field));
      if (Number.isNaN(n)) {
        problems.push({ field, reason: `${field} "${text(field)}" is not a number` });
        return null;
      }
      return n;
    };
    let value = num('value');
    const numerator = num('numerator');
    const denominator = num('denominator');
    const benchmark = num('benchmark');
    if (denominator !== null && denominator < 0) problems.push({ field: 'denominator', reason: 'denominator is negative' });
    if ((numerator === null) !== (denominator === null) && text('value') === '') {
      problems.push({ field: numerator === null ? 'numerator' : 'denominator', reason: 'numerator and denominator go together (or give a value)' });
    }
    if (value === null && numerator !== null && denominator !== null && denominator > 0) value = numerator / denominator;
    if (value !== null && numerator !== null && denominator !== null && denominator > 0 && Math.abs(value - numerator / denominator) > 1e-6 * Math.max(1, Math.abs(value))) {
      problems.push({ field: 'value', reason: `value ${value} is not numerator / denominator = ${numerator / denominator}` });
    }
    if (measure?.unit === 'percent') {
      for (const [field, v] of [['value', value], ['benchmark', benchmark]] as const) {
        if (v !== null && (v < 0 || v > 1)) problems.push({ field, reason: `${field} ${text(field) || v} is outside 0–1 (percent values are fractions, or write 95%)` });
      }
    }
    if (measure?.figure && value !== null) {
      problems.push({ field: 'value', reason: `${measure.code} is computed from ${measure.figure}; only its benchmark may be supplied` });
    }
    if (value === null && benchmark === null && text('note') === '' && problems.length === 0) {
      problems.push({ field: 'value', reason: 'no value, numerator and denominator, benchmark or note' });
    }
    if (problems.length > 0 || !measure) return { ok: false, problems };
    return { ok: true, item: { code: measure.code, period, value, numerator, denominator, benchmark, note: text('note') || null } };
  };
}
