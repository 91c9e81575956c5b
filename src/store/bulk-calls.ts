import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { visitKey } from '../calls/visit.ts';
import type { AgentEvent } from '../feeds/calls/queue-log.ts';
import { copyInto, CopyPieces, instantField, instantOrNull, numberOrNull, oneRow, quoted, quotedOrNull, refusedCopyRecovers, textArrayLiteral, tryCopyInto, withStaging } from './bulk.ts';
import { notePath, plainFirst, type PlainFirst } from './bulk-plain.ts';
import type { StoredVisit, UpsertCounts } from './calls.ts';

const visitDataColumns = [
  'channel', 'answered_at', 'ended_at', 'outcome', 'wait_seconds', 'talk_seconds', 'hold_seconds', 'wrap_seconds', 'agent', 'transferred', 'extra',
] as const;
// call_visits' own columns but updated_at: those of the COPY straight in and of the staging table
// (and of the benchmarks' real-table COPY, bench/real-table-copy.ts).
export const visitColumns = ['source', 'call_id', 'queue', 'arrived_at', ...visitDataColumns, 'ingest_run_id'];
const visitStaging =
  'source text, call_id text, queue text, arrived_at timestamptz, channel text, answered_at timestamptz, ended_at timestamptz, outcome text, ' +
  'wait_seconds float8, talk_seconds float8, hold_seconds float8, wrap_seconds float8, agent text, transferred boolean, extra jsonb, ingest_run_id bigint';
/** How far a visit has got: 0 waiting, 1 answered and talking, 2 ended. */
const progress = (t: string) => `(case when ${t}.ended_at is not null then 2 when ${t}.answered_at is not null then 1 else 0 end)`;

/** One visit as a COPY line of `visitColumns` (one string, no array of cells: written per visit, millions of times). */
function visitLine(v: StoredVisit, runId: string): string {
  return (
    `${quoted(v.source)},${quoted(v.callId)},${quoted(v.queue)},${instantField(v.arrivedAt)},${quoted(v.channel)},${instantOrNull(v.answeredAt)},` +
    `${instantOrNull(v.endedAt)},${quoted(v.outcome)},${numberOrNull(v.waitSeconds)},${numberOrNull(v.talkSeconds)},${numberOrNull(v.holdSeconds)},` +
    `${numberOrNull(v.wrapSeconds)},${quotedOrNull(v.agent)},${v.transferred ? 't' : 'f'},${v.extra ? quoted(JSON.stringify(v.extra)) : ''},${runId}\n`
  );
}

/**
 * Whether any stored row has one of a batch's keys (`keys`: the batch's keys as a relation `k`;
 * `match`: a stored row `t` of the table with the key `k`, as a WHERE clause): one index probe a
 * key. Checked before the COPY straight in on PostgreSQL, so that the COPY is not refused for a
 * key: postgres.js does not recover a COPY the server refuses half-way (refusedCopyRecovers);
 * PGlite does, and tries the COPY unchecked. The probe is a LATERAL … LIMIT 1 per key, not a
 * join: knowing the batch's thousands of keys, the planner hashed them against a scan of the
 * whole table, a probe as long as the table (270 ms a batch at 340,000 visits, most of the
 * ingest's time; BENCHMARKS.md, bench:calls).
 */
async function anyStored(db: Db, table: string, keys: SQL, match: SQL): Promise<boolean> {
  return found(db, [keysStored(table, keys, match)]);
}

/** anyStored's check as a boolean expression. */
const keysStored = (table: string, keys: SQL, match: SQL) => sql`exists (select 1 from ${keys} cross join lateral (select 1 from ${sql.raw(table)} t where ${match} limit 1) t)`;

/** Whether any of `checks` (boolean expressions) holds, in one statement. */
async function found(db: Db, checks: SQL[]): Promise<boolean> {
  const r = await oneRow<{ found: boolean | string }>(db, sql`select ${sql.join(checks, sql` or `)} as found`);
  return r.found === true || r.found === 't';
}

/**
 * Whether a stored visit has one of `visits`' keys, in one statement that names only the keys
 * arrived up to `upTo` (the latest arrival the run has written): an index probe for each of those
 * (anyStored), and for the later ones whether any visit of their sources is stored in their span
 * of arrivals (one index range). Exact for the named keys, never missing one: a later key stored
 * lies in that span. In a first load of a log, whose visits come as they end, only the calls
 * that arrived before the previous batch's last arrival and ended after it are named (a few in a
 * batch, not its thousands: their arrays were most of the probe's cost), and the span is empty.
 * A span holding another run's visits makes the batch merge, which is right in every case.
 */
async function anyVisitStored(db: Db, visits: readonly StoredVisit[], upTo = -Infinity): Promise<boolean> {
  const named = visits.filter((v) => v.arrivedAt <= upTo);
  let from = Infinity;
  let to = -Infinity;
  const sources = new Set<string>();
  for (const v of visits) {
    if (v.arrivedAt <= upTo) continue;
    from = Math.min(from, v.arrivedAt);
    to = Math.max(to, v.arrivedAt);
    sources.add(v.source);
  }
  const checks: SQL[] = [];
  if (named.length > 0) {
    checks.push(
      keysStored(
        'call_visits',
        sql`unnest(${textArrayLiteral(named.map((v) => new Date(v.arrivedAt).toISOString()))}::timestamptz[], ${textArrayLiteral(named.map((v) => v.source))}::text[],
          ${textArrayLiteral(named.map((v) => v.callId))}::text[], ${textArrayLiteral(named.map((v) => v.queue))}::text[]) k(a, s, c, q)`,
        sql`t.arrived_at = k.a and t.source = k.s and t.call_id = k.c and t.queue = k.q`,
      ),
    );
  }
  if (sources.size > 0) {
    checks.push(sql`exists (select 1 from call_visits t where t.arrived_at between ${new Date(from).toISOString()}::timestamptz and ${new Date(to).toISOString()}::timestamptz
      and t.source = any(${textArrayLiteral([...sources])}::text[]))`);
  }
  return found(db, checks);
}

/** After a batch is written: its latest arrival is stored (anyVisitStored's `upTo`). */
function noteStored(hint: PlainFirst, visits: readonly StoredVisit[]): void {
  let last = hint.storedUpTo ?? -Infinity;
  for (const v of visits) last = Math.max(last, v.arrivedAt);
  hint.storedUpTo = last;
}

/**
 * Upserts visits on their natural key (source, call id, queue, arrival). A batch goes in with one
 * COPY straight into call_visits when no stored visit has one of its keys (a first load of a log,
 * the bulk of history); when one has (the COPY is refused), or when the run's last batch met
 * stored visits (`hint`, bulk-plain.ts), through a staging table filled by COPY and one set-based
 * merge. A visit whose data is unchanged is not touched, and a visit never goes back: re-reading
 * an older part of a log, where a visit had not yet ended, leaves the ended visit a later part
 * gave as it is. Counts as upsertVisits always gave them. `db` must be a transaction (the
 * COPY's savepoint; the batch's own).
 */
export async function bulkUpsertVisits(db: Db, runId: number | null, batch: readonly StoredVisit[], hint: PlainFirst = plainFirst()): Promise<UpsertCounts> {
  if (batch.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  // One statement may touch a key once: the last visit for a key wins (in the place of the key's first).
  const byKey = new Map<string, StoredVisit>();
  for (const v of batch) byKey.set(visitKey(v), v);
  const visits = [...byKey.values()];
  const run = runId === null ? '' : String(runId);
  const copy = new CopyPieces();
  for (const v of visits) copy.add(visitLine(v, run));
  const text = copy.done();
  // updated_at is left to its default, now(): the transaction's start, as the merge writes it.
  if (
    hint.copy &&
    (refusedCopyRecovers(db) || !(await anyVisitStored(db, visits, hint.storedUpTo))) &&
    (await tryCopyInto(db, 'call_visits', visitColumns, text))
  ) {
    notePath(hint, true);
    noteStored(hint, visits);
    return { inserted: visits.length, updated: 0, unchanged: batch.length - visits.length };
  }
  const changed = await withStaging(db, 'bulk_visits', visitStaging, async (st) => {
    await copyInto(st, 'bulk_visits', visitColumns, text, () =>
      visits.map((v) => ({
        source: v.source, call_id: v.callId, queue: v.queue, arrived_at: new Date(v.arrivedAt).toISOString(), channel: v.channel, answered_at: instantOrNull(v.answeredAt) || null,
        ended_at: instantOrNull(v.endedAt) || null, outcome: v.outcome, wait_seconds: v.waitSeconds, talk_seconds: v.talkSeconds, hold_seconds: v.holdSeconds,
        wrap_seconds: v.wrapSeconds, agent: v.agent, transferred: v.transferred, extra: v.extra ?? null, ingest_run_id: runId,
      })),
    );
    return mergeVisits(st);
  });
  notePath(hint, false, { inserted: changed.inserted, rows: visits.length });
  noteStored(hint, visits);
  return { inserted: changed.inserted, updated: changed.changed - changed.inserted, unchanged: batch.length - changed.changed };
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

// call_agent_events' columns, all of them (also the benchmarks' real-table COPY).
export const eventColumns = ['source', 'key', 'at', 'call_id', 'queue', 'agent', 'event', 'data', 'ingest_run_id'];

/**
 * Keeps agent events; an event already stored (same source, instant and fields) is skipped.
 * Returns how many were new. With one COPY straight into call_agent_events when none is stored
 * yet (as bulkUpsertVisits, `hint` the same kind of guess), else through a staging table and
 * `on conflict do nothing`.
 */
export async function bulkInsertAgentEvents(db: Db, source: string, runId: number | null, events: readonly AgentEvent[], hint: PlainFirst = plainFirst()): Promise<number> {
  if (events.length === 0) return 0;
  const run = runId === null ? '' : String(runId);
  // The same event twice in a batch is kept once, its first (as `on conflict do nothing` keeps it).
  const seen = new Set<string>();
  const kept: { e: AgentEvent; key: string }[] = [];
  const copy = new CopyPieces();
  for (const e of events) {
    const key = `${e.callId ?? ''}|${e.queue ?? ''}|${e.agent ?? ''}|${e.event}|${e.data}`;
    const id = `${e.at}|${key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    kept.push({ e, key });
    copy.add(`${quoted(source)},${quoted(key)},${instantField(e.at)},${quotedOrNull(e.callId)},${quotedOrNull(e.queue)},${quotedOrNull(e.agent)},${quoted(e.event)},${quoted(e.data)},${run}\n`);
  }
  const text = copy.done();
  const columns = sql.raw(eventColumns.join(', '));
  if (
    hint.copy &&
    (refusedCopyRecovers(db) || !(await anyStored(
      db,
      'call_agent_events',
      sql`unnest(${textArrayLiteral(kept.map(({ e }) => new Date(e.at).toISOString()))}::timestamptz[], ${textArrayLiteral(kept.map(({ key }) => key))}::text[]) k(a, key)`,
      sql`t.source = ${source} and t.at = k.a and t.key = k.key`,
    ))) &&
    (await tryCopyInto(db, 'call_agent_events', eventColumns, text))
  ) {
    notePath(hint, true);
    return kept.length;
  }
  const r = await withStaging(db, 'bulk_agent_events', 'source text, key text, at timestamptz, call_id text, queue text, agent text, event text, data text, ingest_run_id bigint', async (st) => {
    await copyInto(st, 'bulk_agent_events', eventColumns, text, () =>
      kept.map(({ e, key }) => ({ source, key, at: new Date(e.at).toISOString(), call_id: e.callId, queue: e.queue, agent: e.agent, event: e.event, data: e.data, ingest_run_id: runId })),
    );
    return oneRow<{ n: number }>(st, sql`
      with m as (
        insert into call_agent_events (${columns}) select ${columns} from bulk_agent_events
        on conflict do nothing
        returning 1)
      select count(*)::int as n from m`);
  });
  notePath(hint, false, { inserted: r.n, rows: kept.length });
  return r.n;
}
