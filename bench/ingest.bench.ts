/**
 * `npm run bench:ingest [-- rows[,rows…]] [--keep-db]`: generated generic ticket CSVs (default
 * 250,000 and 1,000,000 rows) ingested into PostgreSQL the way `attain ingest tickets` does,
 * rows/s and peak RSS (sampled every 50 ms during the ingest), beside PostgreSQL's own `COPY` of
 * the same file into a plain table of text columns, as a ratio. Each size runs in a child
 * process of its own, so peak RSS of the sizes can be compared (memory must not grow with the file).
 *
 * Database: DATABASE_URL when set (tables must be empty: tickets are upserted on their ids), else
 * a fresh database created on postgres://postgres@127.0.0.1:5432 and dropped afterwards.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openDatabase } from '../db/client.ts';
import { appConfigSchema } from '../src/config/app-config.ts';
import { ingestTicketFeedFile } from '../src/feeds/tickets/mapped-feed.ts';

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

/** One size, in this process: generate, ingest, COPY; prints one JSON line. */
async function one(rows: number) {
  const dir = await mkdtemp(path.join(tmpdir(), 'attain-bench-ingest-'));
  const file = path.join(dir, `tickets-${rows}.csv`);
  const db = await freshDatabase();
  try {
    let t = performance.now();
    await generate(file, rows);
    const generateMs = performance.now() - t;
    const bytes = (await stat(file)).size;

    const handle = await openDatabase({ url: db.url, max: 2 });
    await handle.migrate();
    const config = appConfigSchema.parse({});
    const baseRss = process.memoryUsage().rss;
    t = performance.now();
    const { value: result, peak } = await withPeakRss(() => ingestTicketFeedFile(handle.db, file, config, {}));
    const ingestMs = performance.now() - t;
    await handle.close();
    if (result.status !== 'succeeded' || result.inserted !== rows) throw new Error(`ingest: ${JSON.stringify({ ...result, warnings: undefined })}`);

    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    await sql.unsafe(`create table bench_copy (${header.split(',').map((c) => `${c} text`).join(', ')})`);
    t = performance.now();
    await pipeline(createReadStream(file), await sql`copy bench_copy from stdin with (format csv, header true)`.writable());
    const copyMs = performance.now() - t;
    const [{ n }] = (await sql`select count(*)::int as n from bench_copy`) as unknown as [{ n: number }];
    await sql.end({ timeout: 1 });
    if (n !== rows) throw new Error(`copy: ${n} rows, expected ${rows}`);
    console.log(JSON.stringify({ rows, bytes, generateMs, ingestMs, copyMs, baseRss, peakRss: peak }));
  } finally {
    await rm(dir, { recursive: true, force: true });
    await db.drop();
  }
}

const mib = (b: number) => `${Math.round(b / 1048576)} MiB`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--one') return one(Number(args[1]));
  const sizes = (args[0] ?? '250000,1000000').split(',').map(Number);
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new Error('usage: bench/ingest.bench.ts [rows[,rows…]]');
  console.log(`ingest benchmark: Node ${process.version}, PostgreSQL ${process.env.DATABASE_URL ? 'DATABASE_URL' : '127.0.0.1:5432 (fresh database)'}`);
  console.log('| rows | file | ingest | rows/s | COPY | rows/s | ingest ÷ COPY | RSS before → peak during ingest |');
  console.log('|---|---|---|---|---|---|---|---|');
  const self = fileURLToPath(import.meta.url);
  for (const rows of sizes) {
    const child = spawnSync(process.execPath, [...process.execArgv, self, '--one', String(rows)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    if (child.status !== 0) throw new Error(`size ${rows}: exit ${child.status}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as { rows: number; bytes: number; ingestMs: number; copyMs: number; baseRss: number; peakRss: number };
    console.log(
      `| ${fmt(r.rows)} | ${mib(r.bytes)} | ${(r.ingestMs / 1000).toFixed(1)} s | ${fmt((r.rows / r.ingestMs) * 1000)} | ${(r.copyMs / 1000).toFixed(2)} s | ${fmt((r.rows / r.copyMs) * 1000)} | ${(r.ingestMs / r.copyMs).toFixed(1)}× | ${mib(r.baseRss)} → ${mib(r.peakRss)} |`,
    );
  }
}

await main();
