import { sql } from 'drizzle-orm';
import { bigint, boolean, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Normalised call visits (METRICS.md §3): one row per visit of one call to one queue. The
 * primary key is the natural key (arrival, source, call id, queue), so re-ingesting a log
 * upserts, and it holds `arrived_at`: the table can be range-partitioned by month on
 * `arrived_at` (PostgreSQL needs the partition column in every unique index) without a change.
 */
export const callVisits = pgTable(
  'call_visits',
  {
    source: text('source').notNull(),
    callId: text('call_id').notNull(),
    queue: text('queue').notNull(),
    arrivedAt: instant('arrived_at').notNull(),
    channel: text('channel').notNull().$type<'voice' | 'email' | 'chat' | 'callback'>(),
    answeredAt: instant('answered_at'),
    endedAt: instant('ended_at'),
    outcome: text('outcome').notNull().$type<'answered' | 'abandoned' | 'timeout' | 'exit_key' | 'no_agents' | 'waiting'>(),
    waitSeconds: doublePrecision('wait_seconds'),
    talkSeconds: doublePrecision('talk_seconds'),
    holdSeconds: doublePrecision('hold_seconds'),
    wrapSeconds: doublePrecision('wrap_seconds'),
    agent: text('agent'),
    transferred: boolean('transferred').notNull().default(false),
    /** Columns or fields the normalised form does not name, kept as the feed gave them. */
    extra: jsonb('extra').$type<Record<string, string>>(),
    ingestRunId: bigint('ingest_run_id', { mode: 'number' }),
    /** Moves only when the visit's data changes: the compute job finds the days to redo by it. */
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // Arrival first: range reads by arrival (a day, a month) and their keyset pages use it
    // directly, so the table needs no second index on arrival.
    primaryKey({ name: 'call_visits_pkey', columns: [t.arrivedAt, t.source, t.callId, t.queue] }),
    index('call_visits_updated_at').on(t.updatedAt),
    // Visits not yet ended (waiting, or answered and still talking): the live view and the
    // queue_log reader's carried-over state read these.
    index('call_visits_open').on(t.source, t.arrivedAt).where(sql`ended_at is null`),
  ],
);

/**
 * Agent and other non-visit events of a queue_log (PAUSE, ADDMEMBER, RINGNOANSWER, …), kept
 * for agent figures. `key` is a digest of the line's fields, so re-reading a log adds nothing.
 */
export const callAgentEvents = pgTable(
  'call_agent_events',
  {
    source: text('source').notNull(),
    key: text('key').notNull(),
    at: instant('at').notNull(),
    callId: text('call_id'),
    queue: text('queue'),
    agent: text('agent'),
    event: text('event').notNull(),
    data: text('data'),
    ingestRunId: bigint('ingest_run_id', { mode: 'number' }),
  },
  (t) => [primaryKey({ name: 'call_agent_events_pkey', columns: [t.source, t.at, t.key] }), index('call_agent_events_agent').on(t.agent, t.at)],
);

/** Email contacts of the contact mailboxes (METRICS.md §3, `emailsPerDay`). */
export const emailContacts = pgTable(
  'email_contacts',
  {
    source: text('source').notNull(),
    mailbox: text('mailbox').notNull(),
    externalId: text('external_id').notNull(),
    receivedAt: instant('received_at').notNull(),
    processedAt: instant('processed_at'),
    extra: jsonb('extra').$type<Record<string, string>>(),
    ingestRunId: bigint('ingest_run_id', { mode: 'number' }),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'email_contacts_pkey', columns: [t.source, t.mailbox, t.externalId] }),
    index('email_contacts_received_at').on(t.receivedAt),
    index('email_contacts_processed_at').on(t.processedAt),
    index('email_contacts_updated_at').on(t.updatedAt),
  ],
);

/**
 * Where the tail of a live queue_log has read to: the byte offset after the last complete line,
 * and the file's identity (inode) and size then, to notice a rotation.
 */
export const callTailCursors = pgTable('call_tail_cursors', {
  path: text('path').primaryKey(),
  source: text('source').notNull(),
  inode: text('inode').notNull(),
  offset: bigint('offset', { mode: 'number' }).notNull(),
  size: bigint('size', { mode: 'number' }).notNull(),
  /** Lines read so far from this file (line numbers for the quarantine). */
  lines: bigint('lines', { mode: 'number' }).notNull().default(0),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

/** Watermarks of the calls compute job: changes after `at` are still to be computed. */
export const callComputeMarks = pgTable('call_compute_marks', {
  name: text('name').primaryKey(),
  at: instant('at').notNull(),
});

const count = (name: string) => integer(name).notNull().default(0);
const total = (name: string) => doublePrecision(name).notNull().default(0);

/**
 * The call figures' counts per queue and 15-minute interval of arrival (issue 12): one column per
 * `CallCounts` key (src/calls/kpis.ts), counted with the thresholds in `call_count_settings`.
 * Kept equal to a recount of `call_visits` by statement triggers on it (the migration's
 * `call_interval_counts_*`), so today's figures and a day by interval read at most 96 rows per
 * queue instead of the day's visits. Intervals are UTC quarter hours, which are the local quarter
 * hours of every zone whose offset is a whole number of quarter hours (the reads check).
 */
export const callIntervalCounts = pgTable(
  'call_interval_counts',
  {
    intervalStart: instant('interval_start').notNull(),
    queue: text('queue').notNull(),
    offered: count('offered'),
    answered: count('answered'),
    abandoned: count('abandoned'),
    shortAbandoned: count('short_abandoned'),
    timeout: count('timeout'),
    exitKey: count('exit_key'),
    noAgents: count('no_agents'),
    waiting: count('waiting'),
    transferred: count('transferred'),
    answeredWithinSl: count('answered_within_sl'),
    abandonedWithinSl: count('abandoned_within_sl'),
    abandonedAfterSl: count('abandoned_after_sl'),
    waitSum: total('wait_sum'),
    waitCount: count('wait_count'),
    answeredWaitSum: total('answered_wait_sum'),
    maxAnswerWait: total('max_answer_wait'),
    maxWait: total('max_wait'),
    handled: count('handled'),
    handleSum: total('handle_sum'),
    talkSum: total('talk_sum'),
    holdSum: total('hold_sum'),
    wrapSum: total('wrap_sum'),
    handledTalkOnly: count('handled_talk_only'),
  },
  (t) => [primaryKey({ name: 'call_interval_counts_pkey', columns: [t.intervalStart, t.queue] })],
);

/**
 * The thresholds `call_interval_counts` is counted with (one row). The triggers read them; the
 * calls compute rebuilds the counts when the configured ones differ, and until then the reads
 * count from the visits.
 */
export const callCountSettings = pgTable(
  'call_count_settings',
  {
    id: boolean('id').primaryKey().default(true),
    shortAbandonSeconds: integer('short_abandon_seconds').notNull(),
    serviceLevelSeconds: integer('service_level_seconds').notNull(),
  },
  (t) => [check('call_count_settings_one_row', sql`${t.id}`)],
);

export type CallVisitRow = typeof callVisits.$inferSelect;
export type NewCallVisitRow = typeof callVisits.$inferInsert;
export type EmailContactRow = typeof emailContacts.$inferSelect;
export type CallTailCursor = typeof callTailCursors.$inferSelect;
