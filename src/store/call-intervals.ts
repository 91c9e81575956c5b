import { eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { callCountSettings } from '../../db/schema.ts';
import { callCountKeys, type CallCounts, type CountOptions } from '../calls/kpis.ts';
import { executePrepared } from './prepared.ts';

/**
 * The call figures' counts per queue and 15-minute interval (`call_interval_counts`, issue 12).
 * What one visit adds to each column is written once here, as SQL over a row `r` and the
 * thresholds `k` (`call_count_settings`): the recount (rebuild, `attain verify`) uses it, and the
 * triggers of migration 0019 were generated from it (`triggerSql` below); the randomised test
 * (test/integration/call-intervals.int.test.ts) checks that the two agree. Mirrors `addVisit`
 * (src/calls/kpis.ts, METRICS.md §3).
 */
export const INTERVAL_MS = 15 * 60_000;

const W = 'coalesce(r.wait_seconds, 0)';
const short = `(r.outcome = 'abandoned' and k.short_abandon_seconds > 0 and ${W} < k.short_abandon_seconds)`;
const counted = `(r.outcome <> 'waiting' and not ${short})`;
const abandoned = `(r.outcome = 'abandoned' and not ${short})`;
const handled = `(r.outcome = 'answered' and r.ended_at is not null and r.talk_seconds is not null)`;
const one = (cond: string) => `case when ${cond} then 1 else 0 end`;
const amount = (cond: string, v: string) => `case when ${cond} then ${v} else 0 end`;

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The thresholds as the relation `k` of every count statement. `LIMIT 1` (the table holds one
 * row by its check) tells the planner so: read bare, a table never analysed (autovacuum does not
 * analyse one row) is estimated at 2,200 rows, every statement cross-joined with it at 2,200
 * times its size, and past PostgreSQL's `jit_above_cost` each trigger statement was compiled by
 * JIT: about 4 s of CPU per statement, whatever its rows (BENCHMARKS.md, bench:calls).
 */
const settings = '(SELECT short_abandon_seconds, service_level_seconds FROM call_count_settings LIMIT 1) k';

/** Each CallCounts key: its column, what one visit adds, and whether it rolls up as a maximum. */
export const contributions: Record<keyof CallCounts, { expr: string; max?: true }> = {
  offered: { expr: '1' },
  answered: { expr: one(`r.outcome = 'answered'`) },
  abandoned: { expr: one(abandoned) },
  shortAbandoned: { expr: one(short) },
  timeout: { expr: one(`r.outcome = 'timeout'`) },
  exitKey: { expr: one(`r.outcome = 'exit_key'`) },
  noAgents: { expr: one(`r.outcome = 'no_agents'`) },
  waiting: { expr: one(`r.outcome = 'waiting'`) },
  transferred: { expr: one(`r.outcome = 'answered' and r.transferred`) },
  answeredWithinSl: { expr: one(`r.outcome = 'answered' and ${W} <= k.service_level_seconds`) },
  abandonedWithinSl: { expr: one(`${abandoned} and ${W} <= k.service_level_seconds`) },
  abandonedAfterSl: { expr: one(`${abandoned} and ${W} > k.service_level_seconds`) },
  waitSum: { expr: amount(counted, W) },
  waitCount: { expr: one(counted) },
  answeredWaitSum: { expr: amount(`r.outcome = 'answered'`, W) },
  maxAnswerWait: { expr: amount(`r.outcome = 'answered'`, W), max: true },
  maxWait: { expr: amount(counted, W), max: true },
  handled: { expr: one(handled) },
  handleSum: { expr: amount(handled, 'r.talk_seconds + coalesce(r.hold_seconds, 0) + coalesce(r.wrap_seconds, 0)') },
  talkSum: { expr: amount(handled, 'r.talk_seconds') },
  holdSum: { expr: amount(handled, 'coalesce(r.hold_seconds, 0)') },
  wrapSum: { expr: amount(handled, 'coalesce(r.wrap_seconds, 0)') },
  handledTalkOnly: { expr: one(`${handled} and r.hold_seconds is null and r.wrap_seconds is null`) },
};

const columns = callCountKeys.map(snake);
const sumKeys = callCountKeys.filter((k) => !contributions[k].max);
const maxKeys = callCountKeys.filter((k) => contributions[k].max);
const bucket = (t: string) => `date_bin('15 minutes', ${t}.arrived_at, timestamptz 'epoch')`;

/** A recount of call_visits rows matching `where` (over `r`), per interval and queue (also the migration's backfill). */
export function recountSql(where: string): string {
  const aggs = callCountKeys.map((k) => `${contributions[k].max ? 'max' : 'sum'}(${contributions[k].expr}) as ${snake(k)}`);
  return `select ${bucket('r')} as interval_start, r.queue, ${aggs.join(', ')}
    from call_visits r cross join ${settings} where ${where} group by 1, 2`;
}

/**
 * The trigger functions' SQL (migration 0019), from the definitions above. Insert: add the new
 * rows. Update and delete: add the new rows, take back the old ones; a maximum cannot be taken
 * back, so an interval that lost a row holding its maximum has its maxima recounted from
 * call_visits (LATERAL: one index range of 15 minutes per such interval, never a join the planner
 * could turn into a scan of the table); intervals left without a visit are deleted.
 */
export function triggerSql(op: 'ins' | 'upd' | 'del'): string {
  const fields = 'queue, arrived_at, outcome, wait_seconds, talk_seconds, hold_seconds, wrap_seconds, ended_at, transferred';
  const source =
    op === 'ins' ? `select ${fields}, 1 as sign from new_rows`
    : op === 'upd' ? `select ${fields}, 1 as sign from new_rows union all select ${fields}, -1 from old_rows`
    : `select ${fields}, -1 as sign from old_rows`;
  const aggs = callCountKeys.map((k) =>
    contributions[k].max ? `coalesce(max(case when r.sign = 1 then ${contributions[k].expr} end), 0)` : `sum(r.sign * (${contributions[k].expr}))`,
  );
  const sets = [
    ...sumKeys.map((k) => `${snake(k)} = c.${snake(k)} + excluded.${snake(k)}`),
    ...maxKeys.map((k) => `${snake(k)} = greatest(c.${snake(k)}, excluded.${snake(k)})`),
  ];
  const upsert = `INSERT INTO call_interval_counts AS c (interval_start, queue, ${columns.join(', ')})
  SELECT ${bucket('r')}, r.queue, ${aggs.join(', ')}
  FROM (${source}) r CROSS JOIN ${settings} GROUP BY 1, 2
  ON CONFLICT (interval_start, queue) DO UPDATE SET ${sets.join(', ')};`;
  if (op === 'ins') return upsert;
  const lostMax = maxKeys.map((k) => `(${contributions[k].expr} >= s.${snake(k)} and ${contributions[k].expr} > 0)`).join(' or ');
  const fix = `UPDATE call_interval_counts c SET ${maxKeys.map((k) => `${snake(k)} = m.${snake(k)}`).join(', ')}
  FROM (SELECT g.interval_start, g.queue, v.*
    FROM (SELECT DISTINCT ${bucket('r')} as interval_start, r.queue FROM old_rows r CROSS JOIN ${settings}
      JOIN call_interval_counts s ON s.interval_start = ${bucket('r')} AND s.queue = r.queue WHERE ${lostMax}) g
    CROSS JOIN ${settings}
    CROSS JOIN LATERAL (SELECT ${maxKeys.map((k) => `coalesce(max(${contributions[k].expr}), 0) as ${snake(k)}`).join(', ')} FROM call_visits r
      WHERE r.arrived_at >= g.interval_start AND r.arrived_at < g.interval_start + interval '15 minutes' AND r.queue = g.queue) v) m
  WHERE c.interval_start = m.interval_start AND c.queue = m.queue;`;
  const prune = `DELETE FROM call_interval_counts c USING (SELECT DISTINCT ${bucket('r')} as interval_start, r.queue FROM old_rows r) o
  WHERE c.interval_start = o.interval_start AND c.queue = o.queue AND c.offered = 0;`;
  return `${upsert}\n  ${fix}\n  ${prune}`;
}

/** postgres.js returns the rows as the result; PGlite as `.rows`. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** The thresholds the stored interval counts were counted with (null before any). */
export async function intervalCountThresholds(db: Db): Promise<CountOptions | null> {
  const [row] = await db.select().from(callCountSettings).where(eq(callCountSettings.id, true)).prepare('call-count-settings').execute();
  return row ? { shortAbandonSeconds: row.shortAbandonSeconds, serviceLevelSeconds: row.serviceLevelSeconds } : null;
}

/**
 * Recounts every interval with `count` when the stored thresholds differ (a configuration
 * change): in one transaction that holds writes to call_visits off, so no trigger counts with
 * the old thresholds meanwhile. Returns whether it rebuilt.
 */
export async function ensureIntervalCountThresholds(db: Db, count: CountOptions): Promise<boolean> {
  const stored = await intervalCountThresholds(db);
  if (stored && stored.shortAbandonSeconds === count.shortAbandonSeconds && stored.serviceLevelSeconds === count.serviceLevelSeconds) return false;
  await db.transaction(async (tx) => {
    await tx.execute(sql`lock table call_visits in share mode`);
    await tx
      .insert(callCountSettings)
      .values({ id: true, ...count })
      .onConflictDoUpdate({ target: callCountSettings.id, set: { shortAbandonSeconds: count.shortAbandonSeconds, serviceLevelSeconds: count.serviceLevelSeconds } });
    await tx.execute(sql`delete from call_interval_counts`);
    await tx.execute(sql.raw(backfillSql()));
  });
  return true;
}

/** Fills call_interval_counts from every visit (the migration's backfill and a rebuild). */
export function backfillSql(): string {
  return `insert into call_interval_counts (interval_start, queue, ${columns.join(', ')}) ${recountSql('true')}`;
}

export type IntervalCounts = { start: number; counts: CallCounts };

/**
 * Stored counts of the intervals starting in [from, to), one queue or all queues summed (maxima
 * as maxima), in interval order. Reads the primary key's range: at most 96 rows a day per queue.
 */
export async function intervalCountsBetween(db: Db, from: Date, to: Date, opts: { queue?: string } = {}): Promise<IntervalCounts[]> {
  const aggs = callCountKeys.map((k) => `${contributions[k].max ? 'max' : 'sum'}(${snake(k)})::float8 as "${k}"`).join(', ');
  const rows = rowsOf<Record<string, number | string>>(
    await executePrepared(db, 'call-interval-counts', sql`
      select (extract(epoch from interval_start) * 1000)::float8 as start_ms, ${sql.raw(aggs)}
      from call_interval_counts
      where interval_start >= ${from.toISOString()}::timestamptz and interval_start < ${to.toISOString()}::timestamptz
        ${opts.queue ? sql`and queue = ${opts.queue}` : sql``}
      group by interval_start order by interval_start`),
  );
  return rows.map((r) => ({
    start: Math.round(Number(r.start_ms)),
    counts: Object.fromEntries(callCountKeys.map((k) => [k, Number(r[k])])) as CallCounts,
  }));
}

export type IntervalCountsDifference = { intervalStart: string; queue: string; stored: Record<string, number>; recounted: Record<string, number> };

/**
 * Every interval and queue where the stored counts differ from a recount of call_visits with the
 * stored thresholds (no row is the same as all zeros). Empty when they are right.
 */
export async function intervalCountsDifferences(db: Db, limit = 1000): Promise<IntervalCountsDifference[]> {
  const pick = (prefix: string, from: (c: string) => string) => columns.map((c) => `${from(c)} as ${prefix}${c}`).join(', ');
  // Sums of fractional seconds may keep a rounding residue after a take-back: not a difference.
  const where: SQL = sql.raw(columns.map((c) => `abs(coalesce(s.s_${c}, 0) - coalesce(x.r_${c}, 0)) > 1e-6`).join(' or '));
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select to_char(coalesce(s.interval_start, x.interval_start) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') as at, coalesce(s.queue, x.queue) as q,
        ${sql.raw(columns.map((c) => `s.s_${c}, x.r_${c}`).join(', '))}
      from (select interval_start, queue, ${sql.raw(pick('s_', (c) => c))} from call_interval_counts) s
      full join (select interval_start, queue, ${sql.raw(pick('r_', (c) => c))} from (${sql.raw(recountSql('true'))}) y) x
        on x.interval_start = s.interval_start and x.queue = s.queue
      where ${where}
      order by 1, 2 limit ${limit}`),
  );
  return rows.map((r) => ({
    intervalStart: String(r.at),
    queue: String(r.q),
    stored: Object.fromEntries(callCountKeys.map((k) => [k, Number(r[`s_${snake(k)}`] ?? 0)])),
    recounted: Object.fromEntries(callCountKeys.map((k) => [k, Number(r[`r_${snake(k)}`] ?? 0)])),
  }));
}
