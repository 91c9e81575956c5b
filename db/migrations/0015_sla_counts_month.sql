CREATE TABLE "sla_counts_month" (
	"month" date NOT NULL,
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
	CONSTRAINT "sla_counts_month_key" UNIQUE NULLS NOT DISTINCT("month","kind","priority","vip","team","channel")
);
--> statement-breakpoint
DROP INDEX "ticket_sla_open_team";--> statement-breakpoint
CREATE INDEX "ticket_sla_team_opened_day" ON "ticket_sla" USING btree ("team","opened_day");--> statement-breakpoint
CREATE INDEX "ticket_sla_team_resolved_day" ON "ticket_sla" USING btree ("team","resolved_day");--> statement-breakpoint
CREATE INDEX "ticket_sla_team_outcome_day" ON "ticket_sla" USING btree ("team","outcome_day");--> statement-breakpoint
CREATE INDEX "tickets_no_first_response" ON "tickets" USING btree ("id") WHERE first_response_at is null;--> statement-breakpoint
CREATE INDEX "ticket_sla_open_team" ON "ticket_sla" USING btree ("team","opened_at","ticket_id","kind","outcome","due_at") WHERE resolved_at is null;--> statement-breakpoint
-- The month roll-up follows every statement on sla_counts (transition tables: one upsert per statement, not per row).
CREATE FUNCTION "sla_counts_month_ins"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sla_counts_month (month, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met)
  SELECT date_trunc('month', d.day)::date, d.kind, d.priority, d.vip, d.team, d.channel, sum(d.received * d.sign), sum(d.resolved * d.sign), sum(d.met * d.sign), sum(d.breached * d.sign), sum(d.no_target * d.sign), sum(d.resolved_with_target * d.sign), sum(d.resolved_met * d.sign)
  FROM (SELECT day, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met, 1 AS sign FROM new_rows) d
  GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ON CONSTRAINT sla_counts_month_key DO UPDATE SET received = sla_counts_month.received + excluded.received, resolved = sla_counts_month.resolved + excluded.resolved, met = sla_counts_month.met + excluded.met, breached = sla_counts_month.breached + excluded.breached, no_target = sla_counts_month.no_target + excluded.no_target, resolved_with_target = sla_counts_month.resolved_with_target + excluded.resolved_with_target, resolved_met = sla_counts_month.resolved_met + excluded.resolved_met;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "sla_counts_month_upd"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sla_counts_month (month, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met)
  SELECT date_trunc('month', d.day)::date, d.kind, d.priority, d.vip, d.team, d.channel, sum(d.received * d.sign), sum(d.resolved * d.sign), sum(d.met * d.sign), sum(d.breached * d.sign), sum(d.no_target * d.sign), sum(d.resolved_with_target * d.sign), sum(d.resolved_met * d.sign)
  FROM (SELECT day, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met, 1 AS sign FROM new_rows UNION ALL SELECT day, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met, -1 AS sign FROM old_rows) d
  GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ON CONSTRAINT sla_counts_month_key DO UPDATE SET received = sla_counts_month.received + excluded.received, resolved = sla_counts_month.resolved + excluded.resolved, met = sla_counts_month.met + excluded.met, breached = sla_counts_month.breached + excluded.breached, no_target = sla_counts_month.no_target + excluded.no_target, resolved_with_target = sla_counts_month.resolved_with_target + excluded.resolved_with_target, resolved_met = sla_counts_month.resolved_met + excluded.resolved_met;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "sla_counts_month_del"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sla_counts_month (month, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met)
  SELECT date_trunc('month', d.day)::date, d.kind, d.priority, d.vip, d.team, d.channel, sum(d.received * d.sign), sum(d.resolved * d.sign), sum(d.met * d.sign), sum(d.breached * d.sign), sum(d.no_target * d.sign), sum(d.resolved_with_target * d.sign), sum(d.resolved_met * d.sign)
  FROM (SELECT day, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met, -1 AS sign FROM old_rows) d
  GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ON CONSTRAINT sla_counts_month_key DO UPDATE SET received = sla_counts_month.received + excluded.received, resolved = sla_counts_month.resolved + excluded.resolved, met = sla_counts_month.met + excluded.met, breached = sla_counts_month.breached + excluded.breached, no_target = sla_counts_month.no_target + excluded.no_target, resolved_with_target = sla_counts_month.resolved_with_target + excluded.resolved_with_target, resolved_met = sla_counts_month.resolved_met + excluded.resolved_met;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sla_counts_month_ins AFTER INSERT ON sla_counts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sla_counts_month_ins"();
--> statement-breakpoint
CREATE TRIGGER sla_counts_month_upd AFTER UPDATE ON sla_counts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sla_counts_month_upd"();
--> statement-breakpoint
CREATE TRIGGER sla_counts_month_del AFTER DELETE ON sla_counts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "sla_counts_month_del"();
--> statement-breakpoint
INSERT INTO sla_counts_month (month, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met) SELECT date_trunc('month', day)::date, kind, priority, vip, team, channel, sum(received), sum(resolved), sum(met), sum(breached), sum(no_target), sum(resolved_with_target), sum(resolved_met) FROM sla_counts GROUP BY 1, 2, 3, 4, 5, 6;
