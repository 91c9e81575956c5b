import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One run of one feed file or pull: what was read and what became of it. */
export const ingestRuns = pgTable('ingest_runs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  feed: text('feed').notNull(),
  source: text('source').notNull(),
  file: text('file').notNull(),
  status: text('status').notNull().$type<'running' | 'succeeded' | 'failed' | 'interrupted'>(),
  startedAt: instant('started_at').notNull().defaultNow(),
  /** Written with every batch's progress: a `running` run whose heartbeat went stale was killed. */
  heartbeatAt: instant('heartbeat_at').notNull().defaultNow(),
  finishedAt: instant('finished_at'),
  rowsRead: integer('rows_read').notNull().default(0),
  inserted: integer('inserted').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  unchanged: integer('unchanged').notNull().default(0),
  rejected: integer('rejected').notNull().default(0),
  warnings: jsonb('warnings').$type<string[]>().notNull().default([]),
  /** Local days (YYYY-MM-DD) whose figures this run may have changed. */
  touchedDays: jsonb('touched_days').$type<string[]>().notNull().default([]),
  error: text('error'),
}, (t) => [
  // The data-quality flags look up a file's later runs (src/store/quality.ts).
  index('ingest_runs_feed_file').on(t.feed, t.source, t.file, t.id),
]);

/** The quarantine: every refused row with where it came from and why, nothing dropped silently. */
export const rejectedRows = pgTable(
  'rejected_rows',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: bigint('run_id', { mode: 'number' })
      .notNull()
      .references(() => ingestRuns.id, { onDelete: 'cascade' }),
    file: text('file').notNull(),
    line: integer('line').notNull(),
    field: text('field'),
    reason: text('reason').notNull(),
    raw: text('raw').notNull(),
  },
  (t) => [index('rejected_rows_run').on(t.runId)],
);

export type IngestRun = typeof ingestRuns.$inferSelect;
export type RejectedRow = typeof rejectedRows.$inferSelect;
export type NewRejectedRow = typeof rejectedRows.$inferInsert;
