/**
 * Set-based seed of a large desk for bench:serve (issue 12): tickets over 12 months with status
 * histories, and call visits over the last 30 days, written by generate_series in PostgreSQL
 * (not row by row). Deterministic: every value is a function of the row number.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

export const TEAMS = 25;
export const QUEUES = 8;

/** Tickets opened evenly over the 365 days before `end`; about 3% still open (and those whose resolution would be after `end`), a quarter with a pause and a resolution in their history. */
export async function seedTickets(db: Db, n: number, end: Date): Promise<void> {
  const endIso = end.toISOString();
  await db.execute(sql`
    insert into tickets (id, source, external_id, kind, priority, vip, team, channel, status, opened_at, first_response_at, resolved_at, closed_at, updated_at)
    select g, 'generic', 'T' || g,
      case when g % 3 = 0 then 'service_request' else 'incident' end,
      (array['critical','high','normal','normal','low'])[1 + (g * 7) % 5],
      g % 11 = 0,
      'Team ' || lpad((g % ${TEAMS})::text, 2, '0'),
      (array['phone','email','portal'])[1 + g % 3],
      case when o.resolved is null then 'In Progress' else 'Resolved' end,
      o.opened,
      o.opened + make_interval(mins => (5 + (g * 31) % 120)::int),
      o.resolved,
      null, now()
    from generate_series(1, ${n}::bigint) g
    cross join lateral (select ${endIso}::timestamptz - interval '365 days' + (g::float8 / ${n}) * interval '365 days' - make_interval(mins => ((g * 17) % 300)::int) as opened) p
    -- Nothing dated after the clock: a resolution still ahead leaves the ticket open.
    cross join lateral (select p.opened, case when (g * 13) % 100 >= 3 and p.opened + make_interval(mins => (10 + (g * 97) % 4000)::int) <= ${endIso}::timestamptz
      then p.opened + make_interval(mins => (10 + (g * 97) % 4000)::int) end as resolved) o`);
  await db.execute(sql`select setval(pg_get_serial_sequence('tickets', 'id'), ${n})`);
  // A quarter of the tickets: in progress 15 min after opening, awaiting the user an hour on, then resolved.
  await db.execute(sql`
    insert into ticket_history (source, external_id, at, field, value)
    select 'generic', t.external_id, x.at, 'status', x.value
    from tickets t
    cross join lateral (values (t.opened_at + interval '15 minutes', 'In Progress'), (t.opened_at + interval '75 minutes', 'Awaiting User'), (t.opened_at + interval '135 minutes', 'In Progress')) x(at, value)
    where t.id % 4 = 0`);
  // As the history ingest does: the tickets given history are marked (the no-history day counts read the mark).
  await db.execute(sql`update tickets t set has_history = true where exists (select 1 from ticket_history h where h.source = t.source and h.external_id = t.external_id)`);
}

/** Call visits evenly over the 30 days before `end` (a fifth of a percent of the last hour still waiting), and the queue names. */
export async function seedVisits(db: Db, n: number, end: Date): Promise<void> {
  const endIso = end.toISOString();
  await db.execute(sql`
    insert into call_visits (source, call_id, queue, arrived_at, channel, answered_at, ended_at, outcome, wait_seconds, talk_seconds, hold_seconds, wrap_seconds, agent, transferred)
    select 'bench', 'C' || g, 'Queue ' || (g % ${QUEUES}), a.at, 'voice',
      case when w.waiting or g % 10 = 0 then null else a.at + make_interval(secs => (g * 7) % 90) end,
      case when w.waiting then null else a.at + make_interval(secs => (g * 7) % 90 + 60 + (g * 13) % 600) end,
      case when w.waiting then 'waiting' when g % 10 = 0 then 'abandoned' else 'answered' end,
      (g * 7) % 90, case when w.waiting or g % 10 = 0 then null else 60 + (g * 13) % 600 end, 0, 30,
      case when w.waiting or g % 10 = 0 then null else 'agent' || (g % 60) end, false
    from generate_series(1, ${n}::bigint) g
    cross join lateral (select ${endIso}::timestamptz - interval '30 days' + (g::float8 / ${n}) * interval '30 days' as at) a
    cross join lateral (select a.at > ${endIso}::timestamptz - interval '1 hour' and g % 500 = 0 as waiting) w`);
  await db.execute(sql`insert into call_queue_names (kind, name) select 'queue', 'Queue ' || q from generate_series(0, ${QUEUES - 1}) q on conflict do nothing`);
}
