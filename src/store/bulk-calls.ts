import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { visitKey } from '../calls/visit.ts';
import type { AgentEvent } from '../feeds/calls/queue-log.ts';
import { copyInto, csvCell, csvLines, oneRow, withStaging } from './bulk.ts';
import type { StoredVisit, UpsertCounts } from './calls.ts';

const visitDataColumns = [
  'channel', 'answered_at', 'ended_at', 'outcome', 'wait_seconds', 'talk_seconds', 'hold_seconds', 'wrap_seconds', 'agent', 'transferred', 'extra',
] as const;
// Instants travel as epoch milliseconds (cheaper to write than ISO text) and are turned into
// timestamptz by the merge, as the JSON recordset before it did.
const visitStaging =
  'seq integer, source text, call_id text, queue text, a bigint, channel text, an bigint, e bigint, outcome text, ' +
  'wait_seconds float8, talk_seconds float8, hold_seconds float8, wrap_seconds float8, agent text, transferred boolean, extra jsonb';
const visitStagingColumns = ['seq', 'source', 'call_id', 'queue', 'a', 'channel', 'an', 'e', 'outcome', 'wait_seconds', 'talk_seconds', 'hold_seconds', 'wrap_seconds', 'agent', 'transferred', 'extra'];
const ms = (name: string) => `(timestamptz 'epoch' + ${name} * interval '1 millisecond')`;
/** How far a visit has got: 0 waiting, 1 answered and talking, 2 ended. */
const progress = (t: string) => `(case when ${t}.ended_at is not null then 2 when ${t}.answered_at is not null then 1 else 0 end)`;

function visitCells(v: StoredVisit, seq: number): string[] {
  return [
    String(seq), csvCell(v.source), csvCell(v.callId), csvCell(v.queue), String(v.arrivedAt), csvCell(v.channel), csvCell(v.answeredAt), csvCell(v.endedAt),
    csvCell(v.outcome), csvCell(v.waitSeconds), csvCell(v.talkSeconds), csvCell(v.holdSeconds), csvCell(v.wrapSeconds), csvCell(v.agent),
    csvCell(v.transferred), csvCell(v.extra ? JSON.stringify(v.extra) : null),
  ];
}

/**
 * Upserts visits on their natural key (source, call id, queue, arrival) through a staging table
 * filled by COPY and one set-based merge. A visit whose data is unchanged is not touched, and a
 * visit never goes back: re-reading an older part of a log, where a visit had not yet ended,
 * leaves the ended visit a later part gave as it is. Counts as upsertVisits always gave them.
 */
export async function bulkUpsertVisits(db: Db, runId: number | null, batch: readonly StoredVisit[]): Promise<UpsertCounts> {
  if (batch.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  // One statement may touch a key once: the last visit for a key wins.
  const byKey = new Map<string, StoredVisit>();
  for (const v of batch) byKey.set(visitKey(v), v);
  const visits = [...byKey.values()];
  const text = csvLines(visits.map((v, i) => visitCells(v, i)));
  const changed = await withStaging(db, 'bulk_visits', visitStaging, async (tx) => {
    await copyInto(tx, 'bulk_visits', visitStagingColumns, text, () =>
      visits.map((v, seq) => ({
        seq, source: v.source, call_id: v.callId, queue: v.queue, a: v.arrivedAt, channel: v.channel, an: v.answeredAt, e: v.endedAt, outcome: v.outcome,
        wait_seconds: v.waitSeconds, talk_seconds: v.talkSeconds, hold_seconds: v.holdSeconds, wrap_seconds: v.wrapSeconds, agent: v.agent,
        transferred: v.transferred, extra: v.extra ?? null,
      })),
    );
    return oneRow<{ inserted: number; changed: number }>(tx, sql`
      with m as (
        insert into call_visits (source, call_id, queue, arrived_at, channel, answered_at, ended_at, outcome, wait_seconds,
          talk_seconds, hold_seconds, wrap_seconds, agent, transferred, extra, ingest_run_id, updated_at)
        select source, call_id, queue, ${sql.raw(ms('a'))}, channel, ${sql.raw(ms('an'))}, ${sql.raw(ms('e'))}, outcome, wait_seconds,
          talk_seconds, hold_seconds, wrap_seconds, agent, transferred, extra, ${runId}::bigint, now()
        from bulk_visits order by seq
        on conflict (arrived_at, source, call_id, queue) do update set
          ${sql.raw(visitDataColumns.map((c) => `${c} = excluded.${c}`).join(', '))},
          ingest_run_id = excluded.ingest_run_id, updated_at = now()
        where (${sql.raw(visitDataColumns.map((c) => `call_visits.${c}`).join(', '))}) is distinct from (${sql.raw(visitDataColumns.map((c) => `excluded.${c}`).join(', '))})
          and ${sql.raw(progress('excluded'))} >= ${sql.raw(progress('call_visits'))}
        returning (xmax = 0) as inserted)
      select (count(*) filter (where inserted))::int as inserted, count(*)::int as changed from m`);
  });
  return { inserted: changed.inserted, updated: changed.changed - changed.inserted, unchanged: batch.length - changed.changed };
}

/** Keeps agent events through COPY; an event already stored (same source, instant and fields) is skipped. Returns how many were new. */
export async function bulkInsertAgentEvents(db: Db, source: string, runId: number | null, events: readonly AgentEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const key = (e: AgentEvent) => `${e.callId ?? ''}|${e.queue ?? ''}|${e.agent ?? ''}|${e.event}|${e.data}`;
  const text = csvLines(events.map((e) => [String(e.at), csvCell(key(e)), csvCell(e.callId), csvCell(e.queue), csvCell(e.agent), csvCell(e.event), csvCell(e.data)]));
  const r = await withStaging(db, 'bulk_agent_events', 'at bigint, k text, c text, q text, ag text, ev text, d text', async (tx) => {
    await copyInto(tx, 'bulk_agent_events', ['at', 'k', 'c', 'q', 'ag', 'ev', 'd'], text, () =>
      events.map((e) => ({ at: e.at, k: key(e), c: e.callId, q: e.queue, ag: e.agent, ev: e.event, d: e.data })),
    );
    return oneRow<{ n: number }>(tx, sql`
      with m as (
        insert into call_agent_events (source, key, at, call_id, queue, agent, event, data, ingest_run_id)
        select ${source}, k, ${sql.raw(ms('at'))}, c, q, ag, ev, d, ${runId}::bigint from bulk_agent_events
        on conflict do nothing
        returning 1)
      select count(*)::int as n from m`);
  });
  return r.n;
}
