ALTER TABLE "ticket_sla" ADD COLUMN "satisfaction" integer;--> statement-breakpoint
ALTER TABLE "sla_counts" ADD COLUMN "satisfaction_total" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sla_counts" ADD COLUMN "satisfaction_n" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sla_counts_month" ADD COLUMN "satisfaction_total" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sla_counts_month" ADD COLUMN "satisfaction_n" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_first_response_at" ON "tickets" USING btree ("first_response_at");--> statement-breakpoint
-- The month roll-up triggers of migration 0015, now carrying the satisfaction sums too.
CREATE OR REPLACE FUNCTION "sla_counts_month_ins"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sla_counts_month (month, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met, satisfaction_total, satisfaction_n)
  SELECT date_trunc('month', d.day)::date, d.kind, d.priority, d.vip, d.team, d.channel, sum(d.received * d.sign), sum(d.resolved * d.sign), sum(d.met * d.sign), sum(d.breached * d.sign), sum(d.no_target * d.sign), sum(d.resolved_with_target * d.sign), sum(d.resolved_met * d.sign), sum(d.satisfaction_total * d.sign), sum(d.satisfaction_n * d.sign)
  FROM (SELECT day, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met, satisfaction_total, satisfaction_n, 1 AS sign FROM new_rows) d
  GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ON CONSTRAINT sla_counts_month_key DO UPDATE SET received = sla_counts_month.received + excluded.received, resolved = sla_counts_month.resolved + excluded.resolved, met = sla_counts_month.met + excluded.met, breached = sla_counts_month.breached + excluded.breached, no_target = sla_counts_month.no_target + excluded.no_target, resolved_with_target = sla_counts_month.resolved_with_target + excluded.resolved_with_target, resolved_met = sla_counts_month.resolved_met + excluded.resolved_met, satisfaction_total = sla_counts_month.satisfaction_total + excluded.satisfaction_total, satisfaction_n = sla_counts_month.satisfaction_n + excluded.satisfaction_n;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "sla_counts_month_upd"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sla_counts_month (month, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met, satisfaction_total, satisfaction_n)
  SELECT date_trunc('month', d.day)::date, d.kind, d.priority, d.vip, d.team, d.channel, sum(d.received * d.sign), sum(d.resolved * d.sign), sum(d.met * d.sign), sum(d.breached * d.sign), sum(d.no_target * d.sign), sum(d.resolved_with_target * d.sign), sum(d.resolved_met * d.sign), sum(d.satisfaction_total * d.sign), sum(d.satisfaction_n * d.sign)
  FROM (SELECT day, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met, satisfaction_total, satisfaction_n, 1 AS sign FROM new_rows UNION ALL SELECT day, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met, satisfaction_total, satisfaction_n, -1 AS sign FROM old_rows) d
  GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ON CONSTRAINT sla_counts_month_key DO UPDATE SET received = sla_counts_month.received + excluded.received, resolved = sla_counts_month.resolved + excluded.resolved, met = sla_counts_month.met + excluded.met, breached = sla_counts_month.breached + excluded.breached, no_target = sla_counts_month.no_target + excluded.no_target, resolved_with_target = sla_counts_month.resolved_with_target + excluded.resolved_with_target, resolved_met = sla_counts_month.resolved_met + excluded.resolved_met, satisfaction_total = sla_counts_month.satisfaction_total + excluded.satisfaction_total, satisfaction_n = sla_counts_month.satisfaction_n + excluded.satisfaction_n;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "sla_counts_month_del"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sla_counts_month (month, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met, satisfaction_total, satisfaction_n)
  SELECT date_trunc('month', d.day)::date, d.kind, d.priority, d.vip, d.team, d.channel, sum(d.received * d.sign), sum(d.resolved * d.sign), sum(d.met * d.sign), sum(d.breached * d.sign), sum(d.no_target * d.sign), sum(d.resolved_with_target * d.sign), sum(d.resolved_met * d.sign), sum(d.satisfaction_total * d.sign), sum(d.satisfaction_n * d.sign)
  FROM (SELECT day, kind, priority, vip, team, channel, received, resolved, met, breached, no_target, resolved_with_target, resolved_met, satisfaction_total, satisfaction_n, -1 AS sign FROM old_rows) d
  GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ON CONSTRAINT sla_counts_month_key DO UPDATE SET received = sla_counts_month.received + excluded.received, resolved = sla_counts_month.resolved + excluded.resolved, met = sla_counts_month.met + excluded.met, breached = sla_counts_month.breached + excluded.breached, no_target = sla_counts_month.no_target + excluded.no_target, resolved_with_target = sla_counts_month.resolved_with_target + excluded.resolved_with_target, resolved_met = sla_counts_month.resolved_met + excluded.resolved_met, satisfaction_total = sla_counts_month.satisfaction_total + excluded.satisfaction_total, satisfaction_n = sla_counts_month.satisfaction_n + excluded.satisfaction_n;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The score as the tickets hold it, then its sums on each judged resolution day (the rows exist:
-- every resolution is counted there already); the update trigger carries them to the months.
UPDATE "ticket_sla" s SET "satisfaction" = t."satisfaction" FROM "tickets" t WHERE t."id" = s."ticket_id" AND t."satisfaction" IS NOT NULL;
--> statement-breakpoint
UPDATE "sla_counts" c SET "satisfaction_total" = x.total, "satisfaction_n" = x.n
FROM (
  SELECT resolved_day AS day, kind, priority, vip, team, channel, sum(satisfaction)::int AS total, count(*)::int AS n
  FROM "ticket_sla" WHERE resolved_day IS NOT NULL AND satisfaction IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6
) x
WHERE c.day = x.day AND c.kind = x.kind AND c.priority = x.priority AND c.vip = x.vip AND c.team IS NOT DISTINCT FROM x.team AND c.channel IS NOT DISTINCT FROM x.channel;
