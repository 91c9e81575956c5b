/**
 * The generic outages CSV row (ARCHITECTURE.md, "Generic feed files"): system, start, end, kind,
 * reason, ref. Pure: text in, a normalised outage or every problem with its field out.
 */
import { blank, rowFields } from '../row-fields.ts';
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
  const system = (values.system ?? '').trim();
  const row = rowFields(values, zoneOf(system));
  const { problems, warnings } = row;
  if (!system) problems.push({ field: 'system', reason: 'missing system' });
  else if (system.length > 200) problems.push({ field: 'system', reason: 'system name longer than 200 characters' });
  const time = (field: 'start' | 'end', required: boolean): Date | null => {
    const ms = row.instant(field, required);
    return ms === null ? null : new Date(ms);
  };
  const start = time('start', true);
  const end = time('end', false);
  if (start && end && end.getTime() <= start.getTime()) problems.push({ field: 'end', reason: 'end is not after start' });
  const kindText = (values.kind ?? '').trim().toLowerCase();
  const kind = KINDS[kindText];
  if (!kind) problems.push({ field: 'kind', reason: `unknown kind "${values.kind}" (expected planned or unplanned)` });
  if (problems.length > 0 || !start || !kind) return { ok: false, problems };
  return { ok: true, outage: { system, start, end, kind, reason: blank(values.reason), ref: blank(values.ref) }, warnings };
}
