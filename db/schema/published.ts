import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** What "after publishing" means for the restatement evidence: the highest ids stored when the month was issued. */
export type PublishWatermarks = { ingestRunId: number; ticketId: number };

/**
 * A month's published figures (issue 16, item 4): the report and KPI feed exactly as issued
 * (text served byte for byte, with sha256 of each), and the figures in a comparable form
 * (figure key → value) for the restatement of later reports. Never updated: publishing again
 * (`--republish`, `?force=true`) adds version N + 1 and the latest version is the one served.
 */
export const publishedMonths = pgTable(
  'published_months',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Local month `YYYY-MM`. */
    month: text('month').notNull(),
    version: integer('version').notNull(),
    issuedAt: instant('issued_at').notNull(),
    /** Who published: the audit actor (`key:<id>`, a person's subject, `cli`, `anonymous`). */
    issuedBy: text('issued_by').notNull(),
    reportJson: text('report_json').notNull(),
    reportCsv: text('report_csv').notNull(),
    reportHtml: text('report_html').notNull(),
    kpiFeedJson: text('kpi_feed_json').notNull(),
    kpiFeedCsv: text('kpi_feed_csv').notNull(),
    /** The KPI feed revision frozen with the month. */
    kpiFeedRevision: integer('kpi_feed_revision').notNull(),
    /** sha256 hex of each artefact above, by name (`report.json`, `report.csv`, …). */
    hashes: jsonb('hashes').$type<Record<string, string>>().notNull(),
    /** Figure key → value as issued (src/reports/restatement.ts `figuresOf`). */
    figures: jsonb('figures').$type<Record<string, number | null>>().notNull(),
    watermarks: jsonb('watermarks').$type<PublishWatermarks>().notNull(),
    /** sha256 of each configuration area (SLA policies and calendars, call rules, …) as issued: a later difference is a policy change. */
    policyHashes: jsonb('policy_hashes').$type<Record<string, string>>().notNull(),
  },
  (t) => [uniqueIndex('published_months_month_version').on(t.month, t.version), index('published_months_issued_at').on(t.issuedAt)],
);

export type PublishedMonth = typeof publishedMonths.$inferSelect;
export type NewPublishedMonth = typeof publishedMonths.$inferInsert;
