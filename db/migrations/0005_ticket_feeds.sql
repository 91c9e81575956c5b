CREATE TABLE "feed_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"cursor" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "seen_feed_files" (
	"sha256" text PRIMARY KEY NOT NULL,
	"file" text NOT NULL,
	"run_id" bigint,
	"status" text NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_versions" (
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"version" text NOT NULL,
	CONSTRAINT "ticket_versions_source_external_id_pk" PRIMARY KEY("source","external_id")
);
