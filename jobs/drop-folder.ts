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
  const cfg = ctx.config.jobs;
  const claims = path.join(folder.inbox, '.claims');
  await mkdir(folder.processed, { recursive: true });
  await mkdir(folder.failed, { recursive: true });
  await mkdir(claims, { recursive: true });
  const results: DropFileResult<R>[] = [];
  const claimDir = (id: number) => path.join(claims, String(id));

  const move = async (from: string, name: string, dest: string, report: unknown) => {
    const target = await freeName(dest, name);
    await rename(from, path.join(dest, target));
    await writeFile(path.join(dest, `${target}.report.json`), JSON.stringify(report, null, 2));
  };
  const giveUp = async (from: string, name: string, attempt: number, errors: string[]) => {
    const message = `${name}: failed ${attempt} times, not tried again (${errors.join('; ')}); fix the file and drop it again`;
    await move(from, name, folder.failed, { status: 'failed', file: name, attempts: attempt, errors, message });
    ctx.log(`drop ${folder.feed}: ${message}`);
    results.push({ file: name, status: 'gave-up', attempt, errors });
  };

  const ingestClaimed = async (id: number, name: string, attempt: number, errors: string[]) => {
    const file = path.join(claimDir(id), name);
    const stop = startHeartbeat(() => beatDropClaim(ctx.db, id), cfg.heartbeatSeconds * 1000, (e) => ctx.log(`drop ${folder.feed}: heartbeat of ${name}: ${e.message}`));
    let outcome: DropOutcome<R>;
    try {
      outcome = await folder.ingest(file, name);
    } catch (e) {
      stop();
      const error = (e as Error).message;
      if (isDatabaseUnreachable(e)) {
        // Not the file's fault: put it back for a later run, unclaimed, and let the job back off.
        if (!(await exists(path.join(folder.inbox, name)))) await rename(file, path.join(folder.inbox, name)).catch(() => {});
        throw e;
      }
      if (attempt >= 2) {
        await giveUp(file, name, attempt, [...errors, `attempt ${attempt}: ${error}`]);
        await finishDropClaim(ctx.db, id, 'gave-up', error);
      } else {
        await finishDropClaim(ctx.db, id, 'errored', error);
        ctx.log(`drop ${folder.feed}: ${name}: attempt ${attempt} failed (${error}); tried once more at the next run`);
        results.push({ file: name, status: 'errored', attempt, errors: [...errors, `attempt ${attempt}: ${error}`] });
      }
      // Empty unless the file waits there for its next attempt (then ENOTEMPTY, ignored).
      await rmdir(claimDir(id)).catch(() => {});
      return;
    }
    stop();
    await move(file, name, outcome.status === 'failed' ? folder.failed : folder.processed, outcome.report);
    await finishDropClaim(ctx.db, id, outcome.status);
    await rmdir(claimDir(id)).catch(() => {});
    results.push({ file: name, status: outcome.status, attempt, result: outcome.result });
  };

  // 1. Attempts left without a result.
  for (const old of await takeOverDropClaims(ctx.db, folder.feed, cfg.staleAfterSeconds)) {
    const held = path.join(claimDir(old.id), old.file);
    if (!(await exists(held))) {
      // Finished moving before its process died, or put back in the inbox: nothing held.
      await rmdir(claimDir(old.id)).catch(() => {});
      continue;
    }
    if (old.status === 'gave-up') {
      await giveUp(held, old.file, old.attempt, old.errors);
    } else {
      const id = await claimDropFile(ctx.db, { feed: folder.feed, file: old.file, owner: processOwner, attempt: old.attempt + 1, errors: old.errors });
      await mkdir(claimDir(id), { recursive: true });
      await rename(held, path.join(claimDir(id), old.file));
      await ingestClaimed(id, old.file, old.attempt + 1, old.errors);
    }
    await rmdir(claimDir(old.id)).catch(() => {});
  }

  // 2. Complete files.
  const look = async () => {
    const names = (await readdir(folder.inbox, { withFileTypes: true })).filter((e) => e.isFile() && !inProgress.test(e.name) && folder.accepts(e.name)).map((e) => e.name);
    const seen = new Map<string, string>();
    for (const name of names) {
      const s = await stat(path.join(folder.inbox, name)).catch(() => undefined);
      if (s) seen.set(name, `${s.size}:${s.mtimeMs}`);
    }
    return seen;
  };
  const first = await look();
  let ready: string[];
  if (cfg.dropDoneMarker) {
    ready = [];
    for (const name of first.keys()) if (await exists(path.join(folder.inbox, `${name}.done`))) ready.push(name);
  } else {
    if (first.size > 0) await (opts.settle ?? (() => sleep(cfg.dropSettleMs)))();
    const second = first.size > 0 ? await look() : first;
    ready = [...first.keys()].filter((n) => second.get(n) === first.get(n));
    for (const n of first.keys()) if (!ready.includes(n)) ctx.log(`drop ${folder.feed}: ${n} is still being written; taken once its size and mtime hold still`);
  }

  // 3. Claim, rename, ingest: oldest name first.
  for (const name of ready.sort()) {
    const id = await claimDropFile(ctx.db, { feed: folder.feed, file: name, owner: processOwner, attempt: 1 });
    await mkdir(claimDir(id), { recursive: true });
    try {
      await rename(path.join(folder.inbox, name), path.join(claimDir(id), name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      // Another worker renamed it first: it is theirs.
      await rmdir(claimDir(id)).catch(() => {});
      await dropLostClaim(ctx.db, id);
      continue;
    }
    if (cfg.dropDoneMarker) await unlink(path.join(folder.inbox, `${name}.done`)).catch(() => {});
    await ingestClaimed(id, name, 1, []);
  }
  // Leaves no empty `.claims` behind; one still in use by another worker stays (ENOTEMPTY).
  await rmdir(claims).catch(() => {});
  return results;
}

/** A run with attempts that threw fails (and is retried by its runner) after the other files went on. */
export function failOnErrored(feed: string, results: DropFileResult<unknown>[]): void {
  const errored = results.filter((r) => r.status === 'errored');
  if (errored.length > 0) throw new Error(`drop ${feed}: ${errored.map((r) => `${r.file} (${r.status === 'errored' ? r.errors.at(-1) : ''})`).join(', ')} failed; tried once more at the next run`);
}
