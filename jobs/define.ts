import type { z } from 'zod';
import type { JobContext } from './context.ts';

/** A job of the catalog: name, payload schema, retries, cron, and a plain async function. */
export type JobDefinition<P = unknown> = {
  name: string;
  payload: z.ZodType<P>;
  /** Further attempts after a failure, with exponential backoff from `backoffMs`. */
  retries: number;
  backoffMs: number;
  /** node-cron expression (seconds field optional), or none for jobs only ever enqueued. */
  cron?: string;
  /**
   * IANA zone the cron expression is read in, or `reporting` for the configured reporting zone
   * (src/config/calendars.ts); default: the process's zone.
   */
  timezone?: string;
  run: (ctx: JobContext, payload: P) => Promise<unknown>;
};

export function defineJob<P>(job: JobDefinition<P>): JobDefinition<P> {
  return job;
}

/** Jobs by name: the registry's `jobCatalog`, or a test's own jobs handed to a runner. */
export type JobCatalog = ReadonlyMap<string, JobDefinition<any>>;

/** The job of that name in the catalog; an unknown name is an error naming the known ones. */
export function jobIn(catalog: JobCatalog, name: string): JobDefinition<any> {
  const job = catalog.get(name);
  if (!job) throw new Error(`unknown job "${name}" (known: ${[...catalog.keys()].join(', ')})`);
  return job;
}

/**
 * Deterministic id of a schedule slot, e.g. `ingest-drop-2025-12-01T0600` (BullMQ refuses `:`);
 * two schedulers that fire for the same slot name the same job and it runs once.
 */
export function slotId(job: string, at: Date): string {
  const iso = at.toISOString(); // 2025-12-01T06:00:05.000Z
  const hhmm = iso.slice(11, 13) + iso.slice(14, 16);
  const ss = iso.slice(17, 19);
  return `${job}-${iso.slice(0, 10)}T${hhmm}${ss === '00' ? '' : ss}`;
}
