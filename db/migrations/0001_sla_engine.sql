-- ticket_sla is derived state: drop it so the new NOT NULL columns apply; the next compute re-evaluates every ticket.
DELETE FROM "ticket_sla";--> statement-breakpoint
CREATE TABLE "ticket_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"field" text NOT NULL,
	"value" text NOT NULL,
	"ingest_run_id" bigint
);
--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "reopen_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "opened_day" date NOT NULL;--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "resolved_day" date;--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "outcome_day" date;--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "response_target_minutes" integer;--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "response_outcome" text;--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "response_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "response_outcome_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_history_key" ON "ticket_history" USING btree ("source","external_id","field","at","value");--> statement-breakpoint
CREATE INDEX "ticket_sla_opened_day" ON "ticket_sla" USING btree ("opened_day");--> statement-breakpoint
CREATE INDEX "ticket_sla_resolved_day" ON "ticket_sla" USING btree ("resolved_day");--> statement-breakpoint
CREATE INDEX "ticket_sla_outcome_day" ON "ticket_sla" USING btree ("outcome_day");--> statement-breakpoint
CREATE INDEX "ticket_sla_due_at" ON "ticket_sla" USING btree ("due_at");