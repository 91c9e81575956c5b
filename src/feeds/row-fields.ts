import { parseTimestamp } from '../calendar/zone.ts';
import type { FieldProblem } from './ingest-csv.ts';

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
      if (parsed.ambiguous) warnings.push(`${field} "${text}" falls in the repeated hour of the clock change; read as the first occurrence`);
      return parsed.ms;
    },
  };
}
