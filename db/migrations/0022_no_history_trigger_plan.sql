-- The insert trigger's marking of tickets whose history came first, written so that its plan cannot
-- hash the whole of ticket_history or tickets. As a semi join (0018) the planner, which reads half
-- of the inserted rows as "not has_history", used the (source, external_id) index at 20,000 rows
-- but hashed all of ticket_history at 50,000 (3M tickets, 2.25M history rows: 5.6 s a statement,
-- against 0.2 s by index); and plpgsql keeps a statement's plan for the session, so one large
-- statement could decide it for every batch after. Now each inserted row probes the index once
-- (a LATERAL … LIMIT 1 is never turned into a join), and the few ids found reach tickets through
-- its primary key (= ANY of an array: no row estimate for the join to scale with the batch).
-- Same rows marked as before.
CREATE OR REPLACE FUNCTION "ticket_no_history_ins"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ticket_no_history_days (zone, source, day, n)
  SELECT z.zone, r.source, (r.opened_at AT TIME ZONE z.zone)::date, count(*)
  FROM new_rows r CROSS JOIN ticket_no_history_zones z WHERE NOT r.has_history
  GROUP BY 1, 2, 3
  ON CONFLICT ON CONSTRAINT ticket_no_history_days_key DO UPDATE SET n = ticket_no_history_days.n + excluded.n;
  UPDATE tickets t SET has_history = true
  WHERE t.id = ANY (ARRAY(
    SELECT r.id FROM new_rows r
    CROSS JOIN LATERAL (SELECT 1 FROM ticket_history h WHERE h.source = r.source AND h.external_id = r.external_id LIMIT 1) h
    WHERE NOT r.has_history));
  RETURN NULL;
END $$;
