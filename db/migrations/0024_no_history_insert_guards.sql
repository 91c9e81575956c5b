-- The insert trigger on tickets (0018, 0022) again, cheaper where its work cannot change anything
-- (docs/bulk-ingest.md, "Fifth pass"):
-- * The marking of tickets whose history came first is planned for each statement (EXECUTE), not
--   once a session. plpgsql kept the plan made at a session's first statement: on a fresh database,
--   where the first batch of a load meets an empty tickets table, that plan read all of tickets for
--   `id = ANY (…)` on every later batch (bench:ingest, 1,000,000 rows: 65 scans of tickets, 26M
--   rows read; 43 s against 25 s without them). The same for the range check and ticket_history.
-- * The history lookup of each inserted row (a LATERAL index probe per row) runs only when some
--   source of the statement has history between its least and greatest inserted key, in the
--   column's collation: one range probe of ticket_history's key per source instead of one a row.
--   Tickets loaded before their history (the usual order, and any load of new tickets on a desk
--   whose history is of older ones) meet none in their range; a key with history lies in its own
--   statement's range, so the same tickets are marked as before.
-- * The day counts are upserted only when some zone is counted (the update trigger already
--   checks); with none, the cross join read every inserted row to produce no row.
-- Per 20,000-row COPY (psql, batches alternated, empty or 1,000,000-row ticket_history): ~70–130 ms
-- of trigger → ~0–45 ms, besides the scans above.
CREATE OR REPLACE FUNCTION "ticket_no_history_ins"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  history_in_range boolean;
BEGIN
  IF EXISTS (SELECT 1 FROM ticket_no_history_zones) THEN
    INSERT INTO ticket_no_history_days (zone, source, day, n)
    SELECT z.zone, r.source, (r.opened_at AT TIME ZONE z.zone)::date, count(*)
    FROM new_rows r CROSS JOIN ticket_no_history_zones z WHERE NOT r.has_history
    GROUP BY 1, 2, 3
    ON CONFLICT ON CONSTRAINT ticket_no_history_days_key DO UPDATE SET n = ticket_no_history_days.n + excluded.n;
  END IF;
  -- EXECUTE: planned for this statement, with the tables' sizes of now.
  EXECUTE 'SELECT EXISTS (
    SELECT 1 FROM (SELECT r.source, min(r.external_id) AS lo, max(r.external_id) AS hi FROM new_rows r WHERE NOT r.has_history GROUP BY r.source) b
    WHERE EXISTS (SELECT 1 FROM ticket_history h WHERE h.source = b.source AND h.external_id BETWEEN b.lo AND b.hi))'
  INTO history_in_range;
  IF history_in_range THEN
    EXECUTE 'UPDATE tickets t SET has_history = true
    WHERE t.id = ANY (ARRAY(
      SELECT r.id FROM new_rows r
      CROSS JOIN LATERAL (SELECT 1 FROM ticket_history h WHERE h.source = r.source AND h.external_id = r.external_id LIMIT 1) h
      WHERE NOT r.has_history))';
  END IF;
  RETURN NULL;
END $$;
