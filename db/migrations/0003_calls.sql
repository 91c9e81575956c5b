CREATE TABLE "call_agent_events" (
	"source" text NOT NULL,
	"key" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"call_id" text,
	"queue" text,
	"agent" text,
	"event" text NOT NULL,
	"data" text,
	"ingest_run_id" bigint,
	CONSTRAINT "call_agent_events_pkey" PRIMARY KEY("source","at","key")
);
--> statement-breakpoint
CREATE TABLE "call_compute_marks" (
	"name" text PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "call_tail_cursors" (
	"path" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"inode" text NOT NULL,
	"offset" bigint NOT NULL,
	"size" bigint NOT NULL,
	"lines" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "call_visits" (
	"source" text NOT NULL,
	"call_id" text NOT NULL,
	"queue" text NOT NULL,
	"arrived_at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"answered_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"outcome" text NOT NULL,
	"wait_seconds" double precision,
	"talk_seconds" double precision,
	"hold_seconds" double precision,
	"wrap_seconds" double precision,
	"agent" text,
	"transferred" boolean DEFAULT false NOT NULL,
	"extra" jsonb,
	"ingest_run_id" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "call_visits_pkey" PRIMARY KEY("source","call_id","queue","arrived_at")
);
--> statement-breakpoint
CREATE TABLE "email_contacts" (
	"source" text NOT NULL,
	"mailbox" text NOT NULL,
	"external_id" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone,
	"extra" jsonb,
	"ingest_run_id" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_contacts_pkey" PRIMARY KEY("source","mailbox","external_id")
);
--> statement-breakpoint
CREATE INDEX "call_agent_events_agent" ON "call_agent_events" USING btree ("agent","at");--> statement-breakpoint
CREATE INDEX "call_visits_arrived_at" ON "call_visits" USING btree ("arrived_at");--> statement-breakpoint
CREATE INDEX "call_visits_updated_at" ON "call_visits" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "call_visits_open" ON "call_visits" USING btree ("source","arrived_at") WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX "email_contacts_received_at" ON "email_contacts" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "email_contacts_processed_at" ON "email_contacts" USING btree ("processed_at");--> statement-breakpoint
CREATE INDEX "email_contacts_updated_at" ON "email_contacts" USING btree ("updated_at");