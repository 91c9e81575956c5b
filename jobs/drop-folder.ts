import { access, mkdir, readdir, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freeName } from '../src/feeds/file-hash.ts';
import { beatDropClaim, claimDropFile, dropLostClaim, finishDropClaim, takeOverDropClaims } from '../src/store/drop-claims.ts';
import { isDatabaseUnreachable } from '../src/store/pg-errors.ts';
import type { JobContext } from './context.ts';
import { processOwner, startHeartbeat } from './liveness.ts';

/** What became of one file: moved to `processed/` (succeeded, duplicate) or `failed/`. */
export type DropOutcome<R> = { status: 'succeeded' | 'failed' | 'duplicate'; report: Record<string, unknown>; result: R };

/** One drop folder: where its files arrive and go, which names are feeds, and how one is ingested. */
export type DropFolder<R> = {
  /** Names the folder in `drop_claims` (tickets, calls, emails). */
  feed: string;
  inbox: string;
  processed: string;
  failed: string;
  accepts: (name: string) => boolean;
  ingest: (file: string, name: string) => Promise<DropOutcome<R>>;
};

export type DropFileResult<R> =
  | { file: string; status: 'succeeded' | 'failed' | 'duplicate'; attempt: number; result: R }
  | { file: string; status: 'errored' | 'gave-up'; attempt: number; errors: string[] };

/** Names a writer uses while it writes (README "Drop folders"): never taken. */
const inProgress = /^\.|\.(tmp|part|partial|done)$|\.report\.json$/i;

const exists = (p: string) => access(p).then(() => true, () => false);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One run over one folder: what every step below shares. */
type DropRun<R> = { ctx: JobContext; folder: DropFolder<R>; cfg: JobContext['config']['jobs']; claims: string; results: DropFileResult<R>[] };

const claimDir = (run: DropRun<unknown>, id: number) => path.join(run.claims, String(id));

/** Moves a file to `dest` under a free name, its report beside it. */
async function move(from: string, name: string, dest: string, report: unknown) {
  const target = await freeName(dest, name);
  await rename(from, path.join(dest, target));
  await writeFile(path.join(dest, `${target}.report.json`), JSON.stringify(report, null, 2));
}

/** After two failed attempts: to `failed/`, with every attempt's reason. */
async function giveUp<R>(run: DropRun<R>, from: string, name: string, attempt: number, errors: string[]) {
  const message = `${name}: failed ${attempt} times, not tried again (${errors.join('; ')}); fix the file and drop it again`;
  await move(from, name, run.folder.failed, { status: 'failed', file: name, attempts: attempt, errors, message });
  run.ctx.log(`drop ${run.folder.feed}: ${message}`);
  run.results.push({ file: name, status: 'gave-up', attempt, errors });
}

/** An attempt that threw: the database being down puts the file back and rethrows; else it is retried once, then given up. */
async function attemptFailed<R>(run: DropRun<R>, e: unknown, id: number, name: string, attempt: number, errors: string[]) {
  const { ctx, folder } = run;
  const file = path.join(claimDir(run, id), name);
  const error = (e as Error).message;
  if (isDatabaseUnreachable(e)) {
    // Not the file's fault: put it back for a later run, unclaimed, and let the job back off.
    if (!(await exists(path.join(folder.inbox, name)))) await rename(file, path.join(folder.inbox, name)).catch(() => {});
    throw e;
  }
  if (attempt >= 2) {
    await giveUp(run, file, name, attempt, [...errors, `attempt ${attempt}: ${error}`]);
    await finishDropClaim(ctx.db, id, 'gave-up', error);
  } else {
    await finishDropClaim(ctx.db, id, 'errored', error);
    ctx.log(`drop ${folder.feed}: ${name}: attempt ${attempt} failed (${error}); tried once more at the next run`);
    run.results.push({ file: name, status: 'errored', attempt, errors: [...errors, `attempt ${attempt}: ${error}`] });
  }
  // Empty unless the file waits there for its next attempt (then ENOTEMPTY, ignored).
  await rmdir(claimDir(run, id)).catch(() => {});
}

/** Ingests a file held in its claim folder, beating the claim meanwhile, and moves it by its outcome. */
async function ingestClaimed<R>(run: DropRun<R>, id: number, name: string, attempt: number, errors: string[]) {
  const { ctx, folder } = run;
  const file = path.join(claimDir(run, id), name);
  const stop = startHeartbeat(() => beatDropClaim(ctx.db, id), run.cfg.heartbeatSeconds * 1000, (e) => ctx.log(`drop ${folder.feed}: heartbeat of ${name}: ${e.message}`));
  let outcome: DropOutcome<R>;
  try {
    outcome = await folder.ingest(file, name);
  } catch (e) {
    stop();
    return attemptFailed(run, e, id, name, attempt, errors);
  }
  stop();
  await move(file, name, outcome.status === 'failed' ? folder.failed : folder.processed, outcome.report);
  await finishDropClaim(ctx.db, id, outcome.status);
  await rmdir(claimDir(run, id)).catch(() => {});
  run.results.push({ file: name, status: outcome.status, attempt, result: outcome.result });
}

/** Step 1: attempts left without a result (threw, or their process died). */
async function takeOverStale<R>(run: DropRun<R>) {
  const { ctx, folder } = run;
  for (const old of await takeOverDropClaims(ctx.db, folder.feed, run.cfg.staleAfterSeconds)) {
    const held = path.join(claimDir(run, old.id), old.file);
    if (!(await exists(held))) {
      // Finished moving before its process died, or put back in the inbox: nothing held.
      await rmdir(claimDir(run, old.id)).catch(() => {});
      continue;
    }
    if (old.status === 'gave-up') {
      await giveUp(run, held, old.file, old.attempt, old.errors);
    } else {
      const id = await claimDropFile(ctx.db, { feed: folder.feed, file: old.file, owner: processOwner, attempt: old.attempt + 1, errors: old.errors });
      await mkdir(claimDir(run, id), { recursive: true });
      await rename(held, path.join(claimDir(run, id), old.file));
      await ingestClaimed(run, id, old.file, old.attempt + 1, old.errors);
    }
    await rmdir(claimDir(run, old.id)).catch(() => {});
  }
}

/** The inbox's feed files, each with its size and mtime. */
async function look(folder: DropFolder<unknown>) {
  const names = (await readdir(folder.inbox, { withFileTypes: true })).filter((e) => e.isFile() && !inProgress.test(e.name) && folder.accepts(e.name)).map((e) => e.name);
  const seen = new Map<string, string>();
  for (const name of names) {
    const s = await stat(path.join(folder.inbox, name)).catch(() => undefined);
    if (s) seen.set(name, `${s.size}:${s.mtimeMs}`);
  }
  return seen;
}

/** Step 2: complete files (a `.done` marker beside them, or size and mtime held across `settle`). */
async function completeFiles<R>(run: DropRun<R>, settle: (() => Promise<void>) | undefined): Promise<string[]> {
  const { cfg, folder } = run;
  const first = await look(folder);
  if (cfg.dropDoneMarker) {
    const ready: string[] = [];
    for (const name of first.keys()) if (await exists(path.join(folder.inbox, `${name}.done`))) ready.push(name);
    return ready;
  }
  if (first.size > 0) await (settle ?? (() => sleep(cfg.dropSettleMs)))();
  const second = first.size > 0 ? await look(folder) : first;
  const ready = [...first.keys()].filter((n) => second.get(n) === first.get(n));
  for (const n of first.keys()) if (!ready.includes(n)) run.ctx.log(`drop ${folder.feed}: ${n} is still being written; taken once its size and mtime hold still`);
  return ready;
}

/** Step 3: claims a file and renames it into its claim folder; null when another worker took it first. */
async function claim<R>(run: DropRun<R>, name: string): Promise<number | null> {
  const { ctx, folder } = run;
  const id = await claimDropFile(ctx.db, { feed: folder.feed, file: name, owner: processOwner, attempt: 1 });
  await mkdir(claimDir(run, id), { recursive: true });
  try {
    await rename(path.join(folder.inbox, name), path.join(claimDir(run, id), name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    // Another worker renamed it first: it is theirs.
    await rmdir(claimDir(run, id)).catch(() => {});
    await dropLostClaim(ctx.db, id);
    return null;
  }
  return id;
}

/**
 * Ingests the complete files of one drop folder, each by one worker:
 * 1. attempts that threw or whose process died are taken over (once, atomically): tried again,
 *    or after two attempts moved to `failed/` with every attempt's reason in its report;
 * 2. a file is complete when its size and mtime did not change across two looks `settle` apart
 *    (or, with `jobs.dropDoneMarker`, when `NAME.done` is beside it); `.tmp`, `.part`, `.partial`
 *    and dotfiles are a writer's and never taken;
 * 3. it is claimed in `drop_claims`, then renamed into `.claims/<claim id>/` before it is read:
 *    the rename is atomic, so of two workers one gets the file and the other ENOENT.
 */
export async function processDropFolder<R>(ctx: JobContext, folder: DropFolder<R>, opts: { settle?: () => Promise<void> } = {}): Promise<DropFileResult<R>[]> {
  const run: DropRun<R> = { ctx, folder, cfg: ctx.config.jobs, claims: path.join(folder.inbox, '.claims'), results: [] };
  await mkdir(folder.processed, { recursive: true });
  await mkdir(folder.failed, { recursive: true });
  await mkdir(run.claims, { recursive: true });
  await takeOverStale(run);
  const ready = await completeFiles(run, opts.settle);
  // Oldest name first.
  for (const name of ready.sort()) {
    const id = await claim(run, name);
    if (id === null) continue;
    if (run.cfg.dropDoneMarker) await unlink(path.join(folder.inbox, `${name}.done`)).catch(() => {});
    await ingestClaimed(run, id, name, 1, []);
  }
  // Leaves no empty `.claims` behind; one still in use by another worker stays (ENOTEMPTY).
  await rmdir(run.claims).catch(() => {});
  return run.results;
}

/** The one log line of an ingested drop file: its status and counts (`unit`: rows, or lines of a queue_log). */
export function logIngested(ctx: JobContext, job: string, name: string, r: { status: string; rowsRead: number; inserted: number; updated: number; rejected: number; error?: string | null }, unit = 'rows') {
  ctx.log(`${job}: ${name}: ${r.status}, ${r.rowsRead} ${unit} read, ${r.inserted} inserted, ${r.updated} updated, ${r.rejected} rejected` + (r.error ? ` (${r.error})` : ''));
}

/** A run with attempts that threw fails (and is retried by its runner) after the other files went on. */
export function failOnErrored(feed: string, results: DropFileResult<unknown>[]): void {
  const errored = results.filter((r) => r.status === 'errored');
  if (errored.length > 0) throw new Error(`drop ${feed}: ${errored.map((r) => `${r.file} (${r.status === 'errored' ? r.errors.at(-1) : ''})`).join(', ')} failed; tried once more at the next run`);
}
