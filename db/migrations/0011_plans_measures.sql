CREATE TABLE "plan_action_progress" (
	"plan_code" text NOT NULL,
	"code" text NOT NULL,
	"quarter" text NOT NULL,
	"progress" double precision,
	"updated_on" date,
	"latest_update" text,
	"run_id" bigint,
	CONSTRAINT "plan_action_progress_plan_code_code_quarter_pk" PRIMARY KEY("plan_code","code","quarter")
);
--> statement-breakpoint
CREATE TABLE "plan_actions" (
	"plan_code" text NOT NULL,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"section" text NOT NULL,
	"priority" integer NOT NULL,
	"type" text NOT NULL,
	"parent" text,
	"desired_outcome" text,
	"owner" text,
	"start_date" date,
	"due_date" date,
	"progress" double precision,
	"status_icon" text,
	"latest_update" text,
	"updated_on" date,
	"run_id" bigint,
	CONSTRAINT "plan_actions_plan_code_code_pk" PRIMARY KEY("plan_code","code")
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"code" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
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