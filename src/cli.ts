import { serve } from '@hono/node-server';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { computeSlaJob } from '../jobs/compute-sla.ts';
import { dropFolders } from '../jobs/ingest-drop.ts';
import { jobCatalog } from '../jobs/registry.ts';
import { createBullProducer, startBullWorker } from '../jobs/runners/bullmq.ts';
import { createInlineRunner } from '../jobs/runners/inline.ts';
import type { Runner } from '../jobs/runners/runner.ts';
import { enqueueMissedKpiFeed, startSchedule } from '../jobs/schedule.ts';
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
import { runsCommand, rejectedCommand } from './feeds/runs-command.ts';
import { createApp } from './http/app.ts';
import { kpiFeedCommand, reportCommand } from './reports/command.ts';
import { jobContext, openRuntime, type Runtime } from './runtime.ts';
import { slaRules } from './sla/rules.ts';
import { reportingZone } from './config/calendars.ts';
import { createApiKey, listApiKeys, revokeApiKey, roles, type Role } from './store/api-keys.ts';
import { listRejectedRows, markAbandoned } from './store/ingest-runs.ts';

const usage = `attain: service-desk and contact-centre metrics monitor

Usage: attain <command> [options]
  start                      migrate, write demo feeds if the drop folder is empty, schedule, work, serve
  serve                      HTTP API only (PORT, default 3000)
  scheduler                  enqueue scheduled job slots on BullMQ (needs REDIS_URL)
  worker                     consume BullMQ jobs (needs REDIS_URL)
  migrate                    apply database migrations
  demo                       write the demo ticket and contact-centre feeds into the drop folders
  ingest tickets FILE [--preset NAME] [--source NAME]
                             ingest a ticket CSV (.csv or .csv.gz): generic, or a tool's export via a preset
                             (servicenow-incident, servicenow-requested-item, servicenow-event-log, jira-sm, rabobank-itil, or a configured mapping)
  runs [--limit N]           list recent ingest runs
  rejected RUN               list the rejected rows of an ingest run (line, field, reason, raw)
  ingest ticket-history FILE ingest status/priority history (id, at, field, value)
  ingest outages FILE        ingest outage records (system, start, end, kind, reason, ref)
  ingest cases FILE [--preset NAME] [--source NAME]
                             ingest casework (complaints, FOI/EIR/FOISA, SAR, member enquiries)
  ingest calls FILE [--format queue_log|csv|anonymous-bank] [--source NAME] [--zone ZONE]
                             ingest an Asterisk queue_log or a calls CSV, then compute call figures
  ingest emails FILE         ingest email contacts (id, mailbox, received_at, processed_at)
  ingest actions FILE [--preset NAME] [--plan CODE] [--title TEXT]
                             ingest a service plan's action export (preset pentana or generic)
  ingest measures FILE       ingest supplied measure values (code, period, value, numerator, denominator, note, benchmark)
  compute                    evaluate changed and open tickets (SLA state)
  keys create NAME [--role viewer|ingest|admin] | keys list | keys revoke ID|PREFIX
  report MONTH [--format json|csv|html] [--out FILE]
                             the monthly performance report (html: printable page with charts)
  kpi-feed MONTH [--format csv|json] [--revision N] [--out FILE]
                             build (new revision if changed) and print the month's KPI feed
Environment: DATABASE_URL (PostgreSQL; embedded PGlite in ATTAIN_DATA_DIR otherwise), REDIS_URL,
PORT, ATTAIN_DATA_DIR (default ./data), ATTAIN_CONFIG (JSON configuration file).`;

class UsageError extends Error {}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function makeRunner(rt: Runtime): Runner {
  if (rt.env.redisUrl) return createBullProducer({ redisUrl: rt.env.redisUrl });
  return createInlineRunner((enqueue) => jobContext(rt, enqueue));
}

/**
 * What a killed process left `running` becomes `interrupted`: on the embedded database (one
 * process holds it) everything, on PostgreSQL what stopped beating `jobs.staleAfterSeconds` ago.
 */
async function markAbandonedAtStart(rt: Runtime) {
  const n = await markAbandoned(rt.handle.db, rt.handle.kind === 'pglite' ? 0 : rt.config.jobs.staleAfterSeconds);
  const total = n.ingestRuns + n.jobSlots + n.jobRuns + n.dropClaims;
  if (total > 0) console.log(`interrupted by an earlier stop: ${n.ingestRuns} ingest runs, ${n.jobRuns} job attempts, ${n.dropClaims} drop-folder files (retried once)`);
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

function listen(rt: Runtime, enqueue?: Runner['enqueue']) {
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
  console.log(`attain serving on ${base} (database: ${rt.handle.location})`);
  console.log(`  ${base}/  (pages: ${base}/pages/team-leader, ${base}/pages/supervisor, ${base}/pages/availability)`);
  console.log(`  ${base}/health`);
  console.log(`  ${base}/api/v1/sla/attainment`);
  console.log(`  ${base}/api/v1/sla/attainment?grain=day`);
  console.log(`  ${base}/api/v1/availability`);
  console.log(`  ${base}/api/v1/calls/kpis`);
  console.log(`  ${base}/api/v1/calls/now`);
  return server;
}

async function commandStart() {
  const rt = await openRuntime({ serves: true });
  await markAbandonedAtStart(rt);
  await removeStaleUploads(rt);
  const zone = slaRules(rt.config).zone;
  const demo = await writeDemoFeedIfEmpty(dropFolders(rt.env.dataDir).inbox, zone, new Date());
  if (demo) console.log(`demo: wrote ${path.relative(process.cwd(), demo)}; the ingest job picks it up now`);
  for (const f of await writeDemoCallsIfEmpty(rt.env.dataDir, callsRules(rt.config).zone, new Date())) console.log(`demo: wrote ${path.relative(process.cwd(), f)}; the calls drop job picks it up now`);
  await syncConfiguredSystems(rt.handle.db, rt.config.systems);
  const demoOutages = await writeDemoAvailabilityIfEmpty(rt.handle.db, rt.config, rt.env.dataDir, new Date());
  if (demoOutages) console.log(`demo: created 5 systems and ingested ${path.relative(process.cwd(), demoOutages)}`);
  const demoCases = await writeDemoCasesIfEmpty(rt.env.dataDir, caseRulesOf(rt.config).zone, new Date());
  if (demoCases) console.log(`demo: wrote ${path.relative(process.cwd(), demoCases)}; the casework drop job picks it up now`);
  for (const f of await writeDemoPlanIfEmpty(rt.handle.db, rt.config, rt.env.dataDir, new Date())) console.log(`demo: ingested ${path.relative(process.cwd(), f)}`);
  const runner = makeRunner(rt);
  const worker = rt.env.redisUrl ? startBullWorker(jobContext(rt, runner.enqueue), { redisUrl: rt.env.redisUrl }) : undefined;
  const stopSchedule = startSchedule(jobCatalog.values(), runner.enqueue, (e) => console.error(`schedule: ${e.message}`), reportingZone(rt.config));
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
    .then(() => enqueueMissedKpiFeed(rt.handle.db, rt.config, new Date(), runner.enqueue))
    .then((month) => month && console.log(`kpi-feed: ${month}'s feed was due and missing; building it`))
    .catch((e: Error) => console.error(`kpi-feed catch-up: ${e.message}`));
  const server = listen(rt, runner.enqueue);
  onShutdown(async () => {
    server.close();
    await stopSchedule();
    await runner.close();
    await worker?.close();
    await rt.handle.close();
  });
}

async function commandIngest(args: string[]) {
  const [feed, file] = args;
  if ((feed === 'calls' || feed === 'emails') && file) {
    const rt = await openRuntime();
    return ingestCallsCommand(rt, feed, file, args).finally(() => rt.handle.close());
  }
  if (feed === 'outages' && file) {
    const rt = await openRuntime();
    return ingestOutagesCommand(rt, file).finally(() => rt.handle.close());
  }
  if (feed === 'cases' && file) {
    const rt = await openRuntime();
    return ingestCasesCommand(rt, file, { preset: option(args, '--preset'), source: option(args, '--source') }).finally(() => rt.handle.close());
  }
  if (feed === 'actions' && file) {
    const rt = await openRuntime();
    return ingestActionsCommand(rt, file, args).finally(() => rt.handle.close());
  }
  if (feed === 'measures' && file) {
    const rt = await openRuntime();
    return ingestMeasuresCommand(rt, file).finally(() => rt.handle.close());
  }
  if ((feed !== 'tickets' && feed !== 'ticket-history') || !file) {
    throw new UsageError('usage: attain ingest tickets|ticket-history|outages|calls|emails|cases|actions|measures FILE');
  }
  const rt = await openRuntime();
  try {
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
        ? await ingestTicketFeedFile(rt.handle.db, path.resolve(file), rt.config, { ...common, preset: option(args, '--preset'), source: option(args, '--source') })
        : await ingestTicketHistoryFile(rt.handle.db, path.resolve(file), common);
    console.log(
      `${result.file}: ${result.rowsRead} rows read, ${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged, ${result.rejected} rejected (ingest run ${result.runId})`,
    );
    for (const w of result.warnings.slice(0, 5)) console.log(`  warning: ${w}`);
    if (result.rejected > 0) {
      const rows = await listRejectedRows(rt.handle.db, result.runId);
      for (const r of rows.slice(0, 10)) console.log(`  rejected line ${r.line}${r.field ? ` (${r.field})` : ''}: ${r.reason}`);
      if (rows.length > 10) console.log(`  … ${rows.length - 10} more; every rejected row is kept in rejected_rows (run_id = ${result.runId})`);
    }
    if (result.status === 'failed') throw new Error(`${result.error} (rows before the failure were kept; re-run the file once fixed)`);
    const computed = await computeSlaJob.run(jobContext(rt, async () => {}), {});
    console.log(`computed: ${(computed as { evaluated: number }).evaluated} tickets evaluated`);
  } finally {
    await rt.handle.close();
  }
}

async function commandKeys(args: string[]) {
  const [action, arg] = args;
  const rt = await openRuntime();
  try {
    if (action === 'create' && arg) {
      const role = option(args, '--role') ?? 'viewer';
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

async function main(argv: string[]) {
  const [command, ...args] = argv;
  switch (command) {
    case 'start':
      return commandStart();
    case 'serve': {
      const rt = await openRuntime({ serves: true });
      await removeStaleUploads(rt);
      const server = listen(rt);
      return onShutdown(async () => {
        server.close();
        await rt.handle.close();
      });
    }
    case 'migrate': {
      const rt = await openRuntime({ migrate: false });
      await rt.handle.migrate();
      console.log(`migrated ${rt.handle.location}`);
      return rt.handle.close();
    }
    case 'demo': {
      const rt = await openRuntime({ migrate: false });
      const file = await writeDemoFeedIfEmpty(dropFolders(rt.env.dataDir).inbox, slaRules(rt.config).zone, new Date());
      console.log(file ? `wrote ${file}` : 'the drop folder already holds a feed; nothing written');
      const calls = await writeDemoCallsIfEmpty(rt.env.dataDir, callsRules(rt.config).zone, new Date());
      console.log(calls.length > 0 ? `wrote ${calls.join(', ')}` : 'the calls drop folder already holds a feed; nothing written');
      return rt.handle.close();
    }
    case 'ingest':
      return commandIngest(args);
    case 'runs':
      return runsCommand(args);
    case 'rejected':
      return rejectedCommand(args);
    case 'compute': {
      const rt = await openRuntime();
      const r = await computeSlaJob.run(jobContext(rt, async () => {}), {});
      console.log(JSON.stringify(r));
      return rt.handle.close();
    }
    case 'scheduler': {
      const rt = await openRuntime({ migrate: false });
      if (!rt.env.redisUrl) throw new Error('the scheduler needs REDIS_URL (without it, `attain start` runs jobs in-process)');
      const producer = createBullProducer({ redisUrl: rt.env.redisUrl });
      const stop = startSchedule(jobCatalog.values(), producer.enqueue, (e) => console.error(`schedule: ${e.message}`), reportingZone(rt.config));
      console.log(`scheduler: enqueueing ${[...jobCatalog.values()].filter((j) => j.cron).map((j) => `${j.name} (${j.cron})`).join(', ')}`);
      return onShutdown(async () => {
        await stop();
        await producer.close();
        await rt.handle.close();
      });
    }
    case 'worker': {
      const rt = await openRuntime();
      if (!rt.env.redisUrl) throw new Error('the worker needs REDIS_URL (without it, `attain start` runs jobs in-process)');
      await markAbandonedAtStart(rt);
      const producer = createBullProducer({ redisUrl: rt.env.redisUrl });
      const w = startBullWorker(jobContext(rt, producer.enqueue), { redisUrl: rt.env.redisUrl });
      console.log('worker: consuming the attain queue');
      return onShutdown(async () => {
        await w.close();
        await producer.close();
        await rt.handle.close();
      });
    }
    case 'report':
    case 'kpi-feed': {
      const rt = await openRuntime();
      return (command === 'report' ? reportCommand(rt, args) : kpiFeedCommand(rt, args)).finally(() => rt.handle.close());
    }
    case 'keys':
      return commandKeys(args);
    case undefined:
    case 'help':
    case '--help':
      console.log(usage);
      return;
    default:
      throw new UsageError(`unknown command "${command}"; run \`attain help\` for the list`);
  }
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(`attain: ${e.message}`);
  if (e instanceof UsageError) console.error('run `attain help` for usage');
  process.exit(1);
});
