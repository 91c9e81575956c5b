import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { measureCommentary, measureValues, type MeasureCommentaryRow, type MeasureValueRow } from '../../db/schema.ts';
import type { BatchCounts } from '../feeds/ingest-csv.ts';
import type { SuppliedValue } from '../measures/supplied.ts';

const fields = ['value', 'numerator', 'denominator', 'benchmark', 'note'] as const;
const key = (code: string, period: string) => `${code}\u0000${period}`;

/**
 * Upserts supplied values on (code, period); an identical value is not written, so supplying the
 * same file again changes nothing. Within a batch the last row of a (code, period) wins.
 */
export async function upsertMeasureValues(db: Db, items: readonly SuppliedValue[], suppliedBy: string, runId: number | null): Promise<BatchCounts> {
  const latest = new Map<string, SuppliedValue>();
  for (const it of items) latest.set(key(it.code, it.period), it);
  const codes = [...new Set(items.map((i) => i.code))];
  const stored = new Map<string, MeasureValueRow>();
  if (codes.length > 0) for (const r of await db.select().from(measureValues).where(inArray(measureValues.code, codes))) stored.set(key(r.code, r.period), r);
  const counts: BatchCounts = { inserted: 0, updated: 0, unchanged: items.length - latest.size };
  for (const [k, v] of latest) {
    const old = stored.get(k);
    if (old && fields.every((f) => old[f] === v[f])) {
      counts.unchanged += 1;
      continue;
    }
    const row = { ...v, suppliedBy, runId, updatedAt: new Date() };
    if (old) {
      await db.update(measureValues).set(row).where(and(eq(measureValues.code, v.code), eq(measureValues.period, v.period)));
      counts.updated += 1;
    } else {
      await db.insert(measureValues).values(row);
      counts.inserted += 1;
    }
  }
  return counts;
}

/** Supplied values of the given measures (every period), oldest period first. */
export async function suppliedValuesOf(db: Db, codes: readonly string[]): Promise<MeasureValueRow[]> {
  if (codes.length === 0) return [];
  return db.select().from(measureValues).where(inArray(measureValues.code, [...codes])).orderBy(asc(measureValues.code), asc(measureValues.period));
}

/** Adds one edit of a measure's commentary for a period; earlier edits stay. */
export async function addMeasureCommentary(db: Db, row: Omit<MeasureCommentaryRow, 'id'>): Promise<MeasureCommentaryRow> {
  const [r] = await db.insert(measureCommentary).values(row).returning();
  return r!;
}

/** Every edit for a measure and period, newest first. */
export async function commentaryHistory(db: Db, code: string, period: string): Promise<MeasureCommentaryRow[]> {
  return db.select().from(measureCommentary).where(and(eq(measureCommentary.code, code), eq(measureCommentary.period, period))).orderBy(desc(measureCommentary.id));
}

/** The current (latest) commentary of each (code, period) among the periods given. */
export async function currentCommentary(db: Db, periods: readonly string[]): Promise<Map<string, MeasureCommentaryRow>> {
  const out = new Map<string, MeasureCommentaryRow>();
  if (periods.length === 0) return out;
  const rows = await db.select().from(measureCommentary).where(inArray(measureCommentary.period, [...new Set(periods)])).orderBy(asc(measureCommentary.id));
  for (const r of rows) out.set(key(r.code, r.period), r);
  return out;
}

export const commentaryKey = key;
