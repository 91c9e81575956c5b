import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { slaComputeState, ticketSla, type NewTicketSla } from '../../db/schema.ts';
import { copyInto, csvCell, csvLines, relaxCommit, withStaging } from './bulk.ts';

/** The stored count columns, in the order the API names its measures. */
export const countColumns = {
  received: 'received',
  resolved: 'resolved',
  met: 'met',
  breached: 'breached',
  noTarget: 'no_target',
  resolvedWithTarget: 'resolved_with_target',
  resolvedMet: 'resolved_met',
  satisfactionTotal: 'satisfaction_total',
  satisfactionN: 'satisfaction_n',
} as const;
const keyColumns = ['day', 'kind', 'priority', 'vip', 'team', 'channel'] as const;
const cols = Object.values(countColumns);

/** postgres.js returns the rows as the result; PGlite as `.rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * What each `ticket_sla` row (filtered by `where`) adds to the counts, summed per day and slice
 * (METRICS.md §2 "Attainment"): received and no-target on its opening day, met or breached on its
 * outcome day, resolved (with a target, met) and its satisfaction score (sum, answered) on its
 * judged resolution day. The same predicates as
 * `measureOf` in sla-queries.ts, so every count equals its drill-down's total.
 */
export function contributionsOf(where: SQL, from: SQL = sql`ticket_sla`): SQL {
  return sql`
    select c.day, c.kind, c.priority, c.vip, c.team, c.channel,
      ${sql.raw(cols.map((k) => `sum(c.${k})::int as ${k}`).join(', '))}
    from (
      select opened_day as day, kind, priority, vip, team, channel, 1 as received, 0 as resolved, 0 as met, 0 as breached,
        (outcome = 'no_target')::int as no_target, 0 as resolved_with_target, 0 as resolved_met, 0 as satisfaction_total, 0 as satisfaction_n
        from ${from} where ${where}
      union all
      select resolved_day, kind, priority, vip, team, channel, 0, 1, 0, 0, 0, (outcome <> 'no_target')::int, (outcome = 'met')::int,
          coalesce(satisfaction, 0), (satisfaction is not null)::int
        from ${from} where resolved_day is not null and ${where}
      union all
      select outcome_day, kind, priority, vip, team, channel, 0, 0, (outcome = 'met')::int, (outcome = 'breached')::int, 0, 0, 0, 0, 0
        from ${from} where outcome_day is not null and outcome in ('met', 'breached') and ${where}
    ) c
    group by c.day, c.kind, c.priority, c.vip, c.team, c.channel`;
}

/** An id list inlined as a bigint[] literal (integers only): one parameter-free array however long. */
export function idArray(ids: readonly number[]): SQL {
  for (const id of ids) if (!Number.isSafeInteger(id)) throw new Error(`ticket id ${id} is not an integer`);
  return sql.raw(`'{${ids.join(',')}}'::bigint[]`);
}

/** ticket_sla's columns: TS key → SQL name. */
export const slaColumns = Object.entries(ticketSla)
  .filter(([, c]) => typeof c === 'object' && c !== null && 'name' in (c as object) && 'columnType' in (c as object))
  .map(([key, c]) => [key, (c as { name: string }).name] as const);
const slaColumnNames = slaColumns.map(([, n]) => n);
const slaColumnList = slaColumnNames.join(', ');
const slaUpdateSet = slaColumns.filter(([k]) => k !== 'ticketId').map(([, n]) => `${n} = excluded.${n}`).join(', ');

/** One state as a COPY line: instants as ISO text, days and text as they are. */
function csvLine(r: NewTicketSla): string {
  const cells: string[] = [];
  for (const [k] of slaColumns) {
    const v = (r as Record<string, unknown>)[k];
    cells.push(v instanceof Date ? v.toISOString() : csvCell(v as string | number | boolean | null | undefined));
  }
  return cells.join(',');
}

/**
 * The counts move of a staged batch, one statement: the stored states of its tickets are locked
 * (in id order, so two computes queue rather than deadlock) and their contributions taken back,
 * the staged states' contributions added, summed per day and slice; slices whose sum is zero are
 * not touched.
 */
const moveCounts = sql`
  with old as materialized (
    select * from ticket_sla where ticket_id in (select ticket_id from sla_stage) order by ticket_id for update
  )
  insert into sla_counts (${sql.raw(keyColumns.join(', '))}, ${sql.raw(cols.join(', '))})
  select ${sql.raw(keyColumns.join(', '))}, ${sql.raw(cols.map((k) => `sum(${k})::int`).join(', '))}
  from (
    select * from (${contributionsOf(sql`true`, sql`sla_stage`)}) n
    union all
    select ${sql.raw(keyColumns.join(', '))}, ${sql.raw(cols.map((k) => `-${k}`).join(', '))} from (${contributionsOf(sql`true`, sql`old`)}) o
  ) d
  group by ${sql.raw(keyColumns.join(', '))}
  having ${sql.raw(cols.map((k) => `sum(${k}) <> 0`).join(' or '))}
  on conflict on constraint sla_counts_key do update set ${sql.raw(cols.map((k) => `${k} = sla_counts.${k} + excluded.${k}`).join(', '))}`;

// Any fixed number, apart from the ticket-id lock's (bulk-tickets.ts): serialises state batches.
const SLA_STATES_LOCK = 7_410_263_002;

/**
 * Writes per-ticket states and moves the stored counts with them, one transaction a batch, by
 * the bulk path (src/store/bulk.ts): the batch is COPYed into a staging table, the counts moved
 * from the old states to the staged ones in one statement, and the states upserted from the
 * staging table in another. A crash leaves both as they were.
 */
export async function saveSlaStates(db: Db, rows: readonly NewTicketSla[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 10_000) {
    const chunk = rows.slice(i, i + 10_000);
    await db.transaction((tx) => writeSlaBatch(tx as unknown as Db, chunk));
  }
}

/**
 * One batch of `saveSlaStates` inside the caller's transaction. Two computes can write the same
 * tickets at once (the scheduled job and an upload's own compute). Row locks order them only
 * where a state already exists: for a ticket new to both, each would read "no old state", add
 * its contribution, and the second upsert would then overwrite the first's row, leaving the
 * ticket counted twice. So a batch first takes a transaction-level advisory lock; the counts
 * statement, a later statement under READ COMMITTED, then sees whatever the batch before it
 * committed and moves the counts from that.
 */
export async function writeSlaBatch(tx: Db, chunk: readonly NewTicketSla[]): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${SLA_STATES_LOCK}::bigint)`);
  await withStaging(tx, 'sla_stage', 'like ticket_sla', async (tx) => {
    // Safe without the flush wait: the compute state written after the run waits for it, and a lost batch is found stale again.
    await relaxCommit(tx);
    await copyInto(tx, 'sla_stage', slaColumnNames, csvLines(chunk.map((r) => [csvLine(r)])), () =>
      chunk.map((r) => Object.fromEntries(slaColumns.map(([k, n]) => [n, (r as Record<string, unknown>)[k] ?? null]))),
    );
    await tx.execute(moveCounts);
    await tx.execute(sql`
      insert into ticket_sla (${sql.raw(slaColumnList)}) select ${sql.raw(slaColumnList)} from sla_stage
      on conflict (ticket_id) do update set ${sql.raw(slaUpdateSet)}`);
  });
}

export type CountsDifference = Record<(typeof keyColumns)[number], string | boolean | null> & { stored: Record<string, number>; recounted: Record<string, number> };

/**
 * Every day and slice where the stored counts differ from a recount of `ticket_sla` (all-zero
 * stored rows are the same as no row), then every month (`day` as YYYY-MM) whose roll-up differs
 * from the sum of its days. Empty when the counts are right.
 */
export async function countsDifferences(db: Db, limit = 1000): Promise<CountsDifference[]> {
  // A union grouped by the key, not a full join: GROUP BY matches null teams with each other.
  const keys = keyColumns.join(', ');
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${sql.raw(keys)}, ${sql.raw(cols.map((k) => `sum(s_${k}) as s_${k}, sum(r_${k}) as r_${k}`).join(', '))}
      from (
        select ${sql.raw(keys)}, ${sql.raw(cols.map((k) => `${k} as s_${k}, 0 as r_${k}`).join(', '))} from sla_counts
        union all
        select ${sql.raw(keys)}, ${sql.raw(cols.map((k) => `0, ${k}`).join(', '))} from (${contributionsOf(sql`true`)}) r
      ) x
      group by ${sql.raw(keys)}
      having ${sql.raw(cols.map((k) => `sum(s_${k}) <> sum(r_${k})`).join(' or '))}
      order by ${sql.raw(keys)}
      limit ${limit}`),
  );
  return [...rows, ...(await monthDifferences(db, limit))].map((r) => ({
    day: r.month === undefined ? String(r.day).slice(0, 10) : String(r.month).slice(0, 7),
    kind: r.kind as string,
    priority: r.priority as string,
    vip: r.vip as boolean,
    team: (r.team as string | null) ?? null,
    channel: (r.channel as string | null) ?? null,
    stored: Object.fromEntries(cols.map((k) => [k, Number(r[`s_${k}`])])),
    recounted: Object.fromEntries(cols.map((k) => [k, Number(r[`r_${k}`])])),
  }));
}

/** Month roll-up rows (sla_counts_month) that differ from the sum of their days' counts: `month` set. */
async function monthDifferences(db: Db, limit: number): Promise<Record<string, unknown>[]> {
  const keys = keyColumns.filter((k) => k !== 'day').join(', ');
  return rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select to_char(month, 'YYYY-MM') as month, ${sql.raw(keys)}, ${sql.raw(cols.map((k) => `sum(s_${k}) as s_${k}, sum(r_${k}) as r_${k}`).join(', '))}
      from (
        select month, ${sql.raw(keys)}, ${sql.raw(cols.map((k) => `${k} as s_${k}, 0 as r_${k}`).join(', '))} from sla_counts_month
        union all
        select date_trunc('month', day)::date, ${sql.raw(keys)}, ${sql.raw(cols.map((k) => `0, ${k}`).join(', '))} from sla_counts
      ) x
      group by month, ${sql.raw(keys)}
      having ${sql.raw(cols.map((k) => `sum(s_${k}) <> sum(r_${k})`).join(' or '))}
      order by month, ${sql.raw(keys)}
      limit ${limit}`),
  );
}

/** Where the incremental compute stands (null before its first full pass). */
export async function computeState(db: Db) {
  const [row] = await db.select().from(slaComputeState).limit(1);
  return row ?? null;
}

export async function saveComputeState(db: Db, ticketsSince: Date, policyStamps: string[]): Promise<void> {
  await db
    .insert(slaComputeState)
    .values({ id: 1, ticketsSince, policyStamps })
    .onConflictDoUpdate({ target: slaComputeState.id, set: { ticketsSince, policyStamps } });
}

/**
 * The instant from which a ticket change may still be invisible to this compute: the start of the
 * oldest transaction still running (its rows carry `updated_at = now()` of that start), or now.
 */
export async function changeHorizon(db: Db): Promise<Date> {
  const [row] = rowsOf<{ at: Date | string }>(
    await db.execute(sql`
      select least(now(), (select min(xact_start) from pg_stat_activity where datname = current_database() and xact_start is not null)) as at`),
  );
  return new Date(row!.at);
}
