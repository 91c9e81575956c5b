import { serve } from '@hono/node-server';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { dropFolders } from './config/drop-folders.ts';
import { writeDemoFeedIfEmpty } from './demo/write-demo.ts';
import { writeDemoAvailabilityIfEmpty } from './demo/availability.ts';
import { ingestOutagesCommand } from './feeds/outages/command.ts';
import { ingestCasesCommand } from './feeds/cases/command.ts';
import { writeDemoCasesIfEmpty } from './demo/cases.ts';
import { caseRulesOf } from './services/cases.ts';
import { ingestCallsCommand } from './feeds/calls/command.ts';
import { ingestActionsCommand } from './feeds/actions/command.ts';
import { ingestMeasuresCommand } from './feeds/measures/command.ts';
import { writeDemoPlanIfEmpty } from './demo/plans.ts';
import { writeDemoCallsIfEmpty } from './demo/write-calls-demo.ts';
import { callsRules } from './calls/rules.ts';
import { syncConfiguredSystems } from './store/availability.ts';
import { ingestTicketHistoryFile } from './feeds/tickets/history.ts';
import { ingestTicketFeedFile } from './feeds/tickets/mapped-feed.ts';
import { printIngestResult, runsCommand, rejectedCommand } from './feeds/runs-command.ts';
import { createApp } from './http/app.ts';
import { kpiFeedCommand, reportCommand } from './reports/command.ts';
import { publishCommand } from './reports/publish-command.ts';
import { verifyCommand } from './services/sla-verify.ts';
import { openRuntime, type JobContext, type Runtime } from './runtime.ts';
import { slaRules } from './sla/rules.ts';
import { createApiKey, listApiKeys, revokeApiKey, roles, type Role } from './store/api-keys.ts';
import { markAbandoned } from './store/ingest-runs.ts';
import { helpText, parseCommand, UsageError, type CommandName } from './cli-args.ts';
import { logger } from './log.ts';

type Enqueue = JobContext['enqueue'];
/** Where jobs run: in this process (inline) or on BullMQ workers (jobs/runners). */
type JobRunner = { enqueue: Enqueue; drain(): Promise<void>; close(): Promise<void> };

/**
 * The job machinery the commands use (runners, worker, schedule, catalogue), handed in by the
 * entry point (jobs/main.ts) so that nothing in `src` imports `jobs/` (docs/architecture.md).
 */
export type JobHost = {
  /** A BullMQ producer with REDIS_URL, else an inline runner in this process. */
  runner(rt: Runtime): JobRunner;
  /** A BullMQ producer (scheduler, worker: REDIS_URL is checked first). */
  producer(redisUrl: string): JobRunner;
  /** A BullMQ worker consuming the attain queue. */
  startWorker(rt: Runtime, enqueue: Enqueue): { close(): Promise<void> };
  /** Enqueues the catalogue's scheduled jobs on their crons; returns the stop. */
  startSchedule(rt: Runtime, enqueue: Enqueue, onError: (e: Error) => void): () => Promise<void>;
  /** The scheduled jobs, `name (cron)`, for the scheduler's first log line. */
  scheduled(): string[];
  /** Enqueues the KPI feed that came due while nothing ran; the month, or null. */
  enqueueMissedKpiFeed(rt: Runtime, now: Date, enqueue: Enqueue): Promise<string | null>;
  /** Runs the SLA compute job once, here. */
  computeSla(rt: Runtime): Promise<unknown>;
};

/**
 * What a killed process left `running` becomes `interrupted`: on the embedded database (one
 * process holds it) everything, on PostgreSQL what stopped beating `jobs.staleAfterSeconds` ago.
 */
async function markAbandonedAtStart(rt: Runtime) {
  const n = await markAbandoned(rt.handle.db, rt.handle.kind === 'pglite' ? 0 : rt.config.jobs.staleAfterSeconds);
  const total = n.ingestRuns + n.jobSlots + n.jobRuns + n.dropClaims;
  if (total > 0) logger.warn(`interrupted by an earlier stop: ${n.ingestRuns} ingest runs, ${n.jobRuns} job attempts, ${n.dropClaims} drop-folder files (retried once)`);
}

function onShutdown(fn: () => Promise<void>) {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await fn();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * Upload temp folders (`ATTAIN_DATA_DIR/tmp/upload-*`) a killed server left behind: all of them
 * on the embedded database (this process holds it), those over an hour old on PostgreSQL (another
 * server on the same folder may be receiving one now).
 */
async function removeStaleUploads(rt: Runtime) {
  const dir = path.join(rt.env.dataDir, 'tmp');
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const name of entries.filter((n) => n.startsWith('upload-'))) {
    const s = await stat(path.join(dir, name)).catch(() => undefined);
    if (s && (rt.handle.kind === 'pglite' || Date.now() - s.mtimeMs > 3600_000)) await rm(path.join(dir, name), { recursive: true, force: true });
  }
}

function listen(rt: Runtime, enqueue?: Enqueue) {
  const app = createApp({
    db: rt.handle.db,
    dbKind: rt.handle.kind,
    config: rt.config,
    now: () => new Date(),
    auth: { mode: 'keys', publicRead: rt.env.publicRead, ...rt.env.auth },
    // Uploads queue the compute on the runner; under `serve` (no runner) they compute inline.
    enqueue,
    dataDir: rt.env.dataDir,
  });
  const server = serve({ fetch: app.fetch, port: rt.env.port });
  const base = `http://localhost:${rt.env.port}`;
  const links = ['/', '/pages/team-leader', '/pages/supervisor', '/pages/availability', '/health', '/api/v1/sla/attainment', '/api/v1/sla/attainment?grain=day', '/api/v1/availability', '/api/v1/calls/kpis', '/api/v1/calls/now'];
  logger.info({ links: links.map((l) => `${base}${l}`) }, `attain serving on ${base} (database: ${rt.handle.location})`);
  return server;
}

async function commandStart(jobs: JobHost) {
  const rt = await openRuntime({ serves: true });
  await markAbandonedAtStart(rt);
  await removeStaleUploads(rt);
  const zone = slaRules(rt.config).zone;
  const demo = await writeDemoFeedIfEmpty(dropFolders(rt.env.dataDir).inbox, zone, new Date());
  if (demo) logger.info(`demo: wrote ${path.relative(process.cwd(), demo)}; the ingest job picks it up now`);
  for (const f of await writeDemoCallsIfEmpty(rt.env.dataDir, callsRules(rt.config).zone, new Date())) logger.info(`demo: wrote ${path.relative(process.cwd(), f)}; the calls drop job picks it up now`);
  await syncConfiguredSystems(rt.handle.db, rt.config.systems);
  const demoOutages = await writeDemoAvailabilityIfEmpty(rt.handle.db, rt.config, rt.env.dataDir, new Date());
  if (demoOutages) logger.info(`demo: created 5 systems and ingested ${path.relative(process.cwd(), demoOutages)}`);
  const demoCases = await writeDemoCasesIfEmpty(rt.env.dataDir, caseRulesOf(rt.config).zone, new Date());
  if (demoCases) logger.info(`demo: wrote ${path.relative(process.cwd(), demoCases)}; the casework drop job picks it up now`);
  for (const f of await writeDemoPlanIfEmpty(rt.handle.db, rt.config, rt.env.dataDir, new Date())) logger.info(`demo: ingested ${path.relative(process.cwd(), f)}`);
  const runner = jobs.runner(rt);
  const worker = rt.env.redisUrl ? jobs.startWorker(rt, runner.enqueue) : undefined;
  const stopSchedule = jobs.startSchedule(rt, runner.enqueue, (e) => logger.error({ err: e }, `schedule: ${e.message}`));
  // Do not wait a minute for the first tick: ingest and compute once at start-up.
  const boot = new Date().toISOString().replace(/[:.]/g, '');
  await runner.enqueue('ingest-drop', `ingest-drop-start-${boot}`, {});
  await runner.enqueue('compute-sla', `compute-sla-start-${boot}`, {});
  await runner.enqueue('ingest-calls-drop', `ingest-calls-drop-start-${boot}`, {});
  await runner.enqueue('ingest-cases-drop', `ingest-cases-drop-start-${boot}`, {});
  // A KPI feed that came due while nothing ran is built once the start-up ingests and computes
  // are done (inline; BullMQ's drain does not wait), so it reads their figures.
  void runner
    .drain()
    .then(() => jobs.enqueueMissedKpiFeed(rt, new Date(), runner.enqueue))
    .then((month) => month && logger.info(`kpi-feed: ${month}'s feed was due and missing; building it`))
    .catch((e: Error) => logger.error({ err: e }, `kpi-feed catch-up: ${e.message}`));
  const server = listen(rt, runner.enqueue);
  onShutdown(async () => {
    server.close();
    await stopSchedule();
    await runner.close();
    await worker?.close();
    await rt.handle.close();
  });
}

const feeds = ['tickets', 'ticket-history', 'outages', 'calls', 'emails', 'cases', 'actions', 'measures'] as const;
type Feed = (typeof feeds)[number];

/** Opens the runtime, runs `fn` on it and always closes the database. */
async function withRuntime(fn: (rt: Runtime) => Promise<void>): Promise<void> {
  const rt = await openRuntime();
  return fn(rt).finally(() => rt.handle.close());
}

async function commandIngest(jobs: JobHost, args: string[]) {
  const feed = args[0] as Feed | undefined;
  if (!feed || !feeds.includes(feed)) throw new UsageError(`usage: attain ingest ${feeds.join('|')} FILE; run \`attain help ingest\``);
  const parsed = parseCommand(`ingest ${feed}`, args.slice(1));
  if (parsed.help) return void console.log(helpText('ingest'));
  const file = parsed.positionals[0]!;
  const v = parsed.values as { preset?: string; source?: string; format?: string; zone?: string; plan?: string; title?: string };
  switch (feed) {
    case 'calls':
    case 'emails':
      return withRuntime((rt) => ingestCallsCommand(rt, feed, file, v));
    case 'outages':
      return withRuntime((rt) => ingestOutagesCommand(rt, file));
    case 'cases':
      return withRuntime((rt) => ingestCasesCommand(rt, file, { preset: v.preset, source: v.source }));
    case 'actions':
      return withRuntime((rt) => ingestActionsCommand(rt, file, v));
    case 'measures':
      return withRuntime((rt) => ingestMeasuresCommand(rt, file));
    default:
      return withRuntime((rt) => ingestTickets(jobs, rt, feed, file, v));
  }
}

async function ingestTickets(jobs: JobHost, rt: Runtime, feed: 'tickets' | 'ticket-history', file: string, v: { preset?: string; source?: string }) {
  let last = 0;
  const common = {
    source: rt.config.ticketSource,
    zone: slaRules(rt.config).zone,
    onProgress: (p: { rowsRead: number }) => {
      if (p.rowsRead - last >= 10_000) {
        last = p.rowsRead;
        process.stderr.write(`  ${p.rowsRead.toLocaleString('en-GB')} rows read…\n`);
      }
    },
  };
  const result =
    feed === 'tickets'
      ? await ingestTicketFeedFile(rt.handle.db, path.resolve(file), rt.config, { ...common, preset: v.preset, source: v.source })
      : await ingestTicketHistoryFile(rt.handle.db, path.resolve(file), common);
  await printIngestResult(rt.handle.db, result, 5);
  const computed = await jobs.computeSla(rt);
  console.log(`computed: ${(computed as { evaluated: number }).evaluated} tickets evaluated`);
}

async function commandKeys(positionals: string[], roleText: string | undefined) {
  const [action, arg] = positionals;
  const rt = await openRuntime();
  try {
    if (action === 'create' && arg) {
      const role = roleText ?? 'viewer';
      if (!(roles as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${roles.join(', ')}`);
      const key = await createApiKey(rt.handle.db, arg, role as Role);
      console.log(`created key ${key.id} "${key.name}" (${key.role}); send it as "Authorization: Bearer <key>". It is shown once:`);
      console.log(key.secret);
    } else if (action === 'list') {
      for (const k of await listApiKeys(rt.handle.db)) {
        console.log(`${k.id}\t${k.prefix}\t${k.role}\t${k.name}\t${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'live'}`);
      }
    } else if (action === 'revoke' && arg) {
      const n = await revokeApiKey(rt.handle.db, arg);
      if (n === 0) throw new Error(`no live key with id or prefix "${arg}" (see \`attain keys list\`)`);
      console.log(`revoked ${n} key`);
    } else {
      throw new UsageError('usage: attain keys create NAME [--role viewer|ingest|admin] | keys list | keys revoke ID|PREFIX');
    }
  } finally {
    await rt.handle.close();
  }
}

async function commandServe() {
  const rt = await openRuntime({ serves: true });
  await removeStaleUploads(rt);
  const server = listen(rt);
  onShutdown(async () => {
    server.close();
    await rt.handle.close();
  });
}

async function commandMigrate() {
  const rt = await openRuntime({ migrate: false });
  await rt.handle.migrate();
  console.log(`migrated ${rt.handle.location}`);
  await rt.handle.close();
}

async function commandDemo() {
  const rt = await openRuntime({ migrate: false });
  const file = await writeDemoFeedIfEmpty(dropFolders(rt.env.dataDir).inbox, slaRules(rt.config).zone, new Date());
  console.log(file ? `wrote ${file}` : 'the drop folder already holds a feed; nothing written');
  const calls = await writeDemoCallsIfEmpty(rt.env.dataDir, callsRules(rt.config).zone, new Date());
  console.log(calls.length > 0 ? `wrote ${calls.join(', ')}` : 'the calls drop folder already holds a feed; nothing written');
  await rt.handle.close();
}

async function commandScheduler(jobs: JobHost) {
  const rt = await openRuntime({ migrate: false });
  if (!rt.env.redisUrl) throw new Error('the scheduler needs REDIS_URL (without it, `attain start` runs jobs in-process)');
  const producer = jobs.producer(rt.env.redisUrl);
  const stop = jobs.startSchedule(rt, producer.enqueue, (e) => logger.error({ err: e }, `schedule: ${e.message}`));
  logger.info(`scheduler: enqueueing ${jobs.scheduled().join(', ')}`);
  onShutdown(async () => {
    await stop();
    await producer.close();
    await rt.handle.close();
  });
}

async function commandWorker(jobs: JobHost) {
  const rt = await openRuntime();
  if (!rt.env.redisUrl) throw new Error('the worker needs REDIS_URL (without it, `attain start` runs jobs in-process)');
  await markAbandonedAtStart(rt);
  const producer = jobs.producer(rt.env.redisUrl);
  const w = jobs.startWorker(rt, producer.enqueue);
  logger.info('worker: consuming the attain queue');
  onShutdown(async () => {
    await w.close();
    await producer.close();
    await rt.handle.close();
  });
}

async function commandCompute(jobs: JobHost) {
  await withRuntime(async (rt) => {
    const r = await jobs.computeSla(rt);
    console.log(JSON.stringify(r));
  });
}

/** What each command does once its arguments are read; `ingest` reads its own (per feed). */
type Command = (p: { values: Record<string, string | boolean | undefined>; positionals: string[] }, jobs: JobHost) => Promise<void>;
const run: Record<Exclude<CommandName, `ingest ${string}`>, Command> = {
  start: (_, jobs) => commandStart(jobs),
  serve: () => commandServe(),
  scheduler: (_, jobs) => commandScheduler(jobs),
  worker: (_, jobs) => commandWorker(jobs),
  migrate: () => commandMigrate(),
  demo: () => commandDemo(),
  compute: (_, jobs) => commandCompute(jobs),
  verify: () => withRuntime((rt) => verifyCommand(rt)),
  runs: (p) => runsCommand(p.values as { limit?: string; feed?: string }),
  rejected: (p) => rejectedCommand(p.positionals),
  keys: (p) => commandKeys(p.positionals, p.values.role as string | undefined),
  report: (p) => withRuntime((rt) => reportCommand(rt, p.positionals[0], p.values as { format?: string; out?: string })),
  'kpi-feed': (p) => withRuntime((rt) => kpiFeedCommand(rt, p.positionals[0], p.values as { format?: string; revision?: string; out?: string })),
  publish: (p) => publishCommand(() => openRuntime(), p.positionals[0]!, { republish: p.values.republish === true }),
};

async function main(argv: string[], jobs: JobHost) {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return void console.log(helpText(args[0]));
  if (command === 'ingest') return commandIngest(jobs, args);
  if (!Object.hasOwn(run, command)) throw new UsageError(`unknown command "${command}"; run \`attain help\` for the list`);
  const name = command as keyof typeof run;
  const parsed = parseCommand(name, args);
  if (parsed.help) return void console.log(helpText(name));
  return run[name](parsed as never, jobs);
}

/**
 * Runs one command line (the entry point, jobs/main.ts, passes the job machinery). A command's
 * failure is its answer, in plain words on stderr: status 2 for a usage mistake, 1 otherwise.
 */
export function runCli(argv: string[], jobs: JobHost): Promise<void> {
  return main(argv, jobs).catch((e: Error) => {
    console.error(`attain: ${e.message}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}
