import { and, asc, eq, gte, inArray, isNull, like, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { callNames } from './call-names.ts';
import { executePrepared } from './prepared.ts';
import { callAgentEvents, callComputeMarks, callTailCursors, callVisits, emailContacts, metricValues, type NewCallVisitRow } from '../../db/schema.ts';
import { visitKey, type CallVisit, type EmailContact } from '../calls/visit.ts';
import type { AgentEvent, OpenVisit } from '../feeds/calls/queue-log.ts';

// The table and the normalised visit must agree (METRICS.md §3): a column added to one and not
// the other fails type checking here.
type VisitColumns = Omit<NewCallVisitRow, 'extra' | 'ingestRunId' | 'updatedAt' | 'transferred' | 'arrivedAt' | 'answeredAt' | 'endedAt'>;
type VisitData = Omit<CallVisit, 'transferred' | 'arrivedAt' | 'answeredAt' | 'endedAt'>;
const _visitShapeAgrees: [Required<VisitColumns>, VisitData] extends [VisitData, Required<VisitColumns>] ? true : never = true;
void _visitShapeAgrees;

export type UpsertCounts = { inserted: number; updated: number; unchanged: number };

/** A visit as stored: the normalised visit plus the feed's own fields. */
export type StoredVisit = CallVisit & { extra?: Record<string, string> | null };

const visitDataColumns = [
  'channel', 'answered_at', 'ended_at', 'outcome', 'wait_seconds', 'talk_seconds', 'hold_seconds', 'wrap_seconds', 'agent', 'transferred', 'extra',
] as const;
const ms = (name: string) => `(timestamptz 'epoch' + ${name} * interval '1 millisecond')`;

/** How far a visit has got: 0 waiting, 1 answered and talking, 2 ended. */
const progress = (t: string) => `(case when ${t}.ended_at is not null then 2 when ${t}.answered_at is not null then 1 else 0 end)`;

/**
 * Upserts visits on their natural key (source, call id, queue, arrival). Rows travel as one
 * JSON parameter (json_to_recordset), which both PostgreSQL drivers take alike and which is far
 * cheaper than one bound parameter per value. A visit whose data is unchanged is not touched,
 * and a visit never goes back: re-reading an older part of a log, where a visit had not yet
 * ended, leaves the ended visit a later part gave as it is.
 */
export async function upsertVisits(db: Db, runId: number | null, batch: readonly StoredVisit[]): Promise<UpsertCounts> {
  if (batch.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  // One statement may touch a key once: the last visit for a key wins.
  const byKey = new Map<string, StoredVisit>();
  for (const v of batch) byKey.set(visitKey(v), v);
  const rows = [...byKey.values()].map((v) => ({
    s: v.source, c: v.callId, q: v.queue, a: v.arrivedAt, ch: v.channel, an: v.answeredAt, e: v.endedAt, o: v.outcome,
    w: v.waitSeconds, t: v.talkSeconds, h: v.holdSeconds, wr: v.wrapSeconds, ag: v.agent, tr: v.transferred, x: v.extra ?? null,
  }));
  const result = await db.execute<{ inserted: boolean }>(sql`
    insert into call_visits (source, call_id, queue, arrived_at, channel, answered_at, ended_at, outcome, wait_seconds,
      talk_seconds, hold_seconds, wrap_seconds, agent, transferred, extra, ingest_run_id, updated_at)
    select s, c, q, ${sql.raw(ms('a'))}, ch, ${sql.raw(ms('an'))}, ${sql.raw(ms('e'))}, o, w, t, h, wr, ag, tr, x, ${runId}, now()
    from json_to_recordset(${JSON.stringify(rows)}::json)
      as r(s text, c text, q text, a bigint, ch text, an bigint, e bigint, o text, w float8, t float8, h float8, wr float8, ag text, tr boolean, x jsonb)
    on conflict (arrived_at, source, call_id, queue) do update set
      ${sql.raw(visitDataColumns.map((c) => `${c} = excluded.${c}`).join(', '))},
      ingest_run_id = excluded.ingest_run_id, updated_at = now()
    where (${sql.raw(visitDataColumns.map((c) => `call_visits.${c}`).join(', '))}) is distinct from (${sql.raw(visitDataColumns.map((c) => `excluded.${c}`).join(', '))})
      and ${sql.raw(progress('excluded'))} >= ${sql.raw(progress('call_visits'))}
    returning (xmax = 0) as inserted`);
  const changed = rowsOf<{ inserted: boolean }>(result);
  const inserted = changed.filter((r) => r.inserted).length;
  return { inserted, updated: changed.length - inserted, unchanged: batch.length - changed.length };
}

/** postgres.js returns the rows as the result; PGlite as `.rows`. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Keeps agent events; an event already stored (same source, instant and fields) is skipped. Returns how many were new. */
export async function insertAgentEvents(db: Db, source: string, runId: number | null, events: readonly AgentEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map((e) => ({ at: e.at, k: `${e.callId ?? ''}|${e.queue ?? ''}|${e.agent ?? ''}|${e.event}|${e.data}`, c: e.callId, q: e.queue, ag: e.agent, ev: e.event, d: e.data }));
  const result = await db.execute(sql`
    insert into call_agent_events (source, key, at, call_id, queue, agent, event, data, ingest_run_id)
    select ${source}, k, ${sql.raw(ms('at'))}, c, q, ag, ev, d, ${runId}
    from json_to_recordset(${JSON.stringify(rows)}::json) as r(at bigint, k text, c text, q text, ag text, ev text, d text)
    on conflict do nothing
    returning 1 as one`);
  return rowsOf(result).length;
}

/** Visits of a source not yet ended (waiting, or answered and talking): the queue_log reader carries them on. */
export async function openVisitsOf(db: Db, source: string): Promise<OpenVisit[]> {
  const rows = await db
    .select({ callId: callVisits.callId, queue: callVisits.queue, arrivedAt: callVisits.arrivedAt, answeredAt: callVisits.answeredAt, waitSeconds: callVisits.waitSeconds, agent: callVisits.agent })
    .from(callVisits)
    .where(and(eq(callVisits.source, source), isNull(callVisits.endedAt)));
  return rows.map((r) => ({ ...r, arrivedAt: r.arrivedAt.getTime(), answeredAt: r.answeredAt?.getTime() ?? null, line: 0 }));
}

const visitColumns = {
  source: callVisits.source,
  callId: callVisits.callId,
  queue: callVisits.queue,
  channel: callVisits.channel,
  arrivedAt: callVisits.arrivedAt,
  answeredAt: callVisits.answeredAt,
  endedAt: callVisits.endedAt,
  outcome: callVisits.outcome,
  waitSeconds: callVisits.waitSeconds,
  talkSeconds: callVisits.talkSeconds,
  holdSeconds: callVisits.holdSeconds,
  wrapSeconds: callVisits.wrapSeconds,
  agent: callVisits.agent,
  transferred: callVisits.transferred,
};
type VisitRow = { [K in keyof typeof visitColumns]: (typeof visitColumns)[K]['_']['notNull'] extends true ? (typeof visitColumns)[K]['_']['data'] : (typeof visitColumns)[K]['_']['data'] | null };
const toVisit = (r: VisitRow): CallVisit => ({
  ...r,
  arrivedAt: r.arrivedAt.getTime(),
  answeredAt: r.answeredAt?.getTime() ?? null,
  endedAt: r.endedAt?.getTime() ?? null,
});

/**
 * Visits that arrived in [from, to), optionally of one queue, a window of arrival time at a
 * time, so memory stays bounded for a month of a large centre. Each window is a plain range on
 * the primary key's leading column (no ORDER BY, no LIMIT, so no sort and no dependence on the
 * planner's row estimates after a bulk load); the window widens while pages are small and
 * narrows when one is large. Instants come back as epoch milliseconds computed by the database.
 */
export async function* visitsArrivedBetween(db: Db, from: Date, to: Date, opts: { queue?: string; pageSize?: number } = {}): AsyncGenerator<CallVisit[]> {
  const target = opts.pageSize ?? 20_000;
  const epochMs = (c: string) => sql.raw(`(extract(epoch from ${c}) * 1000)::float8`);
  const end = to.getTime();
  let window = 3_600_000; // one hour to start
  for (let t = from.getTime(); t < end; ) {
    const until = Math.min(end, t + window);
    const rows = rowsOf<RawVisit>(
      await executePrepared(db, 'visits-arrived-between', sql`
        select source, call_id, queue, channel, ${epochMs('arrived_at')} as a, ${epochMs('answered_at')} as an, ${epochMs('ended_at')} as e,
          outcome, wait_seconds as w, talk_seconds as t, hold_seconds as h, wrap_seconds as wr, agent, transferred
        from call_visits
        where arrived_at >= ${new Date(t).toISOString()}::timestamptz and arrived_at < ${new Date(until).toISOString()}::timestamptz
          ${opts.queue ? sql`and queue = ${opts.queue}` : sql``}`),
    );
    if (rows.length > 0) yield rows.map(fromRaw);
    t = until;
    if (rows.length > target) window = Math.max(60_000, Math.floor(window / 2));
    else if (rows.length < target / 4) window = Math.min(31 * 86_400_000, window * 2);
  }
}

type RawVisit = {
  source: string; call_id: string; queue: string; channel: CallVisit['channel']; a: number | string; an: number | string | null; e: number | string | null;
  outcome: CallVisit['outcome']; w: number | null; t: number | null; h: number | null; wr: number | null; agent: string | null; transferred: boolean;
};
const msOf = (v: number | string | null) => (v === null ? null : Math.round(Number(v)));
const fromRaw = (r: RawVisit): CallVisit => ({
  source: r.source,
  callId: r.call_id,
  queue: r.queue,
  channel: r.channel,
  arrivedAt: msOf(r.a)!,
  answeredAt: msOf(r.an),
  endedAt: msOf(r.e),
  outcome: r.outcome,
  waitSeconds: r.w,
  talkSeconds: r.t,
  holdSeconds: r.h,
  wrapSeconds: r.wr,
  agent: r.agent,
  transferred: r.transferred,
});

/** Visits still waiting (not answered, not ended), oldest first, optionally of one queue. */
export async function waitingVisits(db: Db, opts: { queue?: string; arrivedAfter: Date }) {
  const rows = await db
    .select(visitColumns)
    .from(callVisits)
    .where(and(isNull(callVisits.endedAt), eq(callVisits.outcome, 'waiting'), gte(callVisits.arrivedAt, opts.arrivedAfter), opts.queue ? eq(callVisits.queue, opts.queue) : undefined))
    .orderBy(asc(callVisits.arrivedAt))
    .prepare('waiting-visits')
    .execute();
  return rows.map(toVisit);
}

/** Queues that have visits: kept by ingest in call_queue_names, not a DISTINCT over the visits. */
export async function callQueues(db: Db): Promise<string[]> {
  return callNames(db, 'queue');
}

/**
 * Local days (in `zone`) of the visits whose data changed after `since` (all visits when
 * null), by arrival: the days whose figures need recomputing.
 */
export async function changedVisitDays(db: Db, zone: string, since: Date | null): Promise<string[]> {
  const rows = rowsOf<{ d: string }>(
    await db.execute(sql`
      select distinct to_char(arrived_at at time zone ${zone}, 'YYYY-MM-DD') as d from call_visits
      ${since ? sql`where updated_at > ${since.toISOString()}::timestamptz` : sql``} order by d`),
  );
  return rows.map((r) => r.d);
}

/** Local days of email contacts changed after `since`, by receipt and by processing. */
export async function changedEmailDays(db: Db, zone: string, since: Date | null): Promise<string[]> {
  const rows = rowsOf<{ d: string }>(
    await db.execute(sql`
      select d from (
        select to_char(received_at at time zone ${zone}, 'YYYY-MM-DD') as d from email_contacts ${since ? sql`where updated_at > ${since.toISOString()}::timestamptz` : sql``}
        union
        select to_char(processed_at at time zone ${zone}, 'YYYY-MM-DD') from email_contacts where processed_at is not null ${since ? sql`and updated_at > ${since.toISOString()}::timestamptz` : sql``}
      ) x order by d`),
  );
  return rows.map((r) => r.d);
}

/** The database's clock: watermarks use it, so they compare with `updated_at` (set by now()). */
export async function databaseNow(db: Db): Promise<Date> {
  const [r] = rowsOf<{ now: string | Date }>(await db.execute(sql`select now() as now`));
  return new Date(r!.now);
}

export async function getComputeMark(db: Db, name: string): Promise<Date | null> {
  const [row] = await db.select().from(callComputeMarks).where(eq(callComputeMarks.name, name));
  return row?.at ?? null;
}

export async function setComputeMark(db: Db, name: string, at: Date): Promise<void> {
  await db.insert(callComputeMarks).values({ name, at }).onConflictDoUpdate({ target: callComputeMarks.name, set: { at } });
}

// ---------------------------------------------------------------------------------------------
// Stored figures (metric_values): day rows computed from visits, month rows summed from days
// ---------------------------------------------------------------------------------------------

export type MetricRow = { grain: 'day' | 'month'; period: string; dims: Record<string, string>; dimKey: string; counts: Record<string, number> };

/** Replaces a metric's day rows for `days` (every slice) in one transaction. */
export async function replaceMetricDays(db: Db, metric: string, days: readonly string[], rows: readonly MetricRow[], computedAt: Date): Promise<void> {
  if (days.length === 0) return;
  await db.transaction(async (tx) => {
    for (let i = 0; i < days.length; i += 500) {
      await tx.delete(metricValues).where(and(eq(metricValues.metric, metric), eq(metricValues.grain, 'day'), inArray(metricValues.period, days.slice(i, i + 500))));
    }
    for (let i = 0; i < rows.length; i += 1000) {
      await tx.insert(metricValues).values(rows.slice(i, i + 1000).map((r) => ({ metric, ...r, computedAt })));
    }
  });
}

/** Stored day rows of a metric within whole months (every slice). */
export async function metricDayRowsOfMonths(db: Db, metric: string, months: readonly string[]) {
  if (months.length === 0) return [];
  return db
    .select({ period: metricValues.period, dims: metricValues.dims, dimKey: metricValues.dimKey, counts: metricValues.counts })
    .from(metricValues)
    .where(and(eq(metricValues.metric, metric), eq(metricValues.grain, 'day'), or(...months.map((m) => like(metricValues.period, `${m}-%`)))));
}

/** Replaces a metric's month rows for `months` in one transaction. */
export async function replaceMetricMonthRows(db: Db, metric: string, months: readonly string[], rows: readonly MetricRow[], computedAt: Date): Promise<void> {
  if (months.length === 0) return;
  await db.transaction(async (tx) => {
    await tx.delete(metricValues).where(and(eq(metricValues.metric, metric), eq(metricValues.grain, 'month'), inArray(metricValues.period, [...months])));
    for (let i = 0; i < rows.length; i += 1000) {
      await tx.insert(metricValues).values(rows.slice(i, i + 1000).map((r) => ({ metric, ...r, computedAt })));
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Email contacts
// ---------------------------------------------------------------------------------------------

/** Upserts email contacts on (source, mailbox, id); unchanged ones are not touched. */
export async function upsertEmailContacts(db: Db, runId: number | null, batch: readonly (EmailContact & { extra?: Record<string, string> | null })[]): Promise<UpsertCounts> {
  if (batch.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const byKey = new Map<string, (typeof batch)[number]>();
  for (const e of batch) byKey.set(`${e.source}\u0000${e.mailbox}\u0000${e.externalId}`, e);
  const rows = [...byKey.values()].map((e) => ({ s: e.source, m: e.mailbox, i: e.externalId, r: e.receivedAt, p: e.processedAt, x: e.extra ?? null }));
  const result = await db.execute<{ inserted: boolean }>(sql`
    insert into email_contacts (source, mailbox, external_id, received_at, processed_at, extra, ingest_run_id, updated_at)
    select s, m, i, ${sql.raw(ms('r'))}, ${sql.raw(ms('p'))}, x, ${runId}, now()
    from json_to_recordset(${JSON.stringify(rows)}::json) as j(s text, m text, i text, r bigint, p bigint, x jsonb)
    on conflict (source, mailbox, external_id) do update set received_at = excluded.received_at, processed_at = excluded.processed_at,
      extra = excluded.extra, ingest_run_id = excluded.ingest_run_id, updated_at = now()
    where (email_contacts.received_at, email_contacts.processed_at, email_contacts.extra) is distinct from (excluded.received_at, excluded.processed_at, excluded.extra)
    returning (xmax = 0) as inserted`);
  const changed = rowsOf<{ inserted: boolean }>(result);
  const inserted = changed.filter((r) => r.inserted).length;
  return { inserted, updated: changed.length - inserted, unchanged: batch.length - changed.length };
}

/** Email contacts received or processed in [from, to). */
export async function emailContactsBetween(db: Db, from: Date, to: Date) {
  const rows = await db
    .select({ mailbox: emailContacts.mailbox, receivedAt: emailContacts.receivedAt, processedAt: emailContacts.processedAt })
    .from(emailContacts)
    .where(or(and(gte(emailContacts.receivedAt, from), lt(emailContacts.receivedAt, to)), and(gte(emailContacts.processedAt, from), lt(emailContacts.processedAt, to))));
  return rows.map((r) => ({ mailbox: r.mailbox, receivedAt: r.receivedAt.getTime(), processedAt: r.processedAt?.getTime() ?? null }));
}

// ---------------------------------------------------------------------------------------------
// Tail cursors
// ---------------------------------------------------------------------------------------------

export async function getTailCursor(db: Db, path: string) {
  const [row] = await db.select().from(callTailCursors).where(eq(callTailCursors.path, path));
  return row;
}

export async function saveTailCursor(db: Db, c: { path: string; source: string; inode: string; offset: number; size: number; lines: number }): Promise<void> {
  await db
    .insert(callTailCursors)
    .values({ ...c, updatedAt: new Date() })
    .onConflictDoUpdate({ target: callTailCursors.path, set: { source: c.source, inode: c.inode, offset: c.offset, size: c.size, lines: c.lines, updatedAt: new Date() } });
}

/** Agent events of a source (tests and agent figures). */
export async function agentEventsOf(db: Db, source: string) {
  return db.select().from(callAgentEvents).where(eq(callAgentEvents.source, source)).orderBy(asc(callAgentEvents.at));
}
