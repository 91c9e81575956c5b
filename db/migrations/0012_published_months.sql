CREATE TABLE "published_months" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"month" text NOT NULL,
	"version" integer NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"issued_by" text NOT NULL,
	"report_json" text NOT NULL,
	"report_csv" text NOT NULL,
	"report_html" text NOT NULL,
	"kpi_feed_json" text NOT NULL,
	"kpi_feed_csv" text NOT NULL,
	"kpi_feed_revision" integer NOT NULL,
	"hashes" jsonb NOT NULL,
	"figures" jsonb NOT NULL,
	"watermarks" jsonb NOT NULL,
	"policy_hashes" jsonb NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "published_months_month_version" ON "published_months" USING btree ("month","version");--> statement-breakpoint
CREATE INDEX "published_months_issued_at" ON "published_months" USING btree ("issued_at");