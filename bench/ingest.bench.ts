/**
 * `npm run bench:ingest [-- rows[,rows…]] [pglite]`: generated generic ticket CSVs (default
 * 250,000 and 1,000,000 rows) ingested the way `attain ingest tickets` does, rows/s and peak RSS
 * (sampled every 50 ms during the ingest), beside, in the same run on the same file, a plain line
 * count (readline) and two anchors (docs/bulk-ingest.md, "Anchors"), as ratios:
 *  - the database's own `COPY` of the file into a plain table of text columns (the issue's
 *    anchor: no index, no trigger);
 *  - the database's own `COPY` of the rows the ingest stored into the real `tickets` table, with
 *    its indexes and statement trigger, of a fresh migrated database (bench/real-table-copy.ts):
 *    the rows dumped to a file, then one COPY of them (PGlite: in slices), its time alone. The
 *    generic feed writes no other table per row (history comes only with a mapped preset's event
 *    log), so `tickets` is the whole of it. The restated target compares the ingest with this one.
 * On PostgreSQL, or with `pglite` on the embedded database on disk (COPY there from
 * '/dev/blob'). Each size runs in a child process of its own, so peak RSS of the sizes can be
 * compared (memory must not grow with the file). Prints a table of the ingest against the plain
 * COPY, then a table of the real-table COPY and a `targets:` line for each size.
 *
 * Database: DATABASE_URL when set (tables must be empty: tickets are upserted on their ids), else
 * a fresh database created on postgres://postgres@127.0.0.1:5432 and dropped afterwards. The
 * real-table COPY's database is created beside it (its name + `_anchor`; PGlite: a second folder)
 * and dropped afterwards.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openDatabase, type DbHandle } from '../db/client.ts';
import { appConfigSchema } from '../src/config/app-config.ts';
import { ingestTicketFeedFile } from '../src/feeds/tickets/mapped-feed.ts';
import { directColumns } from '../src/store/bulk-tickets.ts';
import { anchorBeside, copyIntoFreshTables, dumpStoredRows } from './real-table-copy.ts';

const header = 'id,kind,priority,vip,team,channel,category,status,opened_at,first_response_at,resolved_at,closed_at,satisfaction,site,note';
const priorities = ['P1', 'P2', 'P3', 'P4', 'high', 'normal', 'low', 'P5'];
const pad = (n: number) => String(n).padStart(2, '0');
/** Naive local `yyyy-MM-dd HH:mm` (read in Europe/London by the ingest), cheap to format. */
function local(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Writes `rows` generic ticket rows to `file`, streamed with back-pressure (bounded memory). */
async function generate(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const opened = Date.UTC(2024, 0, 1, 7) + i * 53_000;
    const open = i % 20 === 0;
    const first = opened + ((i % 17) + 1) * 300_000;
    const resolved = open ? '' : local(opened + ((i % 40) + 1) * 1_800_000);
    chunk +=
      `T${String(i).padStart(7, '0')},${i % 4 ? 'incident' : 'service_request'},${priorities[i % 8]},${i % 13 === 0 ? 'yes' : 'no'},team-${i % 9},` +
      `${i % 2 ? 'phone' : 'email'},cat-${i % 23},${open ? 'In progress' : 'Resolved'},${local(opened)},${local(first)},${resolved},,${i % 6},site-${i % 4},\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** Peak RSS sampled every 50 ms while `fn` runs. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peak };
  } finally {
    clearInterval(timer);
  }
}

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, drop: async () => {} };
  const adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `attain_bench_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 1 });
    },
  };
}

async function lineCount(file: string): Promise<{ lines: number; ms: number }> {
  const t = performance.now();
  let lines = 0;
  for await (const _ of createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })) lines += 1;
  return { lines, ms: performance.now() - t };
}

/** COPY of the file into a plain table of text columns, on the database the ingest used; its row count. */
async function copyFile(kind: 'pglite' | 'postgres', url: string, handle: DbHandle | null, file: string): Promise<{ ms: number; n: number }> {
  const table = `create table bench_copy (${header.split(',').map((c) => `${c} text`).join(', ')})`;
  if (kind === 'pglite') {
    const pg = (handle!.db as unknown as { session: { client: { exec(q: string): Promise<unknown>; query<T>(q: string, p?: unknown[], o?: { blob: Blob }): Promise<{ rows: T[] }> } } }).session.client;
    await pg.exec(table);
    const t = performance.now();
    await pg.query("copy bench_copy from '/dev/blob' with (format csv, header true)", [], { blob: new Blob([readFileSync(file)]) });
    const ms = performance.now() - t;
    const { rows } = await pg.query<{ n: number }>('select count(*)::int as n from bench_copy');
    return { ms, n: rows[0]!.n };
  }
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe(table);
  const t = performance.now();
  await pipeline(createReadStream(file), await sql`copy bench_copy from stdin with (format csv, header true)`.writable());
  const ms = performance.now() - t;
  const [{ n }] = (await sql`select count(*)::int as n from bench_copy`) as unknown as [{ n: number }];
  await sql.end({ timeout: 1 });
  return { ms, n };
}

/** One size, in this process: generate, count lines, ingest, COPY; prints one JSON line. */
async function one(rows: number, kind: 'pglite' | 'postgres') {
  const dir = await mkdtemp(path.join(tmpdir(), 'attain-bench-ingest-'));
  const file = path.join(dir, `tickets-${rows}.csv`);
  const db = kind === 'postgres' ? await freshDatabase() : { url: '', drop: async () => {} };
  try {
    let t = performance.now();
    await generate(file, rows);
    const generateMs = performance.now() - t;
    const bytes = (await stat(file)).size;
    const count = await lineCount(file);

    const target = kind === 'postgres' ? db.url : path.join(dir, 'pglite');
    const handle = kind === 'postgres' ? await openDatabase({ url: target, max: 2 }) : await openDatabase({ pgliteDir: target });
    await handle.migrate();
    const config = appConfigSchema.parse({});
    const baseRss = process.memoryUsage().rss;
    t = performance.now();
    const { value: result, peak } = await withPeakRss(() => ingestTicketFeedFile(handle.db, file, config, {}));
    const ingestMs = performance.now() - t;
    if (result.status !== 'succeeded' || result.inserted !== rows) throw new Error(`ingest: ${JSON.stringify({ ...result, warnings: undefined })}`);
    const copy = await copyFile(kind, db.url, handle, file);
    if (copy.n !== rows) throw new Error(`copy: ${copy.n} rows, expected ${rows}`);
    // The second anchor: the stored rows (ids as the ingest took them) into a fresh database's tickets.
    const dumps = await dumpStoredRows(handle, target, [{ table: 'tickets', columns: directColumns }], dir);
    await handle.close();
    const real = await copyIntoFreshTables(dumps, anchorBeside(target));
    if (real.rows !== rows) throw new Error(`real-table copy: ${real.rows} rows, expected ${rows}`);
    console.log(JSON.stringify({ rows, bytes, generateMs, countMs: count.ms, ingestMs, copyMs: copy.ms, realCopyMs: real.ms, baseRss, peakRss: peak }));
  } finally {
    await rm(dir, { recursive: true, force: true });
    await db.drop();
  }
}

const mib = (b: number) => `${Math.round(b / 1048576)} MiB`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--one') return one(Number(args[1]), args[2] === 'pglite' ? 'pglite' : 'postgres');
  const kind = args.includes('pglite') ? 'pglite' : 'postgres';
  const sizes = (args.find((a) => /^[\d,]+$/.test(a)) ?? '250000,1000000').split(',').map(Number);
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new Error('usage: bench/ingest.bench.ts [rows[,rows…]]');
  const where = kind === 'pglite' ? 'PGlite on disk (temporary folder)' : `PostgreSQL ${process.env.DATABASE_URL ? 'DATABASE_URL' : '127.0.0.1:5432 (fresh database)'}`;
  console.log(`ingest benchmark: Node ${process.version}, ${where}, load average ${loadavg()[0]!.toFixed(1)}`);
  console.log('| rows | file | line count lines/s | ingest | rows/s | COPY | rows/s | ingest speed ÷ COPY | RSS before → peak during ingest |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const self = fileURLToPath(import.meta.url);
  const done: Measured[] = [];
  for (const rows of sizes) {
    const child = spawnSync(process.execPath, [...process.execArgv, self, '--one', String(rows), kind], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    if (child.status !== 0) throw new Error(`size ${rows}: exit ${child.status}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as Measured;
    done.push(r);
    console.log(
      `| ${fmt(r.rows)} | ${mib(r.bytes)} | ${fmt(((r.rows + 1) / r.countMs) * 1000)} | ${(r.ingestMs / 1000).toFixed(1)} s | ${fmt((r.rows / r.ingestMs) * 1000)} | ${(r.copyMs / 1000).toFixed(2)} s | ${fmt((r.rows / r.copyMs) * 1000)} | ${(r.copyMs / r.ingestMs).toFixed(2)} | ${mib(r.baseRss)} → ${mib(r.peakRss)} |`,
    );
  }
  console.log('');
  console.log('| rows | real-table COPY (tickets, fresh database) | rows/s | ingest speed ÷ real-table COPY | real-table COPY speed ÷ plain COPY |');
  console.log('|---|---|---|---|---|');
  for (const r of done) {
    console.log(`| ${fmt(r.rows)} | ${(r.realCopyMs / 1000).toFixed(2)} s | ${fmt((r.rows / r.realCopyMs) * 1000)} | ${(r.realCopyMs / r.ingestMs).toFixed(2)} | ${(r.copyMs / r.realCopyMs).toFixed(2)} |`);
  }
  for (const r of done) {
    console.log(
      `targets:      ${fmt(r.rows)} rows: ingest ÷ COPY ${(r.copyMs / r.ingestMs).toFixed(2)} (≥ 0.5, issue 13 as written: COPY of the file into a plain table); ` +
        `ingest ÷ real-table COPY ${(r.realCopyMs / r.ingestMs).toFixed(2)} (≥ 0.5, restated: COPY of the same rows into tickets with its indexes and trigger)`,
    );
  }
}

type Measured = { rows: number; bytes: number; countMs: number; ingestMs: number; copyMs: number; realCopyMs: number; baseRss: number; peakRss: number };

await main();
