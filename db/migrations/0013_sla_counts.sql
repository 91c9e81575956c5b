CREATE TABLE "call_queue_names" (
	"kind" text NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "call_queue_names_pkey" PRIMARY KEY("kind","name")
);
--> statement-breakpoint
CREATE TABLE "sla_compute_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"tickets_since" timestamp with time zone NOT NULL,
	"policy_stamps" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_counts" (
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"priority" text NOT NULL,
	"vip" boolean NOT NULL,
	"team" text,
	"channel" text,
	"received" integer DEFAULT 0 NOT NULL,
	"resolved" integer DEFAULT 0 NOT NULL,
	"met" integer DEFAULT 0 NOT NULL,
	"breached" integer DEFAULT 0 NOT NULL,
	"no_target" integer DEFAULT 0 NOT NULL,
	"resolved_with_target" integer DEFAULT 0 NOT NULL,
	"resolved_met" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "sla_counts_key" UNIQUE NULLS NOT DISTINCT("day","kind","priority","vip","team","channel")
);
--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "kind" text;--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "priority" text;--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "vip" boolean;--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "team" text;--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "channel" text;--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "next_check_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "ticket_sla_next_check" ON "ticket_sla" USING btree ("next_check_at") WHERE next_check_at is not null;--> statement-breakpoint
CREATE INDEX "ticket_sla_open_team" ON "ticket_sla" USING btree ("team","opened_at") WHERE resolved_at is null;--> statement-breakpoint
UPDATE "ticket_sla" s SET "kind" = t."kind", "priority" = t."priority", "vip" = t."vip", "team" = t."team", "channel" = t."channel" FROM "tickets" t WHERE t."id" = s."ticket_id";--> statement-breakpoint
INSERT INTO "sla_counts" ("day", "kind", "priority", "vip", "team", "channel", "received", "resolved", "met", "breached", "no_target", "resolved_with_target", "resolved_met")
SELECT c.day, c.kind, c.priority, c.vip, c.team, c.channel, sum(c.received), sum(c.resolved), sum(c.met), sum(c.breached), sum(c.no_target), sum(c.resolved_with_target), sum(c.resolved_met)
FROM (
  SELECT opened_day AS day, kind, priority, vip, team, channel, 1 AS received, 0 AS resolved, 0 AS met, 0 AS breached, (outcome = 'no_target')::int AS no_target, 0 AS resolved_with_target, 0 AS resolved_met FROM "ticket_sla"
  UNION ALL
  SELECT resolved_day, kind, priority, vip, team, channel, 0, 1, 0, 0, 0, (outcome <> 'no_target')::int, (outcome = 'met')::int FROM "ticket_sla" WHERE resolved_day IS NOT NULL
  UNION ALL
  SELECT outcome_day, kind, priority, vip, team, channel, 0, 0, (outcome = 'met')::int, (outcome = 'breached')::int, 0, 0, 0 FROM "ticket_sla" WHERE outcome_day IS NOT NULL AND outcome IN ('met', 'breached')
) c
GROUP BY c.day, c.kind, c.priority, c.vip, c.team, c.channel;
--> statement-breakpoint
INSERT INTO "call_queue_names" ("kind", "name") SELECT DISTINCT 'queue', "queue" FROM "call_visits" UNION SELECT DISTINCT 'mailbox', "mailbox" FROM "email_contacts" ON CONFLICT DO NOTHING;
