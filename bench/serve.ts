/**
 * bench:serve (issue 12): every endpoint behind the pages and the monthly report on a large desk,
 * against a Hono hello-world route on the same server, with autocannon on loopback at fixed
 * concurrency; and the SLA compute after 1,000 changed tickets and with nothing changed.
 * Two servers over the same database: `warm` as the product runs (the response cache on,
 * docs/response-cache.md) and `cold` (the cache off: every request computes its answer). The
 * load generator runs in a child process (the autocannon CLI), so that it does not share the
 * server's event loop and the hello-world anchor and the endpoints are measured alike.
 *
 *   npm run bench:serve -- [--tickets 3000000] [--visits 10000000] [--connections 10] [--seconds 10] [--keep]
 *
 * Seeds a separate PostgreSQL database (BENCH_DATABASE_URL, or BENCH_DB on 127.0.0.1, default attain_bench)
 * with set-based SQL (bench/serve-seed.ts); the SLA state and the call figures are computed by
 * the product's own jobs. `--keep` reuses a database seeded before with the same sizes.
 */
import { serve } from '@hono/node-server';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { cpus, loadavg, totalmem } from 'node:os';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/client.ts';
import { computeCalls } from '../jobs/compute-calls.ts';
import { callsRules } from '../src/calls/rules.ts';
import { appConfigSchema } from '../src/config/app-config.ts';
import { createApp } from '../src/http/app.ts';
import { evaluateStaleTickets } from '../src/services/sla-compute.ts';
import { seedTickets, seedVisits } from './serve-seed.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const TICKETS = arg('tickets', 3_000_000);
const VISITS = arg('visits', 10_000_000);
const CONNECTIONS = arg('connections', 10);
const SECONDS = arg('seconds', 10);
const keep = process.argv.includes('--keep');
const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// BENCH_DB: a database name of its own, so that two checkouts can keep separate seeded copies.
const dbName = process.env.BENCH_DB ?? 'attain_bench';
const url = process.env.BENCH_DATABASE_URL ?? adminUrl.replace(/\/[^/]*$/, `/${dbName}`);

const secs = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);
const config = appConfigSchema.parse({});
const now = new Date();

async function prepare() {
  if (!keep) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.unsafe(`create database ${dbName}`);
    await admin.end();
  }
  const handle = await openDatabase({ url, max: CONNECTIONS + 2 });
  await handle.migrate();
  if (keep) return handle;
  let t0 = performance.now();
  await seedTickets(handle.db, TICKETS, now);
  console.log(`seeded ${TICKETS} tickets with histories in ${secs(t0)} s`);
  t0 = performance.now();
  await seedVisits(handle.db, VISITS, now);
  console.log(`seeded ${VISITS} call visits in ${secs(t0)} s`);
  t0 = performance.now();
  const first = await evaluateStaleTickets(handle.db, config, now);
  console.log(`first (full) SLA compute: ${first.evaluated} tickets in ${secs(t0)} s`);
  t0 = performance.now();
  await computeCalls(handle.db, callsRules(config), now);
  console.log(`call figures computed in ${secs(t0)} s`);
  // As autovacuum leaves a live database: statistics, and a visibility map for index-only scans.
  await handle.db.execute(sql`vacuum analyze`);
  return handle;
}

// autocannon's own command line, run by this Node in a child process (its JSON result on stdout).
const autocannonCli = path.join(path.dirname(createRequire(import.meta.url).resolve('autocannon/package.json')), 'autocannon.js');
const run = promisify(execFile);

type Result = { path: string; p50: number; p99: number; rps: number; bytes: number; timeouts: number; computed?: number };

async function measure(base: string, p: string): Promise<Result> {
  // As a browser asks (the pages and their fetches): a cached answer of 1 KiB or more is then sent gzip.
  const args = [autocannonCli, '--json', '--connections', String(CONNECTIONS), '--duration', String(SECONDS), '-H', 'accept-encoding=gzip, deflate, br', `${base}${p}`];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 64 * 2 ** 20 });
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as { latency: { p50: number; p99: number }; requests: { average: number }; throughput: { average: number }; non2xx: number; errors: number; timeouts: number };
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${p}: ${r.non2xx} non-2xx responses, ${r.errors} errors`);
  // A request over autocannon's 10 s timeout is not in the latencies: say how many there were.
  // Bytes on the wire per answer, headers included (the throughput over the requests of each second).
  return { path: p, p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, bytes: r.requests.average > 0 ? r.throughput.average / r.requests.average : 0, timeouts: r.timeouts };
}

/** A server of the app on a free loopback port, with the hello-world anchor route. */
async function startServer(handle: Awaited<ReturnType<typeof prepare>>, cache: boolean) {
  const appConfig = cache ? config : { ...config, responseCache: { ...config.responseCache, nowBucketSeconds: 0 } };
  // The real clock, as in production: the cache's now bucket turns over during the run.
  const app = createApp({ db: handle.db, dbKind: 'postgres', config: appConfig, now: () => new Date(), log: () => {} });
  app.get('/bench/hello', (c) => c.text('hello'));
  // How each answer was made (X-Attain-Cache: hit, shared, miss), counted per endpoint.
  const made = { hit: 0, shared: 0, miss: 0 };
  const fetch = async (req: Request) => {
    const res = await app.fetch(req);
    const how = res.headers.get('x-attain-cache') as keyof typeof made | null;
    if (how) made[how]++;
    return res;
  };
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  return { server, made, base: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

async function computeTimes(handle: Awaited<ReturnType<typeof prepare>>) {
  const later = new Date(now.getTime() + 60_000);
  await evaluateStaleTickets(handle.db, config, later); // settle: what came due since the seed
  await handle.db.execute(sql`update tickets set updated_at = now(), status = 'Resolved' where id in (select id from tickets order by id desc limit 1000)`);
  let t0 = performance.now();
  const changed = await evaluateStaleTickets(handle.db, config, later);
  const changedMs = performance.now() - t0;
  t0 = performance.now();
  const nothing = await evaluateStaleTickets(handle.db, config, later);
  const nothingMs = performance.now() - t0;
  return { changed: { ms: changedMs, evaluated: changed.evaluated }, nothing: { ms: nothingMs, evaluated: nothing.evaluated } };
}

async function main() {
  const handle = await prepare();
  const month = now.toISOString().slice(0, 7);
  const prevMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15)).toISOString().slice(0, 7);
  const paths = [
    '/bench/hello',
    `/api/v1/sla/attainment?grain=month&by=team`,
    '/api/v1/sla/today',
    `/api/v1/sla/tickets?measure=breached&from=${prevMonth}&to=${prevMonth}&team=Team%2007`,
    `/api/v1/calls/kpis?grain=interval&interval=15&from=${now.toISOString().slice(0, 10)}`,
    '/api/v1/calls/now',
    // The supervisor page's fragment the browser refreshes (issue 12: under 30 ms, like /calls/now).
    '/pages/supervisor/live',
    `/api/v1/availability?grain=month&from=${month}&to=${month}`,
    `/api/v1/reports/monthly/${prevMonth}`,
  ];
  const tables: Record<'warm' | 'cold', Result[]> = { warm: [], cold: [] };
  for (const mode of ['warm', 'cold'] as const) {
    const { server, base, made } = await startServer(handle, mode === 'warm');
    for (const p of paths) {
      made.miss = 0;
      const r = await measure(base, p);
      if (mode === 'warm' && p !== '/bench/hello') r.computed = made.miss;
      tables[mode].push(r);
      console.log(`${mode} ${p}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.rps.toFixed(1)} req/s (${(r.rps / tables[mode][0]!.rps).toFixed(3)} × hello), ${(r.bytes / 1000).toFixed(1)} KB each, ${r.timeouts} timeouts${r.computed === undefined ? '' : `, computed ${r.computed} times`}`);
    }
    await new Promise((r) => server.close(r));
  }
  const compute = await computeTimes(handle);
  console.log(`compute after 1,000 changed tickets: ${compute.changed.ms.toFixed(0)} ms (${compute.changed.evaluated} evaluated); nothing changed: ${compute.nothing.ms.toFixed(0)} ms`);
  await handle.close();
  writeSection(tables, compute);
}

function table(results: Result[], computed: boolean) {
  const hello = results[0]!.rps;
  return [
    `| endpoint | p50 ms | p99 ms | req/s | × hello-world req/s | KB per answer | timeouts (> 10 s) |${computed ? ' computed (misses) |' : ''}`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: |${computed ? ' ---: |' : ''}`,
    ...results.map((r) => `| \`${r.path}\` | ${r.p50} | ${r.p99} | ${r.rps.toFixed(1)} | ${(r.rps / hello).toFixed(3)} | ${(r.bytes / 1000).toFixed(1)} | ${r.timeouts} |${computed ? ` ${r.computed ?? ''} |` : ''}`),
  ];
}

function writeSection(tables: Record<'warm' | 'cold', Result[]>, compute: Awaited<ReturnType<typeof computeTimes>>) {
  const lines = [
    '<!-- bench:serve -->',
    '## Serving at a large desk\'s scale (`npm run bench:serve`)',
    '',
    `${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, PostgreSQL on 127.0.0.1; ` +
      `${TICKETS.toLocaleString('en-GB')} tickets over 12 months, ${VISITS.toLocaleString('en-GB')} call visits over 30 days; autocannon on loopback, ${CONNECTIONS} connections, ${SECONDS} s per endpoint, the load generator in a child process, every request with \`Accept-Encoding: gzip, deflate, br\` as a browser sends; load average ${loadavg()[0]!.toFixed(2)} at the end.`,
    '',
    `Warm: the response cache on, as the product runs (docs/response-cache.md; now bucket ${config.responseCache.nowBucketSeconds} s, real clock, no writes to this database during the run; the last column counts the answers computed, each other one was a stored answer; a commit anywhere in the PostgreSQL cluster, other databases included, empties the cache; a stored answer of 1 KiB or more is sent gzip, compressed once when it is made).`,
    '',
    ...table(tables.warm, true),
    '',
    'Cold: the same app with the response cache off (a second server), every request computing its answer, sent uncompressed.',
    '',
    ...table(tables.cold, false),
    '',
    `SLA compute after 1,000 changed tickets: ${compute.changed.ms.toFixed(0)} ms (${compute.changed.evaluated} tickets evaluated); with nothing changed: ${compute.nothing.ms.toFixed(0)} ms (${compute.nothing.evaluated} evaluated).`,
    '<!-- /bench:serve -->',
  ];
  const file = 'BENCHMARKS.md';
  const text = readFileSync(file, 'utf8');
  const re = /<!-- bench:serve -->[\s\S]*<!-- \/bench:serve -->/;
  writeFileSync(file, re.test(text) ? text.replace(re, lines.join('\n')) : `${text.trimEnd()}\n\n${lines.join('\n')}\n`);
}

await main();
