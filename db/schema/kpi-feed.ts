import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Every revision of a month's KPI feed (METRICS.md §5): never overwritten. A build whose content
 * hash equals the latest revision's adds nothing; different content (late data) adds N + 1.
 */
export const kpiFeedRevisions = pgTable(
  'kpi_feed_revisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Local month `YYYY-MM`. */
    month: text('month').notNull(),
    revision: integer('revision').notNull(),
    /** The feed rows without revision and generated-at (those are the columns below). */
    rows: jsonb('rows').$type<Record<string, unknown>[]>().notNull(),
    /** sha256 hex of the rows' canonical JSON: what "the same content" means. */
    contentHash: text('content_hash').notNull(),
    generatedAt: instant('generated_at').notNull(),
  },
  (t) => [uniqueIndex('kpi_feed_revisions_month_revision').on(t.month, t.revision)],
);

/** Each attempt to POST a feed revision to the webhook, successful or not. */
export const kpiFeedDeliveries = pgTable(
  'kpi_feed_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    month: text('month').notNull(),
    revision: integer('revision').notNull(),
    url: text('url').notNull(),
    attempt: integer('attempt').notNull(),
    /** HTTP status, null when no answer came (refused, timed out). */
    httpStatus: integer('http_status'),
    ok: boolean('ok').notNull(),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    at: instant('at').notNull(),
  },
  (t) => [index('kpi_feed_deliveries_month').on(t.month, t.revision)],
);

export type KpiFeedRevision = typeof kpiFeedRevisions.$inferSelect;
export type KpiFeedDelivery = typeof kpiFeedDeliveries.$inferSelect;
