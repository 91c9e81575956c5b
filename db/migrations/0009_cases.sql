CREATE TABLE "cases" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"kind" text NOT NULL,
	"department" text,
	"stage" integer,
	"parent_id" text,
	"decision" text,
	"received_at" timestamp with time zone NOT NULL,
	"responded_at" timestamp with time zone,
	"extended_to" date,
	"extension_reason" text,
	"clarification_requested_at" timestamp with time zone,
	"clarification_received_at" timestamp with time zone,
	"fee_requested_at" timestamp with time zone,
	"fee_received_at" timestamp with time zone,
	"id_requested_at" timestamp with time zone,
	"id_received_at" timestamp with time zone,
	"extra" jsonb,
	"received_day" date NOT NULL,
	"start_day" date,
	"waiting_for" text,
	"due_day" date,
	"due_at" timestamp with time zone,
	"extended" boolean DEFAULT false NOT NULL,
	"responded_day" date,
	"working_days_to_respond" integer,
	"ingest_run_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "cases_key" ON "cases" USING btree ("source","external_id");--> statement-breakpoint
CREATE INDEX "cases_kind_received" ON "cases" USING btree ("kind","received_day");--> statement-breakpoint
CREATE INDEX "cases_kind_responded" ON "cases" USING btree ("kind","responded_day");--> statement-breakpoint
CREATE INDEX "cases_kind_due" ON "cases" USING btree ("kind","due_day");