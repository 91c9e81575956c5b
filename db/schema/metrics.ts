import { bigserial, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Stored figures per metric, period and slice. Counts, never ratios: a roll-up is a sum of
 * numerators over a sum of denominators (METRICS.md §3 says the same for calls).
 */
export const metricValues = pgTable(
  'metric_values',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    metric: text('metric').notNull(),
    grain: text('grain').notNull().$type<'day' | 'month'>(),
    /** Local period: YYYY-MM-DD or YYYY-MM. */
    period: text('period').notNull(),
    /** The slice, e.g. {"kind":"incident","team":"Network"}; {} is "all". */
    dims: jsonb('dims').$type<Record<string, string>>().notNull(),
    /** Canonical text of dims (sorted keys) so a slice has one row per period. */
    dimKey: text('dim_key').notNull(),
    counts: jsonb('counts').$type<Record<string, number>>().notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [uniqueIndex('metric_values_key').on(t.metric, t.grain, t.period, t.dimKey)],
);

export type MetricValue = typeof metricValues.$inferSelect;
export type NewMetricValue = typeof metricValues.$inferInsert;
