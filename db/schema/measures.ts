import { bigint, bigserial, doublePrecision, index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Values supplied for a measure per period (METRICS.md §7), by file or API; the latest supply of
 * a (measure, period) replaces the one before. Percent values are fractions 0–1.
 */
export const measureValues = pgTable(
  'measure_values',
  {
    code: text('code').notNull(),
    /** `YYYY-MM`, `YYYY-Qn`, `YYYY-Hn` or `YYYY`, by the measure's frequency. */
    period: text('period').notNull(),
    value: doublePrecision('value'),
    numerator: doublePrecision('numerator'),
    denominator: doublePrecision('denominator'),
    /** A comparator for the period, e.g. the LGBF family-group figure. */
    benchmark: doublePrecision('benchmark'),
    note: text('note'),
    /** `file` (with the run) or `api` (with the key's name). */
    suppliedBy: text('supplied_by').notNull(),
    runId: bigint('run_id', { mode: 'number' }),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.code, t.period] })],
);

/** Every edit of a measure's commentary for a period, kept: the latest is the current one. */
export const measureCommentary = pgTable(
  'measure_commentary',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    code: text('code').notNull(),
    period: text('period').notNull(),
    commentary: text('commentary').notNull(),
    correctiveAction: text('corrective_action'),
    author: text('author').notNull(),
    at: instant('at').notNull(),
  },
  (t) => [index('measure_commentary_code_period').on(t.code, t.period, t.id)],
);

export type MeasureValueRow = typeof measureValues.$inferSelect;
export type MeasureCommentaryRow = typeof measureCommentary.$inferSelect;
