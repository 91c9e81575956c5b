CREATE TABLE "kpi_feed_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"month" text NOT NULL,
	"revision" integer NOT NULL,
	"url" text NOT NULL,
	"attempt" integer NOT NULL,
	"http_status" integer,
	"ok" boolean NOT NULL,
	"error" text,
	"duration_ms" integer NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kpi_feed_revisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"month" text NOT NULL,
	"revision" integer NOT NULL,
	"rows" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"generated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "kpi_feed_deliveries_month" ON "kpi_feed_deliveries" USING btree ("month","revision");--> statement-breakpoint
CREATE UNIQUE INDEX "kpi_feed_revisions_month_revision" ON "kpi_feed_revisions" USING btree ("month","revision");