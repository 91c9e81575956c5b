import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { visitKey } from '../calls/visit.ts';
import type { AgentEvent } from '../feeds/calls/queue-log.ts';
import { copyInto, instantOrNull, numberOrNull, oneRow, quoted, quotedOrNull, withStaging } from './bulk.ts';
import { tryPlainInsert } from './bulk-plain.ts';
import type { StoredVisit, UpsertCounts } from './calls.ts';

const visitDataColumns = [
  'channel', 'answered_at', 'ended_at', 'outcome', 'wait_seconds', 'talk_seconds', 'hold_seconds', 'wrap_seconds', 'agent', 'transferred', 'extra',
] as const;
// The staging table has call_visits' own columns: a batch no stored visit can meet goes on with a
// plain INSERT … SELECT, any other with the merge.
const visitColumns = ['source', 'call_id', 'queue', 'arrived_at', ...visitDataColumns, 'ingest_run_id'];
const visitStaging =
  'source text, call_id text, queue text, arrived_at timestamptz, channel text, answered_at timestamptz, ended_at timestamptz, outcome text, ' +
  'wait_seconds float8, talk_seconds float8, hold_seconds float8, wrap_seconds float8, agent text, transferred boolean, extra jsonb, ingest_run_id bigint';
const ms = (name: string) => `(timestamptz 'epoch' + ${name}::bigint * interval '1 millisecond')`;
/** How far a visit has got: 0 waiting, 1 answered and talking, 2 ended. */
const progress = (t: string) => `(case when ${t}.ended_at is not null then 2 when ${t}.answered_at is not null then 1 else 0 end)`;

/** One visit as a COPY line of `visitColumns` (one string, no array of cells: written per visit, millions of times). */
function visitLine(v: StoredVisit, runId: string): string {
  return (
    `${quoted(v.source)},${quoted(v.callId)},${quoted(v.queue)},${new Date(v.arrivedAt).toISOString()},${quoted(v.channel)},${instantOrNull(v.answeredAt)},` +
    `${instantOrNull(v.endedAt)},${quoted(v.outcome)},${numberOrNull(v.waitSeconds)},${numberOrNull(v.talkSeconds)},${numberOrNull(v.holdSeconds)},` +
    `${numberOrNull(v.wrapSeconds)},${quotedOrNull(v.agent)},${v.transferred ? 't' : 'f'},${v.extra ? quoted(JSON.stringify(v.extra)) : ''},${runId}\n`
  );
}

/**
 * Whether `table` may hold a row the batch meets: one of `source` with `column` in the batch's
 * span [from, to], written by another run. Rows of this run's earlier batches do not count (a
 * log's visits end, and are written, up to a wait and a talk after they arrive, so consecutive
 * batches' spans overlap); when one of them does meet the batch after all (a line read twice), the
 * plain insert is refused (unique key) and the batch merged. Only a guess of which path to try
 * first: the merge is right in every case, the plain insert whenever the database takes it.
 */
async function otherRunsWithin(db: Db, table: 'call_visits' | 'call_agent_events', column: 'arrived_at' | 'at', source: string, runId: number | null, [from, to]: [number, number]): Promise<boolean> {
  const r = await oneRow<{ found: boolean | string }>(
    db,
    sql`select exists (select 1 from ${sql.raw(table)} where ${sql.raw(column)} between ${sql.raw(ms(`${from}`))} and ${sql.raw(ms(`${to}`))}
      and source = ${source} and ingest_run_id is distinct from ${runId}::bigint) as found`,
  );
  return r.found === true || r.found === 't';
}

/** The span of instants of a batch: [first, last]. */
function spanOf<T>(rows: readonly T[], at: (r: T) => number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    const t = at(r);
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return [lo, hi];
}

/**
 * Upserts visits on their natural key (source, call id, queue, arrival) through a staging table
 * filled by COPY. A batch of one source whose span of arrivals holds no visit of that source from
 * another run (a first load of a log, the bulk of history) goes on with a plain INSERT … SELECT
 * (no conflict arbitration per row); any other, or one the plain insert meets a stored key in,
 * with one set-based merge. A visit whose data is unchanged is not touched, and a visit never goes back:
 * re-reading an older part of a log, where a visit had not yet ended, leaves the ended visit a
 * later part gave as it is. Counts as upsertVisits always gave them.
 */
export async function bulkUpsertVisits(db: Db, runId: number | null, batch: readonly StoredVisit[]): Promise<UpsertCounts> {
  if (batch.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  // One statement may touch a key once: the last visit for a key wins (in the place of the key's first).
  const byKey = new Map<string, StoredVisit>();
  for (const v of batch) byKey.set(visitKey(v), v);
  const visits = [...byKey.values()];
  const run = runId === null ? '' : String(runId);
  let text = '';
  for (const v of visits) text += visitLine(v, run);
  const source = visits[0]!.source;
  const plainFirst = visits.every((v) => v.source === source);
  return withStaging(db, 'bulk_visits', visitStaging, async (tx) => {
    await copyInto(tx, 'bulk_visits', visitColumns, text, () =>
      visits.map((v) => ({
        source: v.source, call_id: v.callId, queue: v.queue, arrived_at: new Date(v.arrivedAt).toISOString(), channel: v.channel, answered_at: instantOrNull(v.answeredAt) || null,
        ended_at: instantOrNull(v.endedAt) || null, outcome: v.outcome, wait_seconds: v.waitSeconds, talk_seconds: v.talkSeconds, hold_seconds: v.holdSeconds,
        wrap_seconds: v.wrapSeconds, agent: v.agent, transferred: v.transferred, extra: v.extra ?? null, ingest_run_id: runId,
      })),
    );
    // The staging table is read in the order it was written (a temporary table's scan starts at
    // its first page), so rows go in in the batch's order.
    const columns = sql.raw(visitColumns.join(', '));
    if (
      plainFirst &&
      !(await otherRunsWithin(tx, 'call_visits', 'arrived_at', source, runId, spanOf(visits, (v) => v.arrivedAt))) &&
      (await tryPlainInsert(tx, sql`insert into call_visits (${columns}, updated_at) select ${columns}, now() from bulk_visits`))
    ) {
      return { inserted: visits.length, updated: 0, unchanged: batch.length - visits.length };
    }
    const changed = await mergeVisits(tx);
    return { inserted: changed.inserted, updated: changed.changed - changed.inserted, unchanged: batch.length - changed.changed };
  });
}

/** The merge from the staging table: one INSERT … ON CONFLICT that counts what it wrote. */
async function mergeVisits(tx: Db) {
  return oneRow<{ inserted: number; changed: number }>(tx, sql`
    with m as (
      insert into call_visits (${sql.raw(visitColumns.join(', '))}, updated_at)
      select ${sql.raw(visitColumns.join(', '))}, now() from bulk_visits
      on conflict (arrived_at, source, call_id, queue) do update set
        ${sql.raw(visitDataColumns.map((c) => `${c} = excluded.${c}`).join(', '))},
        ingest_run_id = excluded.ingest_run_id, updated_at = now()
      where (${sql.raw(visitDataColumns.map((c) => `call_visits.${c}`).join(', '))}) is distinct from (${sql.raw(visitDataColumns.map((c) => `excluded.${c}`).join(', '))})
        and ${sql.raw(progress('excluded'))} >= ${sql.raw(progress('call_visits'))}
      returning (xmax = 0) as inserted)
    select (count(*) filter (where inserted))::int as inserted, count(*)::int as changed from m`);
}

const eventColumns = ['source', 'key', 'at', 'call_id', 'queue', 'agent', 'event', 'data', 'ingest_run_id'];

/**
 * Keeps agent events; an event already stored (same source, instant and fields) is skipped.
 * Returns how many were new. From staging with a plain insert when no event of the source from
 * another run falls in the batch's span, else (or when that meets a stored key) `on conflict do nothing`.
 */
export async function bulkInsertAgentEvents(db: Db, source: string, runId: number | null, events: readonly AgentEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const run = runId === null ? '' : String(runId);
  // The same event twice in a batch is kept once, its first (as `on conflict do nothing` keeps it).
  const seen = new Set<string>();
  const kept: { e: AgentEvent; key: string }[] = [];
  let text = '';
  for (const e of events) {
    const key = `${e.callId ?? ''}|${e.queue ?? ''}|${e.agent ?? ''}|${e.event}|${e.data}`;
    const id = `${e.at}|${key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    kept.push({ e, key });
    text += `${quoted(source)},${quoted(key)},${new Date(e.at).toISOString()},${quotedOrNull(e.callId)},${quotedOrNull(e.queue)},${quotedOrNull(e.agent)},${quoted(e.event)},${quoted(e.data)},${run}\n`;
  }
  const columns = sql.raw(eventColumns.join(', '));
  const r = await withStaging(db, 'bulk_agent_events', 'source text, key text, at timestamptz, call_id text, queue text, agent text, event text, data text, ingest_run_id bigint', async (tx) => {
    await copyInto(tx, 'bulk_agent_events', eventColumns, text, () =>
      kept.map(({ e, key }) => ({ source, key, at: new Date(e.at).toISOString(), call_id: e.callId, queue: e.queue, agent: e.agent, event: e.event, data: e.data, ingest_run_id: runId })),
    );
    if (
      !(await otherRunsWithin(tx, 'call_agent_events', 'at', source, runId, spanOf(events, (e) => e.at))) &&
      (await tryPlainInsert(tx, sql`insert into call_agent_events (${columns}) select ${columns} from bulk_agent_events`))
    ) {
      return { n: kept.length };
    }
    return oneRow<{ n: number }>(tx, sql`
      with m as (
        insert into call_agent_events (${columns}) select ${columns} from bulk_agent_events
        on conflict do nothing
        returning 1)
      select count(*)::int as n from m`);
  });
  return r.n;
}
