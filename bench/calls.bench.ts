/**
 * `npm run bench:calls [-- lines=10000000]`: a generated Asterisk queue_log of `lines` lines
 * (a month of calls, bench/queue-log-generator.ts) written to a temporary file, then
 *  1. a plain line count of the file (readline, nothing else): the floor any reader pays;
 *  2. the product's ingest of it (`ingestCallFile`, format queue_log) into a database: embedded
 *     PGlite on disk in the temporary folder, or PostgreSQL with DATABASE_URL (a fresh database
 *     is created and dropped; BENCH_DB names it). The ingest runs in a process of its own, as
 *     `attain ingest calls` does, and its peak RSS is that process's own (getrusage maxrss, from
 *     its start: the loader, the modules and the ingest), not the benchmark's;
 *  3. the month's KPIs computed and stored (the compute-calls job), then read back over HTTP
 *     (`compute=0` skips it);
 * and, in the same run on the same file: parsing alone (lines read and assembled into visits,
 * nothing written) and two anchors (docs/bulk-ingest.md, "Anchors"):
 *  - the database's own `COPY` of the lines into a one-column table (PostgreSQL `COPY … FROM
 *    STDIN`; PGlite `COPY … FROM '/dev/blob'` in 16 MiB slices): issue 13's anchor;
 *  - the database's own `COPY` of the rows the ingest stored — its visits and agent events, the
 *    two tables it writes a row to per visit or event — into the real `call_visits` and
 *    `call_agent_events`, with their indexes and the interval counts' statement triggers, of a
 *    fresh migrated database beside the bench's (bench/real-table-copy.ts): the rows dumped to
 *    files, then one COPY per table in one transaction, its time alone (with the KPIs computed,
 *    after them, so that a second PGlite's memory is not in their peak RSS). The restated target
 *    compares the ingest with this one; `call_interval_counts` must end with as many rows as the
 *    ingest's (the triggers did the same work).
 * Prints lines per second of each (the real-table COPY also as rows per second), the ingest's
 * ratio to the plain count and to each COPY, parsing alone's ratio to the plain count, and peak
 * RSS; the `targets:` line gives the target (against the one-column COPY) and the
 * restated one (against the real-table COPY). Arguments: `lines=N`, `compute=0`, `batch=N` (a
 * fixed batch size instead of the growing one).
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openDatabase, type DbHandle } from '../db/client.ts';
import { computeCalls } from '../jobs/compute-calls.ts';
import { callsRules } from '../src/calls/rules.ts';
import { appConfigSchema } from '../src/config/app-config.ts';
import { ingestCallFile, readLineBatches } from '../src/feeds/calls/ingest-file.ts';
import { createQueueLogAssembler } from '../src/feeds/calls/queue-log.ts';
import { createApp } from '../src/http/app.ts';
import { eventColumns, visitColumns } from '../src/store/bulk-calls.ts';
import { writeQueueLog } from './queue-log-generator.ts';
import { anchorBeside, copyFileInSlices, copyIntoFreshTables, dumpStoredRows, rowCounts } from './real-table-copy.ts';

const arg = (name: string, fallback: number) => {
  const a = process.argv.find((x) => x.startsWith(`${name}=`));
  return a ? Number(a.slice(name.length + 1).replace(/_/g, '')) : fallback;
};
const LINES = arg('lines', 10_000_000);
const COMPUTE = arg('compute', 1) !== 0;
const BATCH = arg('batch', 0) || undefined;

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
const mib = (b: number) => `${Math.round(b / 1024 / 1024)} MiB`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

type ChildResult = { rowsRead: number; ms: number; status: string; inserted: number; agentEvents: number; rejected: number; maxRssKiB: number };

/** The ingest in a process of its own (`child-ingest FILE TARGET`): TARGET a postgres:// URL or a PGlite folder. */
async function childIngest(file: string, target: string): Promise<never> {
  const h = await openDatabase(target.startsWith('postgres') ? { url: target, max: 4 } : { pgliteDir: target });
  const t = performance.now();
  let lastReport = 0;
  const r = await ingestCallFile(h.db, file, 'queue_log', {
    source: 'bench',
    zone: 'Europe/London',
    batchSize: BATCH,
    onProgress: (p) => {
      if (p.rowsRead - lastReport >= 1_000_000) {
        lastReport = p.rowsRead;
        process.stderr.write(`  ${fmt(p.rowsRead)} lines, ${((performance.now() - t) / 1000).toFixed(0)} s\n`);
      }
    },
  });
  const ms = performance.now() - t;
  await h.close();
  const out: ChildResult = { rowsRead: r.rowsRead, ms, status: r.status, inserted: r.inserted, agentEvents: r.agentEvents, rejected: r.rejected, maxRssKiB: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

/** Runs childIngest in a new Node process (the same loader as this one) and returns what it measured. */
function ingestInChild(file: string, target: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'child-ingest', file, target, ...process.argv.slice(2)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult) : reject(new Error(`ingest process exited with ${code}`))));
  });
}

if (process.argv[2] === 'child-ingest') await childIngest(process.argv[3]!, process.argv[4]!);

async function openBenchDb(): Promise<DbHandle & { target: string }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    // On disk in the temporary folder (as `npm start` keeps it), not in WebAssembly memory.
    const target = path.join(dir, 'pglite');
    const h = await openDatabase({ pgliteDir: target });
    await h.migrate();
    return { ...h, target };
  }
  // BENCH_DB names the database (created here and dropped after), so parallel checkouts keep apart.
  const name = process.env.BENCH_DB ?? `attain_bench_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const h = await openDatabase({ url: u.toString(), max: 4 });
  await h.migrate();
  return {
    ...h,
    target: u.toString(),
    async close() {
      await h.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 1 });
    },
  };
}

/** COPY of the file's lines into `bench_lines (line text)`, each line taken whole (no delimiter or quote can occur). */
async function copyLines(handle: DbHandle, file: string): Promise<number> {
  const session = (handle.db as unknown as { session: { client: Record<string, (...a: unknown[]) => unknown> } }).session.client;
  const copy = "copy bench_lines from %SRC% with (format csv, delimiter E'\\x01', quote E'\\x02')";
  if (handle.kind === 'postgres') {
    const sql = session as unknown as postgres.Sql;
    await sql.unsafe('create unlogged table bench_lines (line text)');
    const t = performance.now();
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), await sql.unsafe(copy.replace('%SRC%', 'stdin')).writable());
    return performance.now() - t;
  }
  const pg = session as unknown as { query(q: string, p: unknown[], o: { blob: Blob }): Promise<unknown>; exec(q: string): Promise<unknown> };
  await pg.exec('create table bench_lines (line text)');
  const t = performance.now();
  await copyFileInSlices(pg, copy.replace('%SRC%', "'/dev/blob'"), file);
  return performance.now() - t;
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'attain-bench-calls-'));
const file = path.join(dir, 'queue_log');
const start = Date.UTC(2025, 5, 1, 0, 0, 0) / 1000 - 3600; // 1 June 2025 00:00 BST
try {
  let t = performance.now();
  const gen = await writeQueueLog(file, LINES, start, 30);
  const genMs = performance.now() - t;
  const size = (await stat(file)).size;
  console.log(`generated ${fmt(gen.lines)} lines (${fmt(gen.calls)} calls, ${mib(size)}) in ${(genMs / 1000).toFixed(1)} s`);

  // 1. The floor: count the lines, nothing else.
  t = performance.now();
  let counted = 0;
  for await (const _ of createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })) counted += 1;
  const countMs = performance.now() - t;
  const countRate = counted / (countMs / 1000);
  console.log(`line count:   ${fmt(counted)} lines in ${(countMs / 1000).toFixed(1)} s = ${fmt(countRate)} lines/s`);

  // Parsing alone: the reader (by the chunk, as the ingest reads) and the visit assembler, nothing written.
  t = performance.now();
  let parsedVisits = 0;
  const asm = createQueueLogAssembler({ source: 'bench', zone: 'Europe/London', open: [] }, { visit: () => (parsedVisits += 1), agentEvent: () => {}, problem: () => {}, warning: () => {} });
  for await (const ls of readLineBatches(file)) for (const l of ls) if (l.text !== undefined && l.text.trim() !== '') asm.push(l.text, l.line);
  asm.finish();
  const parseMs = performance.now() - t;
  const parseRate = counted / (parseMs / 1000);
  console.log(`parse only:   ${fmt(counted)} lines (${fmt(parsedVisits)} visits) in ${(parseMs / 1000).toFixed(1)} s = ${fmt(parseRate)} lines/s (${(parseRate / countRate).toFixed(2)}× the line count)`);

  // 2. The product's ingest, in a process of its own (PGlite allows one process: closed meanwhile).
  let handle = await openBenchDb();
  const target = handle.target;
  if (handle.kind === 'pglite') await handle.close();
  const r = await ingestInChild(file, target);
  if (handle.kind === 'pglite') handle = { ...(await openDatabase({ pgliteDir: target })), target };
  const ingestMs = r.ms;
  const ingestRate = r.rowsRead / (ingestMs / 1000);
  console.log(
    `ingest:       ${fmt(r.rowsRead)} lines in ${(ingestMs / 1000).toFixed(1)} s = ${fmt(ingestRate)} lines/s (${r.status}; ${fmt(r.inserted)} visits, ${fmt(r.agentEvents)} agent events, ${r.rejected} rejected) on ${handle.kind}`,
  );
  console.log(`ratio:        ingest ${(countRate / ingestRate).toFixed(1)}× slower than the plain line count (${(ingestRate / countRate).toFixed(2)}× its speed)`);
  console.log(`peak RSS:     ${mib(r.maxRssKiB * 1024)} in the ingest's process (its whole life: loader, modules, database client, ingest)`);

  // The database's own speed: COPY of the same lines into a one-column table.
  const copyMs = await copyLines(handle, file);
  const copyRate = counted / (copyMs / 1000);
  console.log(`COPY:         ${fmt(counted)} lines into a one-column table in ${(copyMs / 1000).toFixed(1)} s = ${fmt(copyRate)} lines/s; ingest ÷ COPY speed ${(ingestRate / copyRate).toFixed(2)}`);

  // The database's own speed for this write: COPY of the rows the ingest stored into the real
  // tables of a fresh database, with the targets. In this process, as the one-column COPY (a
  // child's PGlite would run its WebAssembly cold: 4.4–6.6 s against 2.8–4.1 s here at 300,000
  // lines); so with compute on, after it: a second PGlite's memory would stay in the compute's
  // peak RSS (494 → 757 MiB at 20,000 lines).
  const realTableAnchor = async () => {
    const dumps = await dumpStoredRows(handle, target, [{ table: 'call_visits', columns: visitColumns }, { table: 'call_agent_events', columns: eventColumns }], dir);
    const real = await copyIntoFreshTables(dumps, anchorBeside(target), await rowCounts(handle, ['call_interval_counts']));
    const realRate = counted / (real.ms / 1000);
    console.log(
      `real COPY:    ${fmt(dumps[0]!.rows)} visits + ${fmt(dumps[1]!.rows)} agent events (the ingest's rows) into the real tables of a fresh database in ${(real.ms / 1000).toFixed(1)} s = ` +
        `${fmt(real.rows / (real.ms / 1000))} rows/s (${fmt(realRate)} lines/s of the file); ingest ÷ real-table COPY speed ${(ingestRate / realRate).toFixed(2)}; real-table ÷ one-column COPY speed ${(realRate / copyRate).toFixed(2)}`,
    );
    console.log(
      `targets:      ingest ÷ COPY ${(ingestRate / copyRate).toFixed(2)} (≥ 0.4, issue 13 as written: COPY of the lines into a one-column table); ` +
        `ingest ÷ real-table COPY ${(ingestRate / realRate).toFixed(2)} (≥ 0.4, restated: COPY of the same rows into call_visits and call_agent_events); parse alone ÷ line count ${(parseRate / countRate).toFixed(2)} (≥ 0.3); ` +
        `peak RSS ${mib(r.maxRssKiB * 1024)} (< 300 MiB on PostgreSQL; < 1 GiB on PGlite at 10,000,000 lines)`,
    );
  };

  // 3. A month of KPIs: computed and stored, then served.
  const config = appConfigSchema.parse({});
  if (!COMPUTE) {
    await realTableAnchor();
    await handle.close();
    console.log(`machine:      ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${mib(os.totalmem())}, Node ${process.version}`);
    // process.exit skips the `finally` below: the temporary folder (the log, the dumps, PGlite's files) goes first.
    await rm(dir, { recursive: true, force: true });
    process.exit(0);
  }
  peakRss = process.memoryUsage().rss;
  t = performance.now();
  const c = await computeCalls(handle.db, callsRules(config), new Date('2025-07-15T12:00:00Z'));
  const computeMs = performance.now() - t;
  console.log(`compute:      ${c.callDays.length} days, ${fmt(c.rows)} stored figures in ${(computeMs / 1000).toFixed(1)} s (${fmt(r.inserted / (computeMs / 1000))} visits/s), peak RSS ${mib(peakRss)}`);
  const app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => new Date('2025-07-15T12:00:00Z') });
  t = performance.now();
  const res = await app.request('/api/v1/calls/kpis?grain=month&from=2025-06&to=2025-06');
  const month = ((await res.json()) as { rows: { offered: number; answered: number; figures: { answerRate: { value: number } } }[] }).rows[0]!;
  console.log(`served:       June 2025: ${fmt(month.offered)} offered, ${fmt(month.answered)} answered (${(month.figures.answerRate.value * 100).toFixed(1)}%) in ${(performance.now() - t).toFixed(0)} ms`);
  await realTableAnchor();
  await handle.close();
  console.log(`machine:      ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${mib(os.totalmem())}, Node ${process.version}`);
} finally {
  clearInterval(sampler);
  await rm(dir, { recursive: true, force: true });
}
