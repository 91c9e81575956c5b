CREATE TABLE "ticket_no_history_days" (
	"zone" text NOT NULL,
	"source" text NOT NULL,
	"day" date NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "ticket_no_history_days_key" PRIMARY KEY("zone","day","source")
);
--> statement-breakpoint
CREATE TABLE "ticket_no_history_zones" (
	"zone" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_open_counts" (
	"team" text,
	"kind" text,
	"outcome" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "sla_open_counts_key" UNIQUE NULLS NOT DISTINCT("team","kind","outcome")
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "has_history" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "ticket_sla_running_due" ON "ticket_sla" USING btree ("due_at","team") WHERE resolved_at is null and outcome = 'in_progress';--> statement-breakpoint
-- Tickets whose history is already stored. No zone is counted yet: a zone's counts are built when a flag first asks for it.
UPDATE "tickets" t SET "has_history" = true WHERE EXISTS (SELECT 1 FROM "ticket_history" h WHERE h.source = t.source AND h.external_id = t.external_id);
--> statement-breakpoint
-- The no-history day counts follow every statement on tickets, for every counted zone (transition tables: one upsert per statement, not per row).
-- An inserted ticket is counted when it has no history; one whose history came first is then marked, and the update trigger takes it back out.
CREATE FUNCTION "ticket_no_history_ins"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ticket_no_history_days (zone, source, day, n)
  SELECT z.zone, r.source, (r.opened_at AT TIME ZONE z.zone)::date, count(*)
  FROM new_rows r CROSS JOIN ticket_no_history_zones z WHERE NOT r.has_history
  GROUP BY 1, 2, 3
  ON CONFLICT ON CONSTRAINT ticket_no_history_days_key DO UPDATE SET n = ticket_no_history_days.n + excluded.n;
  UPDATE tickets t SET has_history = true
  FROM new_rows r
  WHERE t.id = r.id AND NOT r.has_history AND EXISTS (SELECT 1 FROM ticket_history h WHERE h.source = r.source AND h.external_id = r.external_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
-- History arriving, a changed opening time or source: take the old row out of its day, put the new one in (only rows without history count).
CREATE FUNCTION "ticket_no_history_upd"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ticket_no_history_zones) THEN RETURN NULL; END IF;
  INSERT INTO ticket_no_history_days (zone, source, day, n)
  SELECT z.zone, d.source, (d.opened_at AT TIME ZONE z.zone)::date, sum(d.sign)
  FROM (
    SELECT o.source, o.opened_at, -1 AS sign FROM old_rows o JOIN new_rows r ON r.id = o.id
    WHERE NOT o.has_history AND (r.has_history, r.source, r.opened_at) IS DISTINCT FROM (o.has_history, o.source, o.opened_at)
    UNION ALL
    SELECT r.source, r.opened_at, 1 AS sign FROM old_rows o JOIN new_rows r ON r.id = o.id
    WHERE NOT r.has_history AND (r.has_history, r.source, r.opened_at) IS DISTINCT FROM (o.has_history, o.source, o.opened_at)
  ) d CROSS JOIN ticket_no_history_zones z
  GROUP BY 1, 2, 3 HAVING sum(d.sign) <> 0
  ON CONFLICT ON CONSTRAINT ticket_no_history_days_key DO UPDATE SET n = ticket_no_history_days.n + excluded.n;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "ticket_no_history_del"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ticket_no_history_days (zone, source, day, n)
  SELECT z.zone, o.source, (o.opened_at AT TIME ZONE z.zone)::date, -count(*)
  FROM old_rows o CROSS JOIN ticket_no_history_zones z WHERE NOT o.has_history
  GROUP BY 1, 2, 3
  ON CONFLICT ON CONSTRAINT ticket_no_history_days_key DO UPDATE SET n = ticket_no_history_days.n + excluded.n;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER ticket_no_history_ins AFTER INSERT ON tickets REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "ticket_no_history_ins"();
--> statement-breakpoint
CREATE TRIGGER ticket_no_history_upd AFTER UPDATE ON tickets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "ticket_no_history_upd"();
--> statement-breakpoint
CREATE TRIGGER ticket_no_history_del AFTER DELETE ON tickets REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "ticket_no_history_del"();
--> statement-breakpoint
-- Open-state counts follow every statement on ticket_sla (an upsert fires the insert and the update triggers, each with its own rows).
CREATE FUNCTION "sla_open_counts_move"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO sla_open_counts (team, kind, outcome, n)
    SELECT team, kind, outcome, count(*) FROM new_rows WHERE resolved_at IS NULL GROUP BY 1, 2, 3
    ON CONFLICT ON CONSTRAINT sla_open_counts_key DO UPDATE SET n = sla_open_counts.n + excluded.n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO sla_open_counts (team, kind, outcome, n)
    SELECT team, kind, outcome, sum(sign) FROM (
      SELECT team, kind, outcome, 1 AS sign FROM new_rows WHERE resolved_at IS NULL
      UNION ALL SELECT team, kind, outcome, -1 AS sign FROM old_rows WHERE resolved_at IS NULL) d
    GROUP BY 1, 2, 3 HAVING sum(sign) <> 0
    ON CONFLICT ON CONSTRAINT sla_open_counts_key DO UPDATE SET n = sla_open_counts.n + excluded.n;
  ELSE
    INSERT INTO sla_open_counts (team, kind, outcome, n)
    SELECT team, kind, outcome, -count(*) FROM old_rows WHERE resolved_at IS NULL GROUP BY 1, 2, 3
    ON CONFLICT ON CONSTRAINT sla_open_counts_key DO UPDATE SET n = sla_open_counts.n + excluded.n;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sla_open_counts_ins AFTER INSERT ON ticket_sla REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sla_open_counts_move"();
--> statement-breakpoint
CREATE TRIGGER sla_open_counts_upd AFTER UPDATE ON ticket_sla REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sla_open_counts_move"();
--> statement-breakpoint
CREATE TRIGGER sla_open_counts_del AFTER DELETE ON ticket_sla REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "sla_open_counts_move"();
--> statement-breakpoint
INSERT INTO sla_open_counts (team, kind, outcome, n) SELECT team, kind, outcome, count(*) FROM ticket_sla WHERE resolved_at IS NULL GROUP BY 1, 2, 3;
