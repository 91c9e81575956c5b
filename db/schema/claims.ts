import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One attempt at one drop-folder file. The file is renamed into `<inbox>/.claims/<id>/` before it
 * is read, so two workers never read the same file; an attempt whose heartbeat went stale (its
 * process died) or that threw is retried once, then the file goes to `failed/`.
 */
export const dropClaims = pgTable(
  'drop_claims',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Which drop folder: tickets, calls, emails. */
    feed: text('feed').notNull(),
    file: text('file').notNull(),
    attempt: integer('attempt').notNull(),
    /** host:pid:random of the process holding the claim. */
    owner: text('owner').notNull(),
    status: text('status').notNull().$type<'claimed' | 'succeeded' | 'failed' | 'duplicate' | 'errored' | 'interrupted' | 'retried' | 'gave-up'>(),
    /** Why each earlier attempt of this file ended without a result, oldest first. */
    errors: jsonb('errors').$type<string[]>().notNull().default([]),
    claimedAt: instant('claimed_at').notNull().defaultNow(),
    heartbeatAt: instant('heartbeat_at').notNull().defaultNow(),
    finishedAt: instant('finished_at'),
  },
  (t) => [index('drop_claims_feed_status').on(t.feed, t.status)],
);

/**
 * The claim of a job's schedule slot: a second attempt of a slot already done, or still running
 * with a live heartbeat (a BullMQ lock lost while Redis was frozen), ends without redoing it.
 */
export const jobSlots = pgTable(
  'job_slots',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    job: text('job').notNull(),
    slot: text('slot').notNull(),
    status: text('status').notNull().$type<'running' | 'succeeded' | 'failed' | 'interrupted'>(),
    owner: text('owner').notNull(),
    /** The job_runs attempt that holds (or last held) the slot. */
    attempt: integer('attempt').notNull(),
    result: jsonb('result'),
    startedAt: instant('started_at').notNull().defaultNow(),
    heartbeatAt: instant('heartbeat_at').notNull().defaultNow(),
    finishedAt: instant('finished_at'),
  },
  (t) => [uniqueIndex('job_slots_job_slot').on(t.job, t.slot)],
);

export type DropClaim = typeof dropClaims.$inferSelect;
export type JobSlot = typeof jobSlots.$inferSelect;
