import { integer, pgTable, text, unique } from 'drizzle-orm/pg-core';

/**
 * Open SLA states (`ticket_sla.resolved_at` null) per team, kind and outcome, kept equal to a
 * count of them by statement triggers on `ticket_sla` (migration 0018's `sla_open_counts_*`):
 * the team leader's outstanding and open-breached figures read teams × kinds × outcomes rows,
 * not every open state.
 */
export const slaOpenCounts = pgTable(
  'sla_open_counts',
  {
    team: text('team'),
    kind: text('kind'),
    outcome: text('outcome').notNull(),
    n: integer('n').notNull(),
  },
  // NULLS NOT DISTINCT: a ticket without a team is one slice, and the upsert must find its row.
  (t) => [unique('sla_open_counts_key').on(t.team, t.kind, t.outcome).nullsNotDistinct()],
);
