CREATE TABLE "drop_claims" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"feed" text NOT NULL,
	"file" text NOT NULL,
	"attempt" integer NOT NULL,
	"owner" text NOT NULL,
	"status" text NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "job_slots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job" text NOT NULL,
	"slot" text NOT NULL,
	"status" text NOT NULL,
	"owner" text NOT NULL,
	"attempt" integer NOT NULL,
	"result" jsonb,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "ingest_runs" ADD COLUMN "heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "drop_claims_feed_status" ON "drop_claims" USING btree ("feed","status");--> statement-breakpoint
CREATE UNIQUE INDEX "job_slots_job_slot" ON "job_slots" USING btree ("job","slot");