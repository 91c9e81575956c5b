import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { metricValues } from '../../db/schema.ts';

export type MetricQuery = { metric: string; grain: 'day' | 'month'; from: string; to: string; dimKey: string };

/** Stored rows of one slice between two periods (inclusive), in period order. */
export async function queryMetric(db: Db, q: MetricQuery) {
  return db
    .select({ period: metricValues.period, dims: metricValues.dims, counts: metricValues.counts, computedAt: metricValues.computedAt })
    .from(metricValues)
    .where(
      and(
        eq(metricValues.metric, q.metric),
        eq(metricValues.grain, q.grain),
        eq(metricValues.dimKey, q.dimKey),
        gte(metricValues.period, q.from),
        lte(metricValues.period, q.to),
      ),
    )
    .orderBy(asc(metricValues.period));
}

/** Distinct values seen for a dimension of a metric, e.g. the teams. */
export async function metricDimensionValues(db: Db, metric: string, dim: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ v: sql<string>`${metricValues.dims} ->> ${dim}` })
    .from(metricValues)
    .where(and(eq(metricValues.metric, metric), sql`${metricValues.dims} ? ${dim}`));
  return rows.map((r) => r.v).sort();
}
