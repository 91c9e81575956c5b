import type { JobContext } from '../context.ts';
import { type JobCatalog, jobIn } from '../define.ts';
import { databaseReason, isDatabaseUnreachable } from '../../src/store/pg-errors.ts';
import { databaseBackoffMs, InvalidPayloadError, runRecorded } from '../record-run.ts';
import { jobCatalog } from '../registry.ts';
import type { Runner } from './runner.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The embedded default: jobs run in this process, one at a time per job name, each slot once,
 * failures retried with exponential backoff like the BullMQ runner does.
 */
export function createInlineRunner(
  makeCtx: (enqueue: Runner['enqueue']) => JobContext,
  opts: { catalog?: JobCatalog } = {},
): Runner {
  const catalog = opts.catalog ?? jobCatalog;
  const chains = new Map<string, Promise<void>>();
  const seen = new Set<string>();
  let closed = false;
  const runner: Runner = {
    kind: 'inline',
    async enqueue(name, slot, payload) {
      if (closed || seen.has(slot)) return;
      // Look the job up first: an unknown name must not mark its slot as taken.
      const job = jobIn(catalog, name);
      seen.add(slot);
      if (seen.size > 10_000) seen.delete(seen.values().next().value!);
      const previous = chains.get(name) ?? Promise.resolve();
      const next = previous.then(async () => {
        // Attempts waiting for an unreachable database do not count as the job's retries.
        let waits = 0;
        for (let attempt = 1, failures = 0; failures <= job.retries && !closed; attempt++) {
          try {
            await runRecorded(ctx, job, payload, { slot, runner: 'inline', attempt });
            return;
          } catch (e) {
            ctx.log(`${name} ${slot} attempt ${attempt} failed: ${(e as Error).message}`);
            if (e instanceof InvalidPayloadError) return;
            if (isDatabaseUnreachable(e) && waits < ctx.config.jobs.dbRetryMaxWaits) {
              const delay = databaseBackoffMs(ctx, waits++);
              ctx.log(`${name} ${slot} attempt ${attempt}: database unreachable (${databaseReason(e)}); next attempt in ${delay} ms`);
              await sleep(delay);
              continue;
            }
            failures++;
            if (failures <= job.retries) await sleep(job.backoffMs * 2 ** (failures - 1));
          }
        }
      });
      chains.set(name, next);
    },
    async drain() {
      // Jobs may enqueue jobs: wait until the chains stop changing.
      for (;;) {
        const pending = [...chains.values()];
        await Promise.all(pending);
        if ([...chains.values()].every((p, i) => p === pending[i]) && chains.size === pending.length) return;
      }
    },
    async close() {
      closed = true;
      await runner.drain();
    },
  };
  const ctx = makeCtx(runner.enqueue);
  return runner;
}
