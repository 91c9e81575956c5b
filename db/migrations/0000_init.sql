CREATE TABLE "ticket_sla" (
	"ticket_id" bigint PRIMARY KEY NOT NULL,
	"policy_version" text NOT NULL,
	"calendar_id" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"target_minutes" integer,
	"elapsed_ms" bigint NOT NULL,
	"outcome" text NOT NULL,
	"due_at" timestamp with time zone,
	"breached_at" timestamp with time zone,
	"outcome_at" timestamp with time zone,
	"ever_breached" boolean NOT NULL,
	"ticket_updated_at" timestamp with time zone NOT NULL,
	"evaluated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"kind" text NOT NULL,
	"priority" text NOT NULL,
	"vip" boolean DEFAULT false NOT NULL,
	"team" text,
	"channel" text,
	"category" text,
	"status" text,
	"opened_at" timestamp with time zone NOT NULL,
	"first_response_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"satisfaction" integer,
	"extra" jsonb,
	"ingest_run_id" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ingest_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"feed" text NOT NULL,
	"source" text NOT NULL,
	"file" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"inserted" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"touched_days" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "rejected_rows" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"file" text NOT NULL,
	"line" integer NOT NULL,
	"field" text,
	"reason" text NOT NULL,
	"raw" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metric_values" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"metric" text NOT NULL,
	"grain" text NOT NULL,
	"period" text NOT NULL,
	"dims" jsonb NOT NULL,
	"dim_key" text NOT NULL,
	"counts" jsonb NOT NULL,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job" text NOT NULL,
	"slot" text NOT NULL,
	"runner" text NOT NULL,
	"attempt" integer NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"duration_ms" integer,
	"error" text,
	"result" jsonb
);
--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD CONSTRAINT "ticket_sla_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rejected_rows" ADD CONSTRAINT "rejected_rows_run_id_ingest_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."ingest_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_sla_outcome" ON "ticket_sla" USING btree ("outcome");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_source_external_id" ON "tickets" USING btree ("source","external_id");--> statement-breakpoint
CREATE INDEX "tickets_opened_at" ON "tickets" USING btree ("opened_at");--> statement-breakpoint
CREATE INDEX "tickets_open" ON "tickets" USING btree ("resolved_at");--> statement-breakpoint
CREATE INDEX "rejected_rows_run" ON "rejected_rows" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "metric_values_key" ON "metric_values" USING btree ("metric","grain","period","dim_key");--> statement-breakpoint
CREATE INDEX "job_runs_job_slot" ON "job_runs" USING btree ("job","slot");