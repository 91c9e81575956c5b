import { bigint, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The version of each ticket's stored state for feeds that deliver a ticket more than once in
 * any order (event logs, API pulls): an older version never overwrites a newer one.
 * `version` is a fixed-width text that sorts as the feed's own order (update time, then sequence).
 */
export const ticketVersions = pgTable(
  'ticket_versions',
  {
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    version: text('version').notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.externalId] })],
);

/** Where each API pull stopped: saved in the same transaction as the page it follows. */
export const feedCursors = pgTable('feed_cursors', {
  name: text('name').primaryKey(),
  cursor: jsonb('cursor').$type<Record<string, unknown>>().notNull(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

/** Drop-folder files already ingested, by the SHA-256 of their content: each is ingested once. */
export const seenFeedFiles = pgTable('seen_feed_files', {
  sha256: text('sha256').primaryKey(),
  file: text('file').notNull(),
  runId: bigint('run_id', { mode: 'number' }),
  status: text('status').notNull(),
  seenAt: instant('seen_at').notNull().defaultNow(),
});

export type FeedCursorRow = typeof feedCursors.$inferSelect;
export type SeenFeedFile = typeof seenFeedFiles.$inferSelect;
