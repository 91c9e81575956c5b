import { bigint, bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { ProbeSpec } from '../../src/availability/config.ts';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Systems whose availability is measured (METRICS.md §4): from configuration, or created by an outage import. */
export const systems = pgTable(
  'systems',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    group: text('group').notNull().default('corporate'),
    calendarId: text('calendar_id').notNull().default('service-desk'),
    weight: doublePrecision('weight').notNull().default(1),
    /** The system's own target; null = the general availability target. */
    target: doublePrecision('target'),
    probe: jsonb('probe').$type<ProbeSpec>(),
    intervalSeconds: integer('interval_seconds').notNull().default(60),
    failuresBeforeDown: integer('failures_before_down').notNull().default(2),
    /** Where the row came from: config, import (outages CSV), demo. */
    source: text('source').notNull().$type<'config' | 'import' | 'demo'>(),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('systems_name').on(t.name)],
);

/**
 * Probe samples stored compactly: one row per run of consecutive samples with the same result
 * (first and last sample instant, how many). A year of one-minute samples of a steady system is
 * a few rows; each sample updates the system's latest run or starts a new one.
 */
export const probeRuns = pgTable(
  'probe_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    systemId: bigint('system_id', { mode: 'number' })
      .notNull()
      .references(() => systems.id, { onDelete: 'cascade' }),
    fromAt: instant('from_at').notNull(),
    toAt: instant('to_at').notNull(),
    ok: boolean('ok').notNull(),
    count: integer('count').notNull(),
    /** The latest sample's detail: HTTP status, error code, time taken. */
    detail: text('detail'),
  },
  (t) => [index('probe_runs_system_to').on(t.systemId, t.toAt)],
);

/** Outage records (METRICS.md §4): from the probe, people (API) and tools (CSV import). */
export const outages = pgTable(
  'outages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    systemId: bigint('system_id', { mode: 'number' })
      .notNull()
      .references(() => systems.id, { onDelete: 'cascade' }),
    startAt: instant('start_at').notNull(),
    /** null = still open. */
    endAt: instant('end_at'),
    kind: text('kind').notNull().$type<'planned' | 'unplanned'>(),
    reason: text('reason'),
    ref: text('ref'),
    source: text('source').notNull().$type<'probe' | 'manual' | 'import'>(),
    ingestRunId: bigint('ingest_run_id', { mode: 'number' }),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // The natural key: re-importing a file or re-deriving a probe outage updates, never duplicates.
    uniqueIndex('outages_key').on(t.systemId, t.source, t.kind, t.startAt),
    index('outages_system_start').on(t.systemId, t.startAt),
  ],
);

export type SystemRow = typeof systems.$inferSelect;
export type NewSystemRow = typeof systems.$inferInsert;
export type ProbeRunRow = typeof probeRuns.$inferSelect;
export type OutageRow = typeof outages.$inferSelect;
export type NewOutageRow = typeof outages.$inferInsert;
