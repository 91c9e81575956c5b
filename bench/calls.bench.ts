/**
 * `npm run bench:calls [-- lines=10000000]`: a generated Asterisk queue_log of `lines` lines
 * (a month of calls, bench/queue-log-generator.ts) written to a temporary file, then
 *  1. a plain line count of the file (readline, nothing else): the floor any reader pays;
 *  2. the product's ingest of it (`ingestCallFile`, format queue_log) into a database: embedded
 *     PGlite on disk in the temporary folder, or PostgreSQL with DATABASE_URL (a fresh database
 *     is created and dropped);
 *  3. the month's KPIs computed and stored (the compute-calls job), then read back over HTTP.
 * Prints lines per second of each, the ingest's ratio to the plain count, and peak RSS.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import postgres from 'postgres';
import { openDatabase, type DbHandle } from '../db/client.ts';
import { computeCalls } from '../jobs/compute-calls.ts';
import { callsRules } from '../src/calls/rules.ts';
import { appConfigSchema } from '../src/config/app-config.ts';
import { ingestCallFile } from '../src/feeds/calls/ingest-file.ts';
import { createApp } from '../src/http/app.ts';
import { writeQueueLog } from './queue-log-generator.ts';

const arg = (name: string, fallback: number) => {
  const a = process.argv.find((x) => x.startsWith(`${name}=`));
  return a ? Number(a.slice(name.length + 1).replace(/_/g, '')) : fallback;
};
const LINES = arg('lines', 10_000_000);

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
const mib = (b: number) => `${Math.round(b / 1024 / 1024)} MiB`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

async function openBenchDb(): Promise<DbHandle> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    // On disk in the temporary folder (as `npm start` keeps it), not in WebAssembly memory.
    const h = await openDatabase({ pgliteDir: path.join(dir, 'pglite') });
    await h.migrate();
    return h;
  }
  const name = `attain_bench_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const h = await openDatabase({ url: u.toString(), max: 4 });
  await h.migrate();
  return {
    ...h,
    async close() {
      await h.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 1 });
    },
  };
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

  // 2. The product's ingest.
  const handle = await openBenchDb();
  const rssBeforeIngest = process.memoryUsage().rss;
  peakRss = rssBeforeIngest;
  t = performance.now();
  let lastReport = 0;
  const r = await ingestCallFile(handle.db, file, 'queue_log', {
    source: 'bench',
    zone: 'Europe/London',
    batchSize: 5000,
    onProgress: (p) => {
      if (p.rowsRead - lastReport >= 1_000_000) {
        lastReport = p.rowsRead;
        process.stderr.write(`  ${fmt(p.rowsRead)} lines, ${((performance.now() - t) / 1000).toFixed(0)} s\n`);
      }
    },
  });
  const ingestMs = performance.now() - t;
  const ingestPeak = peakRss;
  const ingestRate = r.rowsRead / (ingestMs / 1000);
  console.log(
    `ingest:       ${fmt(r.rowsRead)} lines in ${(ingestMs / 1000).toFixed(1)} s = ${fmt(ingestRate)} lines/s (${r.status}; ${fmt(r.inserted)} visits, ${fmt(r.agentEvents)} agent events, ${r.rejected} rejected) on ${handle.kind}`,
  );
  console.log(`ratio:        ingest ${(countRate / ingestRate).toFixed(1)}× slower than the plain line count (${((ingestRate / countRate) * 100).toFixed(1)}% of its speed)`);
  console.log(`peak RSS:     ${mib(ingestPeak)} during the ingest (${mib(rssBeforeIngest)} before it)`);

  // 3. A month of KPIs: computed and stored, then served.
  const config = appConfigSchema.parse({});
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
  await handle.close();
  console.log(`machine:      ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${mib(os.totalmem())}, Node ${process.version}`);
} finally {
  clearInterval(sampler);
  await rm(dir, { recursive: true, force: true });
}
