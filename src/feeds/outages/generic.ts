/**
 * The generic outages CSV row (ARCHITECTURE.md, "Generic feed files"): system, start, end, kind,
 * reason, ref. Pure: text in, a normalised outage or every problem with its field out.
 */
import { parseTimestamp } from '../../calendar/zone.ts';
import type { FieldProblem } from '../ingest-csv.ts';

export type NormalisedOutage = {
  system: string;
  start: Date;
  end: Date | null;
  kind: 'planned' | 'unplanned';
  reason: string | null;
  ref: string | null;
};

export type OutageRowResult = { ok: true; outage: NormalisedOutage; warnings: string[] } | { ok: false; problems: FieldProblem[] };

const KINDS: Record<string, 'planned' | 'unplanned'> = {
  planned: 'planned',
  maintenance: 'planned',
  unplanned: 'unplanned',
  outage: 'unplanned',
  '': 'unplanned',
};

/**
 * One row: `system` and `start` required; empty `end` = still open; `kind` planned|unplanned
 * (also "maintenance" / "outage"; empty = unplanned); naive times in the system's zone.
 */
export function normaliseOutageRow(values: Record<string, string>, zoneOf: (system: string) => string): OutageRowResult {
  const problems: FieldProblem[] = [];
  const warnings: string[] = [];
  const system = (values.system ?? '').trim();
  if (!system) problems.push({ field: 'system', reason: 'missing system' });
  else if (system.length > 200) problems.push({ field: 'system', reason: 'system name longer than 200 characters' });
  const zone = zoneOf(system);
  const time = (field: 'start' | 'end', required: boolean): Date | null => {
    const text = (values[field] ?? '').trim();
    if (!text) {
      if (required) problems.push({ field, reason: `missing ${field}` });
      return null;
    }
    const t = parseTimestamp(text, zone);
    if (!t) {
      problems.push({ field, reason: `unreadable date "${text}" (expected ISO 8601, e.g. 2025-03-14T09:30:00Z or 2025-03-14 09:30)` });
      return null;
    }
    if (t.ambiguous) warnings.push(`${field} "${text}" is in the repeated hour of the clock change; the first occurrence was taken`);
    return new Date(t.ms);
  };
  const start = time('start', true);
  const end = time('end', false);
  if (start && end && end.getTime() <= start.getTime()) problems.push({ field: 'end', reason: 'end is not after start' });
  const kindText = (values.kind ?? '').trim().toLowerCase();
  const kind = KINDS[kindText];
  if (!kind) problems.push({ field: 'kind', reason: `unknown kind "${values.kind}" (expected planned or unplanned)` });
  if (problems.length > 0 || !start || !kind) return { ok: false, problems };
  const text = (v: string | undefined) => (v && v.trim() ? v.trim() : null);
  return { ok: true, outage: { system, start, end, kind, reason: text(values.reason), ref: text(values.ref) }, warnings };
}
