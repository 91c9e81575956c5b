/**
 * "Assigned, still to be actioned" at a month's end from stored counts (issue 12, docs/sla-counts.md
 * "Fourth pass"): `sla_not_actioned_months` holds, per zone, local month and team, the states that
 * start counting (opened) less those that stop (resolved or first responded to), kept by statement
 * triggers on `ticket_sla` (migration 0023); the figure at a month's end is the sum of the rows up to
 * that month. Months × teams rows instead of a join of every state open at the month's end with its ticket.
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { slaNotActionedMonths, slaNotActionedZones, ticketSla } from '../../db/schema.ts';
import { NONE } from './sla-queries.ts';
import { rowsOf } from './sla-counts.ts';

/**
 * What the states of `from` add per zone of `zones`, local month and team: +1 in the opening month,
 * -1 in the month it stops counting (`sla_not_actioned_until`, migration 0023, the rule's one home,
 * which the triggers use too), when that is later. The same rows the triggers add.
 */
function contributions(from: SQL, zones: SQL): SQL {
  return sql`
    select z.zone, c.month, r.team, sum(c.n)::int as n
    from ${from} r cross join ${zones} z
    cross join lateral (select date_trunc('month', r.opened_day::timestamp)::date as opened, sla_not_actioned_until(r.resolved_day, r.first_response_at, z.zone) as until) m
    cross join lateral (values (m.opened, 1), (m.until, -1)) c(month, n)
    where c.month is not null and (m.until is null or m.until > m.opened)
    group by 1, 2, 3 having sum(c.n) <> 0`;
}

/** Zones known to be counted, per database: a counted zone stays counted, so a request need not ask again. */
const countedZones = new WeakMap<Db, Set<string>>();

async function isZoneCounted(db: Db, zone: string): Promise<boolean> {
  const seen = countedZones.get(db) ?? new Set<string>();
  countedZones.set(db, seen);
  if (seen.has(zone)) return true;
  const known = await db.select({ zone: slaNotActionedZones.zone }).from(slaNotActionedZones).where(eq(slaNotActionedZones.zone, zone));
  if (known.length > 0) seen.add(zone);
  return known.length > 0;
}

/**
 * Builds the not-actioned counts of `zone` once (the triggers keep them from then on). Called by
 * the SLA compute, never by a read: a GET writes nothing (the response cache relies on it,
 * docs/response-cache.md), and the first report does not wait the count (about 5 s at 3,000,000
 * states). The share lock waits for state writes in flight and holds new ones off until the counts
 * are complete, so no write falls between the count and the triggers.
 */
export async function countNotActionedZone(db: Db, zone: string): Promise<void> {
  if (await isZoneCounted(db, zone)) return;
  await db.transaction(async (tx) => {
    await tx.execute(sql`lock table ${ticketSla} in share mode`);
    const added = await tx.insert(slaNotActionedZones).values({ zone }).onConflictDoNothing().returning();
    if (added.length === 0) return; // another compute counted it meanwhile
    await tx.execute(sql`
      insert into ${slaNotActionedMonths} (zone, month, team, n)
      ${contributions(sql`ticket_sla`, sql`(select ${zone}::text as zone)`)}`);
  });
  countedZones.get(db)!.add(zone);
}

/**
 * Open at the end of `month`'s last day with no first response before the month's end, per team
 * (METRICS.md §2), for a month that is over: the same figure as `notActionedByTeamAt` (reports.ts)
 * with the month's end as the instant, as the SLA compute last saw the tickets (their team, opening,
 * judged resolution and first response, copied into `ticket_sla`), like the backlog beside it.
 * `undefined` while the zone is not counted yet (before the first SLA compute of this zone): the
 * caller counts from the states instead.
 */
export async function notActionedAtMonthEnd(db: Db, zone: string, month: string) {
  if (!(await isZoneCounted(db, zone))) return undefined;
  const rows = rowsOf<{ team: string; n: number | string }>(
    await db.execute(sql`
      select coalesce(team, ${NONE}) as team, sum(n)::int as n
      from ${slaNotActionedMonths}
      where zone = ${zone} and month <= ${`${month}-01`}::date
      group by 1
      having sum(n) <> 0`),
  );
  return rows.map((r) => ({ team: r.team, n: Number(r.n) }));
}

export type NotActionedDifference = { zone: string; month: string; team: string | null; stored: number; recounted: number };

/**
 * `attain verify`: every counted zone's month and team whose stored change differs from a recount
 * of `ticket_sla` (all-zero stored rows are the same as no row). Equal changes give equal figures
 * at every month's end. Empty when the counts are right.
 */
export async function notActionedDifferences(db: Db, limit = 1000): Promise<NotActionedDifference[]> {
  const rows = rowsOf<{ zone: string; month: string; team: string | null; stored: number | string; recounted: number | string }>(
    await db.execute(sql`
      select zone, to_char(month, 'YYYY-MM') as month, team, sum(s) as stored, sum(r) as recounted
      from (
        select zone, month, team, n as s, 0 as r from ${slaNotActionedMonths}
        union all
        select zone, month, team, 0, n from (${contributions(sql`ticket_sla`, sql`${slaNotActionedZones}`)}) x
      ) d
      group by zone, month, team
      having sum(s) <> sum(r)
      order by zone, month, team
      limit ${limit}`),
  );
  return rows.map((r) => ({ zone: r.zone, month: r.month, team: r.team ?? null, stored: Number(r.stored), recounted: Number(r.recounted) }));
}
