CREATE TABLE "outages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"system_id" bigint NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone,
	"kind" text NOT NULL,
	"reason" text,
	"ref" text,
	"source" text NOT NULL,
	"ingest_run_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "probe_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"system_id" bigint NOT NULL,
	"from_at" timestamp with time zone NOT NULL,
	"to_at" timestamp with time zone NOT NULL,
	"ok" boolean NOT NULL,
	"count" integer NOT NULL,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "systems" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"group" text DEFAULT 'corporate' NOT NULL,
	"calendar_id" text DEFAULT 'service-desk' NOT NULL,
	"weight" double precision DEFAULT 1 NOT NULL,
	"target" double precision,
	"probe" jsonb,
	"interval_seconds" integer DEFAULT 60 NOT NULL,
	"failures_before_down" integer DEFAULT 2 NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outages" ADD CONSTRAINT "outages_system_id_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "probe_runs" ADD CONSTRAINT "probe_runs_system_id_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "outages_key" ON "outages" USING btree ("system_id","source","kind","start_at");--> statement-breakpoint
CREATE INDEX "outages_system_start" ON "outages" USING btree ("system_id","start_at");--> statement-breakpoint
CREATE INDEX "probe_runs_system_to" ON "probe_runs" USING btree ("system_id","to_at");--> statement-breakpoint
CREATE UNIQUE INDEX "systems_name" ON "systems" USING btree ("name");