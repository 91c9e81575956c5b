CREATE TABLE "sla_not_actioned_months" (
	"zone" text NOT NULL,
	"month" date NOT NULL,
	"team" text,
	"n" integer NOT NULL,
	CONSTRAINT "sla_not_actioned_months_key" UNIQUE NULLS NOT DISTINCT("zone","month","team")
);
--> statement-breakpoint
CREATE TABLE "sla_not_actioned_zones" (
	"zone" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ticket_sla" ADD COLUMN "first_response_at" timestamp with time zone;--> statement-breakpoint
-- The first response as the states were evaluated: what the compute copies from now on.
UPDATE "ticket_sla" s SET "first_response_at" = t."first_response_at" FROM "tickets" t WHERE t."id" = s."ticket_id" AND t."first_response_at" IS NOT NULL;
--> statement-breakpoint
-- The local month (first day) from which a state no longer counts as not actioned at a month's end: the
-- month of its judged resolution or of its first response in `zone`, the earlier; null while it has neither.
-- One home for the rule: the triggers below and src/store/not-actioned.ts (building a zone, verify) call it.
CREATE FUNCTION "sla_not_actioned_until"(resolved_day date, first_response_at timestamptz, zone text) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT least(date_trunc('month', resolved_day::timestamp), date_trunc('month', first_response_at AT TIME ZONE zone))::date
$$;
--> statement-breakpoint
-- Month-end not-actioned changes follow every statement on ticket_sla, for every counted zone (an upsert fires
-- the insert and the update triggers, each with its own rows): a state adds 1 to its team in its opening month
-- and takes it back in its `until` month, when that is later (otherwise it never counts at a month's end).
CREATE FUNCTION "sla_not_actioned_move"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM sla_not_actioned_zones) THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO sla_not_actioned_months (zone, month, team, n)
    SELECT z.zone, c.month, r.team, sum(c.n)::int
    FROM new_rows r CROSS JOIN sla_not_actioned_zones z
    CROSS JOIN LATERAL (SELECT date_trunc('month', r.opened_day::timestamp)::date AS opened, sla_not_actioned_until(r.resolved_day, r.first_response_at, z.zone) AS until) m
    CROSS JOIN LATERAL (VALUES (m.opened, 1), (m.until, -1)) c(month, n)
    WHERE c.month IS NOT NULL AND (m.until IS NULL OR m.until > m.opened)
    GROUP BY 1, 2, 3 HAVING sum(c.n) <> 0
    ON CONFLICT ON CONSTRAINT sla_not_actioned_months_key DO UPDATE SET n = sla_not_actioned_months.n + excluded.n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO sla_not_actioned_months (zone, month, team, n)
    SELECT z.zone, c.month, r.team, sum(c.n * r.sign)::int
    FROM (
      SELECT team, opened_day, resolved_day, first_response_at, 1 AS sign FROM new_rows
      UNION ALL SELECT team, opened_day, resolved_day, first_response_at, -1 AS sign FROM old_rows) r
    CROSS JOIN sla_not_actioned_zones z
    CROSS JOIN LATERAL (SELECT date_trunc('month', r.opened_day::timestamp)::date AS opened, sla_not_actioned_until(r.resolved_day, r.first_response_at, z.zone) AS until) m
    CROSS JOIN LATERAL (VALUES (m.opened, 1), (m.until, -1)) c(month, n)
    WHERE c.month IS NOT NULL AND (m.until IS NULL OR m.until > m.opened)
    GROUP BY 1, 2, 3 HAVING sum(c.n * r.sign) <> 0
    ON CONFLICT ON CONSTRAINT sla_not_actioned_months_key DO UPDATE SET n = sla_not_actioned_months.n + excluded.n;
  ELSE
    INSERT INTO sla_not_actioned_months (zone, month, team, n)
    SELECT z.zone, c.month, r.team, -sum(c.n)::int
    FROM old_rows r CROSS JOIN sla_not_actioned_zones z
    CROSS JOIN LATERAL (SELECT date_trunc('month', r.opened_day::timestamp)::date AS opened, sla_not_actioned_until(r.resolved_day, r.first_response_at, z.zone) AS until) m
    CROSS JOIN LATERAL (VALUES (m.opened, 1), (m.until, -1)) c(month, n)
    WHERE c.month IS NOT NULL AND (m.until IS NULL OR m.until > m.opened)
    GROUP BY 1, 2, 3 HAVING sum(c.n) <> 0
    ON CONFLICT ON CONSTRAINT sla_not_actioned_months_key DO UPDATE SET n = sla_not_actioned_months.n + excluded.n;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sla_not_actioned_ins AFTER INSERT ON ticket_sla REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sla_not_actioned_move"();
--> statement-breakpoint
CREATE TRIGGER sla_not_actioned_upd AFTER UPDATE ON ticket_sla REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sla_not_actioned_move"();
--> statement-breakpoint
CREATE TRIGGER sla_not_actioned_del AFTER DELETE ON ticket_sla REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "sla_not_actioned_move"();
