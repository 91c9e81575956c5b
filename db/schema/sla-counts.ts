import { boolean, date, integer, pgTable, primaryKey, text, timestamp, unique, jsonb } from 'drizzle-orm/pg-core';

/**
 * Attainment counts per local day and slice (issue 12): what every attainment figure sums, kept
 * by the SLA compute in the same transaction as the `ticket_sla` rows they count (each ticket
 * adds 1 to `received` on its opening day, to `met`/`breached` on its outcome day, to the
 * `resolved*` counts on its judged resolution day). A 12-month query reads days × slices rows,
 * not millions of tickets; `attain verify` recomputes them from `ticket_sla`.
 */
export const slaCounts = pgTable(
  'sla_counts',
  {
    day: date('day', { mode: 'string' }).notNull(),
    kind: text('kind').notNull(),
    priority: text('priority').notNull(),
    vip: boolean('vip').notNull(),
    team: text('team'),
    channel: text('channel'),
    received: integer('received').notNull().default(0),
    resolved: integer('resolved').notNull().default(0),
    met: integer('met').notNull().default(0),
    breached: integer('breached').notNull().default(0),
    noTarget: integer('no_target').notNull().default(0),
    resolvedWithTarget: integer('resolved_with_target').notNull().default(0),
    resolvedMet: integer('resolved_met').notNull().default(0),
    /** Σ satisfaction and how many answered, of the tickets resolved that day (the monthly report's mean). */
    satisfactionTotal: integer('satisfaction_total').notNull().default(0),
    satisfactionN: integer('satisfaction_n').notNull().default(0),
  },
  // NULLS NOT DISTINCT: a ticket without a team is one slice, and the upsert must find its row.
  (t) => [unique('sla_counts_key').on(t.day, t.kind, t.priority, t.vip, t.team, t.channel).nullsNotDistinct()],
);

/**
 * The same counts rolled up per local month (`month` = its first day), kept equal to the sum of
 * `sla_counts` by statement triggers on it (migration 0015's `sla_counts_month_*`): whatever
 * writes or deletes day rows moves the month rows in the same statement. A 12-month figure reads
 * 12 × slices rows; a partial month adds or takes back its days from `sla_counts`.
 */
export const slaCountsMonth = pgTable(
  'sla_counts_month',
  {
    month: date('month', { mode: 'string' }).notNull(),
    kind: text('kind').notNull(),
    priority: text('priority').notNull(),
    vip: boolean('vip').notNull(),
    team: text('team'),
    channel: text('channel'),
    received: integer('received').notNull().default(0),
    resolved: integer('resolved').notNull().default(0),
    met: integer('met').notNull().default(0),
    breached: integer('breached').notNull().default(0),
    noTarget: integer('no_target').notNull().default(0),
    resolvedWithTarget: integer('resolved_with_target').notNull().default(0),
    resolvedMet: integer('resolved_met').notNull().default(0),
    /** Σ satisfaction and how many answered, of the tickets resolved that day (the monthly report's mean). */
    satisfactionTotal: integer('satisfaction_total').notNull().default(0),
    satisfactionN: integer('satisfaction_n').notNull().default(0),
  },
  (t) => [unique('sla_counts_month_key').on(t.month, t.kind, t.priority, t.vip, t.team, t.channel).nullsNotDistinct()],
);

/**
 * Where the incremental SLA compute stands: tickets changed at or after `ticketsSince` are still
 * to look at, and the policy stamps it last evaluated under (a change re-evaluates everything).
 */
export const slaComputeState = pgTable('sla_compute_state', {
  id: integer('id').primaryKey(),
  ticketsSince: timestamp('tickets_since', { withTimezone: true, mode: 'date' }).notNull(),
  policyStamps: jsonb('policy_stamps').$type<string[]>().notNull(),
});

/** Queue names of the call visits (and mailboxes of the email contacts), kept by ingest: a page lists them without a DISTINCT over the facts. */
export const callQueueNames = pgTable(
  'call_queue_names',
  {
    kind: text('kind').notNull().$type<'queue' | 'mailbox'>(),
    name: text('name').notNull(),
  },
  (t) => [primaryKey({ name: 'call_queue_names_pkey', columns: [t.kind, t.name] })],
);

export type SlaCountRow = typeof slaCounts.$inferSelect;
