import { parseTimestamp } from '../calendar/zone.ts';
import type { FieldProblem } from './ingest-csv.ts';
import { instantProblem, integerProblem, MAX_NAME_CHARS, textProblem } from './limits.ts';

/** A cell's trimmed text, or null when empty or absent. */
export const blank = (v: string | undefined): string | null => (v === undefined || v.trim() === '' ? null : v.trim());

/**
 * Reads a feed row's fields, collecting every problem with the field it is in and the warnings
 * (a naive time in the repeated autumn hour), as each generic feed's normaliser needs.
 */
export function rowFields(values: Record<string, string>, zone: string) {
  const problems: FieldProblem[] = [];
  const warnings: string[] = [];
  return {
    problems,
    warnings,
    text: (field: string) => blank(values[field]),
    /** A name or identifier cell (stored in an indexed column): trimmed, without NUL, at most MAX_NAME_CHARS; null when empty. */
    name(field: string, required: boolean): string | null {
      const text = blank(values[field]);
      if (!text) {
        if (required) problems.push({ field, reason: `missing ${field}` });
        return null;
      }
      const p = textProblem(text, MAX_NAME_CHARS);
      if (p) {
        problems.push({ field, reason: p });
        return null;
      }
      return text;
    },
    /** A whole number for an `integer` column (rounded), or null when empty. */
    integer(field: string): number | null {
      const text = blank(values[field]);
      if (text === null) return null;
      const n = Number(text);
      const p = Number.isFinite(n) ? integerProblem(Math.round(n)) : `"${text}" is not a number`;
      if (p) {
        problems.push({ field, reason: `${field} ${p}` });
        return null;
      }
      return Math.round(n);
    },
    /** Epoch ms of an ISO 8601 cell (naive ones read in `zone`), or null. */
    instant(field: string, required: boolean): number | null {
      const text = blank(values[field]);
      if (!text) {
        if (required) problems.push({ field, reason: `missing ${field}` });
        return null;
      }
      const parsed = parseTimestamp(text, zone);
      if (!parsed) {
        problems.push({ field, reason: `unreadable date "${text}" (expected ISO 8601, e.g. 2025-03-14T09:30:00Z or 2025-03-14 09:30)` });
        return null;
      }
      const range = instantProblem(parsed.ms);
      if (range) {
        problems.push({ field, reason: `${field} "${text}": ${range}` });
        return null;
      }
      if (parsed.ambiguous) warnings.push(`${field} "${text}" falls in the repeated hour of the clock change; read as the first occurrence`);
      return parsed.ms;
    },
  };
}
