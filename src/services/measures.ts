/** Measure verbs (METRICS.md §5, §7): supply values, read a measure's values with status and direction of travel, comment. */
import type { Db } from '../../db/client.ts';
import type { AppConfig } from '../config/app-config.ts';
import { ingestCsvFile, type FieldProblem, type IngestOptions, type IngestResult } from '../feeds/ingest-csv.ts';
import { measureStatus, targetOf, type Measure } from '../measures/catalogue.ts';
import { fitsFrequency, measurePeriodEnd, measurePeriodStart, periodFormOf, previousPeriod, yearBefore } from '../measures/periods.ts';
import { suppliedValueNormaliser, type SuppliedValue } from '../measures/supplied.ts';
import { directionOfTravel } from '../measures/travel.ts';
import { addMeasureCommentary, commentaryHistory, suppliedValuesOf, upsertMeasureValues } from '../store/measures.ts';

export class MeasureInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly status: 'not_found' | 'invalid' = 'invalid',
  ) {
    super(message);
  }
}

/** The catalogue entry of a code (case-insensitive), or a not-found error. */
export function measureNamed(config: AppConfig, code: string): Measure {
  const m = config.measures.find((x) => x.code.toUpperCase() === code.toUpperCase());
  if (!m) throw new MeasureInputError(`unknown measure "${code}" (known: ${config.measures.map((x) => x.code).join(', ')})`, 'code', 'not_found');
  return m;
}

/** `attain ingest measures FILE`: supplied values through the shared CSV driver; bad rows quarantined with line and field. */
export async function ingestMeasuresFile(db: Db, file: string, config: AppConfig, opts: Omit<IngestOptions, 'source'> = {}): Promise<IngestResult> {
  return ingestCsvFile(
    db,
    file,
    { feed: 'measures', normalise: suppliedValueNormaliser(config.measures), write: (tx, runId, items) => upsertMeasureValues(tx, items, 'file', runId) },
    { ...opts, source: 'measures' },
  );
}

/**
 * `POST /api/v1/measures/{code}/values`: one or more periods' values, all checked before any is
 * written (the first problem names the item and field).
 */
export async function supplyMeasureValues(db: Db, config: AppConfig, code: string, items: readonly Record<string, unknown>[], by: string) {
  const m = measureNamed(config, code);
  const normalise = suppliedValueNormaliser(config.measures);
  const good: SuppliedValue[] = [];
  items.forEach((item, i) => {
    const cells: Record<string, string> = { code: m.code };
    for (const f of ['period', 'value', 'numerator', 'denominator', 'note', 'benchmark']) {
      const v = item[f];
      if (v !== undefined && v !== null) cells[f] = String(v);
    }
    const r = normalise(cells);
    if (!r.ok) {
      const p: FieldProblem = r.problems[0] ?? { field: 'value', reason: r.skipped ?? 'empty' };
      throw new MeasureInputError(`${items.length > 1 ? `values[${i}].` : ''}${p.field}: ${p.reason}`, items.length > 1 ? `values[${i}].${p.field}` : p.field);
    }
    good.push(r.item);
  });
  return upsertMeasureValues(db, good, `api:${by}`, null);
}

/** A measure's values from `from` to `to` (periods or days; by period start), each with target, status, benchmark and both directions of travel. */
export async function measureValuesBetween(db: Db, config: AppConfig, code: string, from?: string, to?: string) {
  const m = measureNamed(config, code);
  const rows = await suppliedValuesOf(db, [m.code]);
  const byPeriod = new Map(rows.map((r) => [r.period, r]));
  const startOf = (t: string) => (/^\d{4}-\d{2}-\d{2}$/.test(t) ? t : measurePeriodStart(t));
  const endOf = (t: string) => (/^\d{4}-\d{2}-\d{2}$/.test(t) ? t : measurePeriodEnd(t));
  const lo = from ? startOf(from) : '0000-01-01';
  const hi = to ? endOf(to) : '9999-12-31';
  const values = rows
    .filter((r) => fitsFrequency(r.period, m.frequency) && measurePeriodStart(r.period) >= lo && measurePeriodStart(r.period) <= hi)
    .map((r) => {
      const target = targetOf(m, measurePeriodStart(r.period));
      const prev = byPeriod.get(previousPeriod(r.period))?.value ?? null;
      const long = byPeriod.get(yearBefore(r.period))?.value ?? null;
      return {
        period: r.period,
        value: r.value,
        numerator: r.numerator,
        denominator: r.denominator,
        benchmark: r.benchmark,
        note: r.note,
        target,
        status: measureStatus(r.value, target, m.direction, m.tolerance),
        shortTerm: { period: previousPeriod(r.period), earlier: prev, travel: directionOfTravel(r.value, prev, m.direction) },
        longTerm: { period: yearBefore(r.period), earlier: long, travel: directionOfTravel(r.value, long, m.direction) },
        suppliedBy: r.suppliedBy,
        updatedAt: r.updatedAt.toISOString(),
      };
    });
  return {
    code: m.code,
    title: m.title,
    unit: m.unit,
    direction: m.direction,
    frequency: m.frequency,
    source: m.figure ? 'computed' : 'supplied',
    note: m.figure ? `computed from ${m.figure}: the monthly report and KPI feed carry its values; supplied rows hold benchmarks` : null,
    values,
  };
}

/** `PUT /api/v1/measures/{code}/commentary/{period}`: a new edit of the commentary (every edit kept). */
export async function putMeasureCommentary(
  db: Db,
  config: AppConfig,
  code: string,
  period: string,
  body: { commentary: string; correctiveAction?: string | null },
  author: string,
  now: Date,
) {
  const m = measureNamed(config, code);
  if (!fitsFrequency(period, m.frequency)) throw new MeasureInputError(`period "${period}" does not fit the ${m.frequency} measure ${m.code} (expected ${periodFormOf(m.frequency)})`, 'period');
  await addMeasureCommentary(db, { code: m.code, period, commentary: body.commentary, correctiveAction: body.correctiveAction?.trim() || null, author, at: now });
  const history = await commentaryHistory(db, m.code, period);
  const view = (r: (typeof history)[number]) => ({ commentary: r.commentary, correctiveAction: r.correctiveAction, author: r.author, at: r.at.toISOString() });
  return { code: m.code, period, current: view(history[0]!), history: history.map(view) };
}
