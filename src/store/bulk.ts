import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { civilFromDays, DAY_MS, HOUR_MS, MINUTE_MS } from '../calendar/zone.ts';

/**
 * The bulk write path shared by the ticket and call ingests (BENCHMARKS.md, bench:ingest and
 * bench:calls): a batch is streamed with `COPY` into a temporary staging table and merged into
 * the real table with one set-based statement. `COPY` is not in drizzle's API, so it is run on
 * the driver under the transaction: postgres.js `COPY … FROM STDIN` (a writable stream), or
 * PGlite's `COPY … FROM '/dev/blob'` with the batch as a Blob.
 */

type PostgresJsClient = { unsafe(query: string): Promise<unknown> & { writable(): Promise<NodeJS.WritableStream> } };
type PgliteClient = { query(query: string, params?: unknown[], options?: { blob?: Blob }): Promise<unknown> };

/** The driver's client a drizzle database or transaction runs its statements on. */
function driverOf(db: Db): { kind: 'postgres'; client: PostgresJsClient } | { kind: 'pglite'; client: PgliteClient } {
  const client = (db as unknown as { session?: { client?: Record<string, unknown> } }).session?.client;
  if (client && typeof client.unsafe === 'function') return { kind: 'postgres', client: client as unknown as PostgresJsClient };
  if (client && typeof client.query === 'function') return { kind: 'pglite', client: client as unknown as PgliteClient };
  throw new Error('bulk write: unknown database driver');
}

/**
 * Fields of a `COPY … (format csv)` line. The ingests write them straight into one template a row
 * (no array of cells per row: millions of rows), so each kind of value has its own encoder.
 */
/** A text value: always quoted (an empty string is not NULL), quotes doubled. */
export const quoted = (v: string) => (v.includes('"') ? `"${v.replaceAll('"', '""')}"` : `"${v}"`);
/** A nullable text value: NULL is the empty unquoted field. */
export const quotedOrNull = (v: string | null | undefined) => (v === null || v === undefined ? '' : quoted(v));
/**
 * An instant (UTC ms) as timestamptz input, written with integer arithmetic: `toISOString` costs
 * ~1.2 µs, this ~0.2 µs, and a ticket has up to four (bench:ingest). `YYYY-MM-DD HH:MMZ`, with
 * seconds and milliseconds only when there are some; the day's text is reused while instants
 * stay on one day. Years outside 1000–9999 (never stored: storableProblem) go through toISOString.
 */
let dayOfPrefix = Number.NaN;
let dayPrefix = '';
const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
export function instantField(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== dayOfPrefix) {
    const [y, m, d] = civilFromDays(day);
    if (y < 1000 || y > 9999) return new Date(ms).toISOString();
    dayPrefix = `${y}-${two(m)}-${two(d)} `;
    dayOfPrefix = day;
  }
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / HOUR_MS);
  rest -= h * HOUR_MS;
  const min = Math.floor(rest / MINUTE_MS);
  rest -= min * MINUTE_MS;
  if (rest === 0) return `${dayPrefix}${two(h)}:${two(min)}Z`;
  const milli = rest % 1000;
  return `${dayPrefix}${two(h)}:${two(min)}:${two((rest - milli) / 1000)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** An instant (UTC ms) as timestamptz input (instantField), or NULL. */
export const instantOrNull = (ms: number | null | undefined) => (ms === null || ms === undefined ? '' : instantField(ms));

/** A number, or NULL. */
export const numberOrNull = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

/** Any value as one field: NULL unquoted and empty, text always quoted. */
export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return quoted(v);
}

/** Rows as CSV text for COPY: one line a row, cells already encoded with csvCell. */
export function csvLines(rows: Iterable<string[]>): string {
  const parts: string[] = [];
  for (const r of rows) parts.push(r.join(','));
  parts.push('');
  return parts.join('\n');
}

/**
 * Text values as one PostgreSQL array literal: a batch's keys as a single parameter, whatever its
 * size. Every element quoted (an empty string or NULL-looking text stays text); backslashes and
 * quotes escaped only where there are some (most keys have none).
 */
export const textArrayLiteral = (values: readonly string[]) => `{${values.map((v) => (/["\\]/.test(v) ? `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : `"${v}"`)).join(',')}}`;

const copyStatement = (table: string, columns: readonly string[], source: string) => `copy ${table} (${columns.join(', ')}) from ${source} with (format csv)`;

/** PGlite's COPY: the text handed over as one blob (its `/dev/blob` device). */
async function copyFromBlob(client: PgliteClient, table: string, columns: readonly string[], pieces: Iterable<string>): Promise<void> {
  await client.query(copyStatement(table, columns, "'/dev/blob'"), [], { blob: new Blob([...pieces]) });
}

/**
 * Streams `text` (csvLines; or the same text in pieces, each ending in a line break) into `table
 * (columns)` with COPY, on the connection of `db`, which must be a transaction (the staging table
 * is a temporary one of that transaction). Pieces are sent one after another, so a large batch is
 * never one string nor one buffer. `rows` gives the same rows as column → value objects: only
 * used when PostgreSQL refuses the COPY (a value the feed's checks let through), to raise
 * PostgreSQL's own reason (see copyFromStdin).
 */
export async function copyInto(db: Db, table: string, columns: readonly string[], text: string | Iterable<string>, rows: () => Record<string, unknown>[]): Promise<void> {
  const pieces = typeof text === 'string' ? [text] : text;
  const driver = driverOf(db);
  if (driver.kind === 'pglite') return copyFromBlob(driver.client, table, columns, pieces);
  if (await copyFromStdin(driver.client, copyStatement(table, columns, 'stdin'), pieces)) return;
  // The same rows as one statement: PostgreSQL raises the error COPY met, with its message.
  await db.execute(sql`insert into ${sql.raw(table)} select * from json_populate_recordset(null::${sql.raw(table)}, ${JSON.stringify(rows())}::json)`);
  throw new Error(`${table}: the database refused the batch`);
}

/**
 * COPY … FROM STDIN through postgres.js inside a savepoint; false (savepoint rolled back) when
 * PostgreSQL refused it. postgres.js loses an error that arrives after the stream's end (the
 * stream never finishes, the query promise already resolved), so the outcome is read from the
 * next statement on the connection instead: it runs once the COPY is over, and fails only when
 * the COPY left the transaction aborted.
 */
async function copyFromStdin(client: PostgresJsClient, statement: string, pieces: Iterable<string>): Promise<boolean> {
  await client.unsafe('savepoint bulk_copy');
  const stream = (await client.unsafe(statement).writable()) as NodeJS.WritableStream & { writableFinished?: boolean };
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    // Each piece handed over once the socket took the one before (back-pressure: one piece in memory as bytes).
    const it = pieces[Symbol.iterator]();
    const next = (e?: Error | null) => {
      if (e) return reject(e);
      const n = it.next();
      if (n.done) return resolve();
      stream.write(n.value, next);
    };
    next();
  });
  stream.end();
  // The next statement may be sent only once the stream has handed over its end (COPY_IN_PROGRESS before).
  for (let i = 0; ; i += 1) {
    try {
      await client.unsafe('release savepoint bulk_copy');
      return true;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'COPY_IN_PROGRESS' && i < 1000) {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      if (code !== '25P02') throw e;
      await client.unsafe('rollback to savepoint bulk_copy');
      return false;
    }
  }
}

/**
 * Runs `fn` with a temporary staging table created for it (dropped after, and at commit in any
 * case) inside a transaction, or a savepoint when `db` already is one: COPY must run on the
 * connection that holds the table.
 */
export async function withStaging<T>(db: Db, table: string, definition: string, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`create temp table ${table} (${definition}) on commit drop`));
    const result = await fn(tx as unknown as Db);
    await tx.execute(sql.raw(`drop table ${table}`));
    return result;
  });
}

/** One row of an aggregate the merge statement returns (postgres.js answers an array, PGlite `{ rows }`). */
export async function oneRow<T>(db: Db, query: SQL): Promise<T> {
  const result = await db.execute(query);
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: T[] }).rows) as T[];
  return rows[0]!;
}

/**
 * Lets the batch's transaction commit without waiting for its WAL flush (`synchronous_commit =
 * off`, this transaction only). Safe for an ingest batch: a database crash can lose only the last
 * commits, never corrupt them, and the run's progress record of a batch is written after it in a
 * transaction that does wait, which flushes the batch's commit too; a lost batch is neither
 * counted nor kept, and re-running the file writes it again (upserts on natural keys).
 */
export async function relaxCommit(tx: Db): Promise<void> {
  await tx.execute(sql.raw('set local synchronous_commit = off'));
}

/**
 * COPY of `text` (as copyInto) straight into the real `table`, in a savepoint of `db` (a
 * transaction): true when it went in; false, nothing written, when the database refused it — a
 * unique key already held, or a value it would not take. The caller then merges the same rows
 * through a staging table, which meets the stored keys, or raises the refused value's own reason
 * (copyInto). No staging table, no INSERT … SELECT: a batch that meets no stored row costs one
 * COPY (BENCHMARKS.md, bench:calls).
 */
export async function tryCopyInto(db: Db, table: string, columns: readonly string[], text: string | Iterable<string>): Promise<boolean> {
  const pieces = typeof text === 'string' ? [text] : text;
  const driver = driverOf(db);
  if (driver.kind === 'postgres') return copyFromStdin(driver.client, copyStatement(table, columns, 'stdin'), pieces);
  await driver.client.query('savepoint bulk_copy');
  try {
    await copyFromBlob(driver.client, table, columns, pieces);
  } catch {
    await driver.client.query('rollback to savepoint bulk_copy');
    return false;
  }
  await driver.client.query('release savepoint bulk_copy');
  return true;
}

/**
 * Whether a COPY the database refuses half-way leaves the transaction usable after its savepoint
 * is rolled back: on PGlite yes; through postgres.js not (the refusal arrives while the stream is
 * open, and the transaction stays aborted), so a caller checks before a COPY that may be refused.
 */
export const refusedCopyRecovers = (db: Db): boolean => driverOf(db).kind === 'pglite';

/**
 * Where a batch's COPY text is cut into pieces: each piece becomes one Buffer on its way to the
 * socket (postgres.js copies it once more into its CopyData message). Buffers past glibc's mmap
 * threshold (128 KiB) are fresh pages mapped and unmapped each time: a batch sent as one 1 MiB
 * string spent more time in those page faults than in writing its lines (BENCHMARKS.md,
 * bench:calls); pieces of 32 KiB reuse the allocator's memory.
 */
const COPY_PIECE_CHARS = 32 * 1024;

/**
 * COPY text built line by line as pieces of about COPY_PIECE_CHARS (for copyInto and tryCopyInto).
 * A piece is joined from its lines, one flat string: appended with `+=` it stayed a tree of a few
 * objects a field until the driver read it, and the trees of the batch being built and of the
 * one being written survived young-generation collections, copied at each (bench:calls:
 * docs/calls-ingest.md, fifth pass).
 */
export class CopyPieces {
  readonly pieces: string[] = [];
  private lines: string[] = [];
  private chars = 0;

  add(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= COPY_PIECE_CHARS) this.cut();
  }

  private cut(): void {
    this.pieces.push(this.lines.join(''));
    this.lines = [];
    this.chars = 0;
  }

  /** The pieces, the last one included: call once, after the last line. */
  done(): string[] {
    if (this.chars > 0) this.cut();
    return this.pieces;
  }
}
