import { date, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * Zones whose no-history day counts are kept. A local day depends on the zone, which is
 * configuration, so the counts are built for a zone the first time a flag asks for it
 * (src/store/quality.ts) and kept from then on by the triggers on `tickets` (migration 0018).
 */
export const ticketNoHistoryZones = pgTable('ticket_no_history_zones', {
  zone: text('zone').primaryKey(),
});

/**
 * Tickets without status history (`tickets.has_history` false) per zone, source and local
 * opening day: the evidence of the `no_history` flag (METRICS.md, data-quality flags), read as
 * days × sources rows instead of an anti-join of every ticket against `ticket_history`.
 */
export const ticketNoHistoryDays = pgTable(
  'ticket_no_history_days',
  {
    zone: text('zone').notNull(),
    source: text('source').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ name: 'ticket_no_history_days_key', columns: [t.zone, t.day, t.source] })],
);
