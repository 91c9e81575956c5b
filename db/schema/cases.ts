import { bigint, bigserial, boolean, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const day = (name: string) => date(name, { mode: 'string' });

/**
 * Casework (METRICS.md §6): complaints, FOI/EIR/FOISA requests, SARs, member enquiries, as the
 * feed gave them, with the clock computed at ingest by the policy in force at receipt (the local
 * days below are in that policy's calendar zone). Outcome is not stored: met / late / open /
 * overdue follow from `due_at`, `responded_at` and the time of the question.
 */
export const cases = pgTable(
  'cases',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    kind: text('kind').notNull(),
    department: text('department'),
    stage: integer('stage'),
    /** A stage-2 complaint's stage 1 (external id in the same source). */
    parentId: text('parent_id'),
    /** The feed's `outcome` (upheld, information provided…): data only. */
    decision: text('decision'),
    receivedAt: instant('received_at').notNull(),
    respondedAt: instant('responded_at'),
    extendedTo: day('extended_to'),
    extensionReason: text('extension_reason'),
    clarificationRequestedAt: instant('clarification_requested_at'),
    clarificationReceivedAt: instant('clarification_received_at'),
    feeRequestedAt: instant('fee_requested_at'),
    feeReceivedAt: instant('fee_received_at'),
    idRequestedAt: instant('id_requested_at'),
    idReceivedAt: instant('id_received_at'),
    extra: jsonb('extra').$type<Record<string, string>>(),
    receivedDay: day('received_day').notNull(),
    /** Day 0 of the clock; null while it waits for the requester. */
    startDay: day('start_day'),
    waitingFor: text('waiting_for'),
    dueDay: day('due_day'),
    /** End of the due day; a response at or before it is met. */
    dueAt: instant('due_at'),
    extended: boolean('extended').notNull().default(false),
    respondedDay: day('responded_day'),
    workingDaysToRespond: integer('working_days_to_respond'),
    ingestRunId: bigint('ingest_run_id', { mode: 'number' }),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('cases_key').on(t.source, t.externalId),
    index('cases_kind_received').on(t.kind, t.receivedDay),
    index('cases_kind_responded').on(t.kind, t.respondedDay),
    index('cases_kind_due').on(t.kind, t.dueDay),
  ],
);

export type CaseRow = typeof cases.$inferSelect;
export type NewCaseRow = typeof cases.$inferInsert;
