import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { NormalisedTicket } from '../feeds/tickets/generic.ts';
import { copyInto, csvCell, instantField, oneRow, quoted, quotedOrNull, refusedCopyRecovers, textArrayLiteral, tryCopyInto, withStaging } from './bulk.ts';
import { notePath, plainFirst, type PlainFirst } from './bulk-plain.ts';

export type UpsertCounts = { inserted: number; updated: number; unchanged: number };

// Columns a feed sets; a row counts as changed only when one of them differs.
const dataColumns = [
  'kind', 'priority', 'vip', 'team', 'channel', 'category', 'status', 'opened_at',
  'first_response_at', 'resolved_at', 'closed_at', 'satisfaction', 'extra',
] as const;

// Instants travel as timestamptz text (instantField), so that one line serves both the staging
// table and the COPY straight into tickets.
const staging =
  'seq integer, external_id text, kind text, priority text, vip boolean, team text, channel text, category text, status text, ' +
  'opened_at timestamptz, first_response_at timestamptz, resolved_at timestamptz, closed_at timestamptz, satisfaction integer, extra jsonb';
const stagingColumns = ['seq', 'external_id', ...dataColumns] as const;
// The COPY straight into tickets: the staging line behind the id, source and run (updated_at and
// has_history left to their defaults, as the merge's insert leaves them). Also the columns of the
// benchmarks' real-table COPY (bench/real-table-copy.ts).
export const directColumns = ['id', 'source', 'ingest_run_id', 'external_id', ...dataColumns] as const;
const fromStaging = dataColumns.map((c) => `u.${c}`).join(', ');

const changedClause = sql.raw(
  `(${dataColumns.map((c) => `tickets.${c}`).join(', ')}) is distinct from (${dataColumns.map((c) => `excluded.${c}`).join(', ')})`,
);
const updateSet = sql.raw([...dataColumns.map((c) => `${c} = excluded.${c}`), 'ingest_run_id = excluded.ingest_run_id', 'updated_at = now()'].join(', '));
const instantOf = (d: Date | null) => (d === null ? '' : instantField(d.getTime()));

/**
 * A ticket as a batch keeps it until it is written: its key and its COPY line from `external_id`
 * on (csvCell's encoding, written out in one template: the ingest's hot path), which the write
 * puts behind the staging table's `seq` or behind tickets' id, source and run. Two
 * strings a ticket instead of the normalised object with its dates and `extra`: a batch waiting
 * for the one before it to commit holds a fraction of the memory (BENCHMARKS.md, bench:ingest).
 */
export type StagedTicket = { key: string; cells: string };

/**
 * The string as one flat run of characters. A template of ~30 parts is a tree of concatenations
 * whose leaves are slices of the file's decoded chunk, ~1.2 KiB a row where the text is ~140
 * bytes; kept for a batch, that tree made V8 grow its heap with the batch size (peak RSS 1.3 GiB
 * at 50,000-row batches on bench:ingest, 445 MiB at 20,000). Reading a character of it makes V8
 * flatten it in place: the characters copied once, the tree and the chunk it pointed into left to
 * the garbage collector (live heap at 263,000 rows: 36 MiB, was 140). A conversion to a number
 * (the `flatstr` package's trick) did not do it here: its unused result is optimised away.
 */
let sink = 0;
function flat(s: string): string {
  sink ^= s.charCodeAt(s.length >> 1);
  return s;
}

export function stageTicket(t: NormalisedTicket): StagedTicket {
  return {
    key: t.externalId,
    cells: flat(
      `${quotedOrNull(t.externalId)},${quotedOrNull(t.kind)},${quotedOrNull(t.priority)},${t.vip ? 't' : 'f'},${quotedOrNull(t.team)},${quotedOrNull(t.channel)},${quotedOrNull(t.category)},${quotedOrNull(t.status)},` +
      `${instantField(t.openedAt.getTime())},${instantOf(t.firstResponseAt)},${instantOf(t.resolvedAt)},${instantOf(t.closedAt)},${t.satisfaction ?? ''},${csvCell(t.extra === null ? null : JSON.stringify(t.extra))}`,
    ),
  };
}

/** The cells of a staging line back as values (text, or null for an empty unquoted cell): for the error path only. */
function cellValues(line: string): (string | null)[] {
  const out: (string | null)[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      let j = i + 1;
      for (;;) {
        const k = line.indexOf('"', j);
        v += line.slice(j, k);
        if (line[k + 1] !== '"') {
          i = k + 1;
          break;
        }
        v += '"';
        j = k + 2;
      }
      out.push(v);
    } else {
      const k = line.indexOf(',', i);
      const v = line.slice(i, k < 0 ? line.length : k);
      out.push(v === '' ? null : v);
      i = k < 0 ? line.length : k;
    }
    if (i >= line.length) return out;
    i += 1;
  }
}

// Any fixed number: the transaction-level advisory lock of ticket id blocks (takeTicketIds).
const TICKET_IDS_LOCK = 7_410_263_001;

/**
 * The first of `n` consecutive ticket ids, taken from the tickets' sequence in one step instead
 * of a `nextval` per row (a quarter of the merge's execution time on a 20,000-row batch, in
 * EXPLAIN ANALYZE on PostgreSQL). `nextval` then `setval` is made atomic by a lock every taker holds: this is the
 * only code that inserts tickets without an id (the seed of bench:serve sets its ids and the
 * sequence after). The lock is held to the batch's commit, so ticket batches of concurrent
 * ingests merge one after another; they hold no ticket row locks while they wait for it (the
 * merge is their first statement on tickets), so this cannot deadlock. As with `nextval`, ids
 * of rows that turn out to be updates or unchanged are not used; the sequence stays ahead of
 * every id, so `max(id)` and the publish watermarks keep their meaning.
 */
async function takeTicketIds(tx: Db, n: number): Promise<number> {
  const r = await oneRow<{ first: string | number }>(tx, sql`
    with l as materialized (select pg_advisory_xact_lock(${TICKET_IDS_LOCK}::bigint))
    select setval(pg_get_serial_sequence('tickets', 'id'), nextval(pg_get_serial_sequence('tickets', 'id')) + ${n}::bigint - 1) - ${n}::bigint + 1 as first from l`);
  return Number(r.first);
}

// Lines per piece of the COPY stream: pieces of ~100 KiB, none of them the whole batch.
const LINES_PER_PIECE = 1000;

/** Upserts a batch of normalised tickets: staged, then as bulkUpsertStagedTickets. */
export function bulkUpsertTickets(db: Db, source: string, runId: number, batch: readonly NormalisedTicket[], hint?: PlainFirst): Promise<UpsertCounts> {
  return bulkUpsertStagedTickets(db, source, runId, batch.map(stageTicket), hint);
}

/** A batch's distinct keys in order and each key's staging line (the last one given wins). */
type Keyed = { keys: string[]; cellsOf: Map<string, string> };

/** The batch's lines for COPY in pieces of LINES_PER_PIECE, each line behind `prefix(seq)`. */
function* piecesOf({ keys, cellsOf }: Keyed, prefix: (seq: number) => string): Generator<string> {
  for (let from = 0; from < keys.length; from += LINES_PER_PIECE) {
    let piece = '';
    const to = Math.min(from + LINES_PER_PIECE, keys.length);
    for (let seq = from; seq < to; seq += 1) piece += `${prefix(seq)}${cellsOf.get(keys[seq]!)!}\n`;
    yield piece;
  }
}

/**
 * Whether a stored ticket of `source` has one of `keys`. First one probe of the (source, external
 * id) index for the range from the least key to the greatest (in the column's own collation,
 * which is the index's): none there, none of the keys — a first load, or an export of tickets
 * newer than any stored. Only when the range holds stored tickets, one probe a key. A LATERAL …
 * LIMIT 1 is never turned into a join, so that plan cannot hash the whole of tickets however many
 * keys the batch has (as migration 0022 does for history).
 */
async function anyTicketStored(tx: Db, source: string, keys: readonly string[]): Promise<boolean> {
  const r = await oneRow<{ found: boolean | string }>(tx, sql`
    with k as materialized (select unnest(${textArrayLiteral(keys)}::text[]) as id)
    select case
      when not exists (select 1 from tickets t where t.source = ${source} and t.external_id between (select min(id) from k) and (select max(id) from k)) then false
      else exists (select 1 from k cross join lateral (select 1 from tickets t where t.source = ${source} and t.external_id = k.id limit 1) t)
    end as found`);
  return r.found === true || r.found === 't';
}

/**
 * Upserts a batch of tickets on (source, external id): a row whose data is unchanged is not
 * touched (not even `updated_at`), so ingesting the same file twice changes nothing. Counts:
 * inserted, updated, and the rest unchanged (a key repeated in the batch counts once written, its
 * other rows unchanged: the last one wins).
 *
 * Two paths (docs/bulk-ingest.md), as the call ingest has (bulk-calls.ts): when
 * no stored ticket has one of the batch's keys (a first load, the bulk of history), one COPY
 * straight into tickets; else, or when the run's last batch met stored tickets (`hint`:
 * bulk-plain.ts), COPY into a staging table and one merge. The statement triggers on tickets fire
 * for a COPY as for an INSERT, with the same transition table, so the counts they keep are the
 * same. The keys are looked up after the id lock is taken (takeTicketIds): every other writer of
 * new tickets waits for it, so none can insert one of them before this batch commits.
 */
export async function bulkUpsertStagedTickets(db: Db, source: string, runId: number, batch: readonly StagedTicket[], hint: PlainFirst = plainFirst()): Promise<UpsertCounts> {
  if (batch.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const cellsOf = new Map<string, string>();
  for (const t of batch) cellsOf.set(t.key, t.cells);
  // Rows in key order: two ingests of overlapping files lock shared keys in the same order and
  // cannot deadlock on them (a remaining conflict is retried by the caller, retryOnConflict).
  const keyed: Keyed = { keys: [...cellsOf.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), cellsOf };
  const { keys } = keyed;
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    // No JIT for the writes and the statement triggers they fire: the no-history trigger's join with
    // its transition table is estimated at millions of rows, so PostgreSQL compiled it with LLVM on
    // every batch (1.2 s of a 20,000-row batch's 2.1 s in EXPLAIN ANALYZE, for a join of no rows).
    // PGlite has no JIT; the setting is a no-op there.
    // Room in memory (this transaction only) for the merge's sort of the batch and the triggers'
    // transition tables of its rows (~400 bytes a row), which spilled to temporary files at the
    // default 4 MB: on PGlite, whose files go through its virtual file system, a 200,000-row
    // ingest's merges took 12.2 s instead of 16.9 s with it (bench:ingest pglite, same load).
    await tx.execute(sql.raw("select set_config('jit', 'off', true), set_config('work_mem', '64MB', true)"));
    const first = await takeTicketIds(tx, keys.length);
    const lead = `,${quoted(source)},${runId},`;
    if (
      hint.copy &&
      (refusedCopyRecovers(tx) || !(await anyTicketStored(tx, source, keys))) &&
      (await tryCopyInto(tx, 'tickets', directColumns, piecesOf(keyed, (seq) => `${first + seq}${lead}`)))
    ) {
      notePath(hint, true);
      return { inserted: keys.length, updated: 0, unchanged: batch.length - keys.length };
    }
    const changed = await mergeThroughStaging(tx, source, runId, first, keyed);
    notePath(hint, false, { inserted: changed.inserted, rows: keys.length });
    return { inserted: changed.inserted, updated: changed.changed - changed.inserted, unchanged: batch.length - changed.changed };
  });
}

/**
 * The batch through a staging table filled by COPY and one `insert … select … on conflict … where
 * (…) is distinct from (…)`; inserted and updated told apart by `xmax = 0` of the rows written.
 */
function mergeThroughStaging(tx: Db, source: string, runId: number, first: number, keyed: Keyed) {
  const { keys, cellsOf } = keyed;
  return withStaging(tx, 'bulk_tickets', staging, async (st) => {
    await copyInto(st, 'bulk_tickets', stagingColumns, piecesOf(keyed, (seq) => `${seq},`), () =>
      keys.map((k, seq) => {
        const values = [seq, ...cellValues(cellsOf.get(k)!)];
        return Object.fromEntries(stagingColumns.map((c, i) => [c, values[i]]));
      }),
    );
    return oneRow<{ inserted: number; changed: number }>(st, sql`
      with m as (
        insert into tickets (id, source, ingest_run_id, ${sql.raw(dataColumns.join(', '))}, external_id)
        select ${first}::bigint + u.seq, ${source}, ${runId}::bigint, ${sql.raw(fromStaging)}, u.external_id
        from bulk_tickets u order by u.seq
        on conflict (source, external_id) do update set ${updateSet}
        where ${changedClause}
        returning (xmax = 0) as inserted)
      select (count(*) filter (where inserted))::int as inserted, count(*)::int as changed from m`);
  });
}
