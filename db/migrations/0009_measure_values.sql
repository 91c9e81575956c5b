CREATE TABLE "measure_commentary" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"period" text NOT NULL,
	"commentary" text NOT NULL,
	"corrective_action" text,
	"author" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "measure_values" (
	"code" text NOT NULL,
	"period" text NOT NULL,
	"value" double precision,
	"numerator" double precision,
	"denominator" double precision,
	"benchmark" double precision,
	"note" text,
	"supplied_by" text NOT NULL,
	"run_id" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "measure_values_code_period_pk" PRIMARY KEY("code","period")
);
--> statement-breakpoint
CREATE INDEX "measure_commentary_code_period" ON "measure_commentary" USING btree ("code","period","id");