import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Normalised tickets (METRICS.md §2), one row per (source, external id); the feed's own status is the current state. */
export const tickets = pgTable(
  'tickets',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    kind: text('kind').notNull(),
    priority: text('priority').notNull(),
    vip: boolean('vip').notNull().default(false),
    team: text('team'),
    channel: text('channel'),
    category: text('category'),
    status: text('status'),
    openedAt: instant('opened_at').notNull(),
    firstResponseAt: instant('first_response_at'),
    resolvedAt: instant('resolved_at'),
    closedAt: instant('closed_at'),
    satisfaction: integer('satisfaction'),
    /** Columns the generic format does not name, kept as the feed gave them. */
    extra: jsonb('extra').$type<Record<string, string>>(),
    ingestRunId: bigint('ingest_run_id', { mode: 'number' }),
    /** Moves only when the ticket's data changes, so the compute job can find what to re-evaluate. */
    updatedAt: instant('updated_at').notNull().defaultNow(),
    /**
     * Some status or priority history is stored for it: set by the history ingest, and by a
     * trigger when the history came first (migration 0018). Keeps the no-history day counts.
     */
    hasHistory: boolean('has_history').notNull().default(false),
  },
  (t) => [
    uniqueIndex('tickets_source_external_id').on(t.source, t.externalId),
    index('tickets_opened_at').on(t.openedAt),
    index('tickets_open').on(t.resolvedAt),
    // The incremental SLA compute's changed tickets: a run reads what changed, not the table.
    index('tickets_updated_at').on(t.updatedAt),
    // Tickets without a first response: the team leader's "assigned, not actioned" starts here.
    index('tickets_no_first_response').on(t.id).where(sql`first_response_at is null`),
    // First responses after an instant: the month-end "not actioned" reads the few tickets answered
    // since, instead of a scan of every ticket for the condition.
    index('tickets_first_response_at').on(t.firstResponseAt),
  ],
);

/** Per-ticket resolution SLA state, the output of src/sla/evaluate.ts, stamped with what it used. */
export const ticketSla = pgTable(
  'ticket_sla',
  {
    ticketId: bigint('ticket_id', { mode: 'number' })
      .primaryKey()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    policyVersion: text('policy_version').notNull(),
    calendarId: text('calendar_id').notNull(),
    /** The instants it was evaluated from, so a later change can find the periods it left. */
    openedAt: instant('opened_at').notNull(),
    resolvedAt: instant('resolved_at'),
    targetMinutes: integer('target_minutes'),
    elapsedMs: bigint('elapsed_ms', { mode: 'number' }).notNull(),
    outcome: text('outcome').notNull(),
    dueAt: instant('due_at'),
    breachedAt: instant('breached_at'),
    outcomeAt: instant('outcome_at'),
    everBreached: boolean('ever_breached').notNull(),
    reopenCount: integer('reopen_count').notNull().default(0),
    /** Local days (calendar zone) of the dated events, so any period is a plain date range. */
    openedDay: date('opened_day', { mode: 'string' }).notNull(),
    resolvedDay: date('resolved_day', { mode: 'string' }),
    /** Day of `outcomeAt`: resolution for met, breach for breached. */
    outcomeDay: date('outcome_day', { mode: 'string' }),
    /** Response SLA (first response), when the policy has response targets. */
    responseTargetMinutes: integer('response_target_minutes'),
    responseOutcome: text('response_outcome'),
    responseDueAt: instant('response_due_at'),
    responseOutcomeAt: instant('response_outcome_at'),
    /** The ticket's updated_at this state was computed from. */
    ticketUpdatedAt: instant('ticket_updated_at').notNull(),
    evaluatedAt: instant('evaluated_at').notNull(),
    /**
     * The ticket's slice as evaluated (copied from `tickets`): the stored counts were added under
     * it, so a later change of team or channel knows which counts to take back.
     */
    kind: text('kind'),
    priority: text('priority'),
    vip: boolean('vip'),
    team: text('team'),
    channel: text('channel'),
    /** The ticket's satisfaction score as evaluated: the stored counts sum it on the resolution day. */
    satisfaction: integer('satisfaction'),
    /** The ticket's first response as evaluated: the month-end not-actioned counts read it (`sla_not_actioned_months`). */
    firstResponseAt: instant('first_response_at'),
    /** The next instant the stored outcome can change without new data (due, breach, a status change); null when only new data can change it. */
    nextCheckAt: instant('next_check_at'),
  },
  (t) => [
    index('ticket_sla_outcome').on(t.outcome),
    index('ticket_sla_opened_day').on(t.openedDay),
    index('ticket_sla_resolved_day').on(t.resolvedDay),
    // The met and breached drill-downs ask for one outcome on a range of outcome days (sla-queries.ts
    // measureOf): outcome first, so a month of breaches does not filter every judged state of the month.
    index('ticket_sla_outcome_outcome_day').on(t.outcome, t.outcomeDay),
    index('ticket_sla_due_at').on(t.dueAt),
    index('ticket_sla_next_check').on(t.nextCheckAt).where(sql`next_check_at is not null`),
    // Open tickets by team, oldest first: the team leader's day. Kind, outcome and due time
    // too, so its per-team counts read the index alone, not the open states scattered in the heap.
    index('ticket_sla_open_team').on(t.team, t.openedAt, t.ticketId, t.kind, t.outcome, t.dueAt).where(sql`resolved_at is null`),
    // Open states still running, by due time: "at risk" reads those due before the horizon, not every open state.
    index('ticket_sla_running_due').on(t.dueAt, t.team).where(sql`resolved_at is null and outcome = 'in_progress'`),
    // Drill-downs by period and team (issue 12): a team's month of a measure without the whole month.
    index('ticket_sla_team_opened_day').on(t.team, t.openedDay),
    index('ticket_sla_team_resolved_day').on(t.team, t.resolvedDay),
    // Outcome between team and day: at 3,000,000 tickets a team's month of breaches read 9,858 states
    // of the team's month and filtered 150 (335 ms); with it, 150 index entries (0.3 ms).
    index('ticket_sla_team_outcome_outcome_day').on(t.team, t.outcome, t.outcomeDay),
  ],
);

/**
 * Status and priority history per ticket (generic `id, at, field, value`), keyed by the ticket's
 * natural key so history may arrive before or after the ticket itself.
 */
export const ticketHistory = pgTable(
  'ticket_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    at: instant('at').notNull(),
    field: text('field').notNull().$type<'status' | 'priority'>(),
    value: text('value').notNull(),
    ingestRunId: bigint('ingest_run_id', { mode: 'number' }),
  },
  (t) => [uniqueIndex('ticket_history_key').on(t.source, t.externalId, t.field, t.at, t.value)],
);

export type Ticket = typeof tickets.$inferSelect;
export type NewTicket = typeof tickets.$inferInsert;
export type TicketSla = typeof ticketSla.$inferSelect;
export type NewTicketSla = typeof ticketSla.$inferInsert;
export type TicketHistoryRow = typeof ticketHistory.$inferSelect;
