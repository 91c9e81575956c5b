import { date, integer, pgTable, text, unique } from 'drizzle-orm/pg-core';

/**
 * Zones whose month-end not-actioned counts are kept. A first response's local month depends on
 * the zone, which is configuration, so the counts of a zone are built the first time a report
 * asks for it (src/store/not-actioned.ts) and kept from then on by the triggers on `ticket_sla`
 * (migration 0023).
 */
export const slaNotActionedZones = pgTable('sla_not_actioned_zones', {
  zone: text('zone').primaryKey(),
});

/**
 * Open tickets with no first response at a month's end (METRICS.md §2, "assigned, still to be
 * actioned"), as changes per zone, local month and team: each evaluated state adds 1 in the month
 * it opened and takes it back in the month it was resolved or first responded to (the earlier),
 * so the figure at the end of a month is the sum of its team's rows up to that month: months ×
 * teams rows, not a join of every state open at the month's end with its ticket.
 */
export const slaNotActionedMonths = pgTable(
  'sla_not_actioned_months',
  {
    zone: text('zone').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    team: text('team'),
    n: integer('n').notNull(),
  },
  // NULLS NOT DISTINCT: a ticket without a team is one slice, and the upsert must find its row.
  (t) => [unique('sla_not_actioned_months_key').on(t.zone, t.month, t.team).nullsNotDistinct()],
);
