import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Every attempt of every job, whichever runner ran it. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    job: text('job').notNull(),
    /** The schedule slot (e.g. ingest-drop-2025-12-01T0600) or a manual run's id. */
    slot: text('slot').notNull(),
    runner: text('runner').notNull(),
    attempt: integer('attempt').notNull(),
    status: text('status').notNull().$type<'running' | 'succeeded' | 'failed' | 'skipped' | 'interrupted'>(),
    startedAt: instant('started_at').notNull(),
    finishedAt: instant('finished_at'),
    durationMs: integer('duration_ms'),
    error: text('error'),
    result: jsonb('result'),
  },
  (t) => [index('job_runs_job_slot').on(t.job, t.slot)],
);

export type JobRun = typeof jobRuns.$inferSelect;
