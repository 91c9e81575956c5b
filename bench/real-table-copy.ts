/**
 * The second anchor of bench:ingest and bench:calls (docs/bulk-ingest.md, "Anchors"): the
 * database's own COPY of the rows an ingest stored, into the same real tables — their indexes and
 * statement triggers included — of a fresh migrated database of the same kind. That is the
 * fastest the database itself takes those rows into those tables, so an ingest's time against
 * it is the product's own overhead (reading, parsing, batching, key probes, round trips), where
 * the COPY into a plain table also counts what the tables' indexes and triggers cost.
 *
 * 1. `dumpStoredRows`: each table's rows, as the ingest stored them, streamed into a file in the
 *    temporary folder (COPY's text format: one row a line, a line break inside a value written
 *    as `\n`), in the heap's order, which for a first load is the order the ingest inserted them.
 *    PostgreSQL: `COPY … TO STDOUT`; PGlite: `COPY (…) TO '/dev/blob'` by ranges of heap pages.
 *    Never the whole dump in memory.
 * 2. `copyIntoFreshTables`: a fresh database (PostgreSQL: a second database created and dropped
 *    here; PGlite: a second folder), migrated, then, timed, one transaction of one COPY per table
 *    (PGlite: `COPY … FROM '/dev/blob'` in slices of whole lines) and its commit. Each table's
 *    rows are counted after, and must be those dumped; `sameAfter` names tables the triggers keep
 *    whose row count must then equal the ingest's (the triggers did the same work).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import { openDatabase, type DbHandle } from '../db/client.ts';

/** A real table and the columns the ingest's own COPY writes (those it leaves to their defaults left out). */
export type RealTable = { table: string; columns: readonly string[] };
export type DumpedTable = RealTable & { file: string; rows: number; bytes: number };
/** Where the fresh database is: a database `name` created on the server of `url`, or a PGlite folder. */
export type FreshDatabase = { kind: 'postgres'; url: string; name: string } | { kind: 'pglite'; dir: string };

/**
 * The fresh database beside the ingest's: on the same PostgreSQL server, named as the ingest's
 * database plus `_anchor` (so parallel benchmarks with their own databases keep apart); for a
 * PGlite folder, the folder plus `-anchor`.
 */
export function anchorBeside(target: string): FreshDatabase {
  if (!target.startsWith('postgres')) return { kind: 'pglite', dir: `${target}-anchor` };
  return { kind: 'postgres', url: target, name: `${decodeURIComponent(new URL(target).pathname.slice(1)) || 'postgres'}_anchor` };
}

type PgliteClient = {
  query<T>(q: string, p?: unknown[], o?: { blob?: Blob }): Promise<{ rows: T[]; blob?: Blob }>;
  exec(q: string): Promise<unknown>;
};
type Driver = { kind: 'postgres'; sql: postgres.Sql } | { kind: 'pglite'; pg: PgliteClient };

function driverOf(handle: DbHandle): Driver {
  const client = (handle.db as unknown as { session: { client: unknown } }).session.client;
  return handle.kind === 'postgres' ? { kind: 'postgres', sql: client as postgres.Sql } : { kind: 'pglite', pg: client as PgliteClient };
}

async function rowsOf(d: Driver, query: string): Promise<{ n: number }[]> {
  return d.kind === 'postgres' ? ((await d.sql.unsafe(query)) as unknown as { n: number }[]) : (await d.pg.query<{ n: number }>(query)).rows;
}

const countOf = async (d: Driver, table: string) => (await rowsOf(d, `select count(*)::int as n from ${table}`))[0]!.n;

// Heap pages per PGlite slice of the dump (8 KiB each): a slice's text is held once in WebAssembly memory, once as a Blob.
const PAGES_PER_SLICE = 2048;

/**
 * Each table's rows into `dir/<table>.copy` (see the file's comment). `source` is the ingest's
 * database, open on `target` (its URL, or its PGlite folder), and stays open. On PostgreSQL the
 * dump runs on a connection of its own, ended after: postgres.js pauses the socket when the COPY's
 * reader pushes back and resumes it only when the reader asks for more, which an ended stream no
 * longer does, so a statement sent after it on the same connection would wait forever.
 */
export async function dumpStoredRows(source: DbHandle, target: string, tables: readonly RealTable[], dir: string): Promise<DumpedTable[]> {
  const d = driverOf(source);
  const out: DumpedTable[] = [];
  for (const t of tables) {
    const file = path.join(dir, `${t.table}.copy`);
    const cols = t.columns.join(', ');
    const rows = await countOf(d, t.table);
    if (d.kind === 'postgres') {
      const own = postgres(target, { max: 1, onnotice: () => {} });
      try {
        await pipeline(await own.unsafe(`copy ${t.table} (${cols}) to stdout`).readable(), createWriteStream(file));
      } finally {
        await own.end({ timeout: 0 });
      }
    } else {
      const pages = (await rowsOf(d, `select (pg_relation_size('${t.table}') / current_setting('block_size')::int)::int as n`))[0]!.n;
      const w = createWriteStream(file);
      for (let from = 0; from < pages; from += PAGES_PER_SLICE) {
        const r = await d.pg.query(`copy (select ${cols} from ${t.table} where ctid >= '(${from},0)'::tid and ctid < '(${from + PAGES_PER_SLICE},0)'::tid) to '/dev/blob'`);
        if (r.blob && !w.write(Buffer.from(await r.blob.arrayBuffer()))) await once(w, 'drain');
      }
      w.end();
      await once(w, 'finish');
    }
    out.push({ ...t, file, rows, bytes: (await stat(file)).size });
  }
  return out;
}

/**
 * PGlite's COPY of a file from '/dev/blob' (`statement` reads from it) in slices of whole lines
 * of about 16 MiB: the blob is held in WebAssembly memory while it is copied, so the whole file
 * must not be one. Lines only: a slice must not cut a row (COPY's text format, or a format whose
 * values hold no line break).
 */
export async function copyFileInSlices(pg: { query(q: string, p: unknown[], o: { blob: Blob }): Promise<unknown> }, statement: string, file: string): Promise<void> {
  let rest = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 16 << 20 }) as AsyncIterable<Buffer>) {
    const buf = Buffer.concat([rest, chunk]);
    const cut = buf.lastIndexOf(10) + 1;
    rest = buf.subarray(cut);
    if (cut > 0) await pg.query(statement, [], { blob: new Blob([buf.subarray(0, cut)]) });
  }
  if (rest.length > 0) await pg.query(statement, [], { blob: new Blob([rest]) });
}

/**
 * The anchor's transaction takes the ticket ingest's settings for its writes (bulk-tickets.ts):
 * no JIT — one COPY of a million rows hands the statement triggers transition tables large
 * enough for the planner to compile their statements with LLVM, which the ticket ingest turned
 * off for its batches — and the same work_mem for the triggers' transition tables. Measured, they
 * barely matter, nor does one COPY against the ingest's batches of 20,000 rows (docs/bulk-ingest.md,
 * "Anchors").
 */
const ANCHOR_SETTINGS = "select set_config('jit', 'off', true), set_config('work_mem', '64MB', true)";

/**
 * The dumped rows copied into the same tables of a fresh migrated database (see the file's
 * comment), which is dropped (or its folder removed) after. Returns the time of the COPYs and
 * their commit only.
 */
export async function copyIntoFreshTables(dumps: readonly DumpedTable[], fresh: FreshDatabase, sameAfter: readonly { table: string; rows: number }[] = []): Promise<{ ms: number; rows: number }> {
  let admin: postgres.Sql | undefined;
  let target: DbHandle | undefined;
  const dropFresh = async () => {
    if (fresh.kind === 'postgres') await admin?.unsafe(`drop database if exists ${fresh.name} with (force)`);
    else await rm(fresh.dir, { recursive: true, force: true });
  };
  try {
    if (fresh.kind === 'postgres') {
      admin = postgres(fresh.url, { max: 1, onnotice: () => {} });
      await dropFresh();
      await admin.unsafe(`create database ${fresh.name}`);
      const u = new URL(fresh.url);
      u.pathname = `/${fresh.name}`;
      target = await openDatabase({ url: u.toString(), max: 1 });
    } else {
      target = await openDatabase({ pgliteDir: fresh.dir });
    }
    await target.migrate();
    const d = driverOf(target);
    let ms: number;
    if (d.kind === 'postgres') {
      const t = performance.now();
      await d.sql.begin(async (tx) => {
        await tx.unsafe(ANCHOR_SETTINGS);
        for (const dump of dumps) await pipeline(createReadStream(dump.file, { highWaterMark: 1 << 20 }), await tx.unsafe(`copy ${dump.table} (${dump.columns.join(', ')}) from stdin`).writable());
      });
      ms = performance.now() - t;
    } else {
      const t = performance.now();
      await d.pg.exec('begin');
      await d.pg.query(ANCHOR_SETTINGS);
      for (const dump of dumps) await copyFileInSlices(d.pg, `copy ${dump.table} (${dump.columns.join(', ')}) from '/dev/blob'`, dump.file);
      await d.pg.exec('commit');
      ms = performance.now() - t;
    }
    for (const { table, rows } of [...dumps, ...sameAfter]) {
      const n = await countOf(d, table);
      if (n !== rows) throw new Error(`real-table COPY: ${table} has ${n} rows, the ingest's database ${rows}`);
    }
    return { ms, rows: dumps.reduce((s, x) => s + x.rows, 0) };
  } finally {
    await target?.close();
    await dropFresh();
    await admin?.end({ timeout: 1 });
  }
}

/** The row counts of `tables` in `handle`'s database: what `copyIntoFreshTables`' `sameAfter` checks. */
export async function rowCounts(handle: DbHandle, tables: readonly string[]): Promise<{ table: string; rows: number }[]> {
  const d = driverOf(handle);
  const out: { table: string; rows: number }[] = [];
  for (const table of tables) out.push({ table, rows: await countOf(d, table) });
  return out;
}
