import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { jobRuns, jobSlots, type JobSlot } from '../../db/schema.ts';

export type SlotClaim = { owned: true; id: number } | { owned: false; holder: JobSlot };

/**
 * Claims a job's slot for this attempt. Taken when new, when its last holder failed or was
 * interrupted, or when the holder's heartbeat is older than `staleSeconds`; otherwise the
 * holder comes back: the slot is done (`succeeded`) or still running on a live process.
 */
export async function claimJobSlot(db: Db, c: { job: string; slot: string; owner: string; attempt: number; staleSeconds: number }): Promise<SlotClaim> {
  const [row] = await db
    .insert(jobSlots)
    .values({ job: c.job, slot: c.slot, owner: c.owner, attempt: c.attempt, status: 'running' })
    .onConflictDoUpdate({
      target: [jobSlots.job, jobSlots.slot],
      set: { status: 'running', owner: c.owner, attempt: c.attempt, result: null, startedAt: sql`now()`, heartbeatAt: sql`now()`, finishedAt: null },
      setWhere: sql`${jobSlots.status} in ('failed', 'interrupted') or (${jobSlots.status} = 'running' and ${jobSlots.heartbeatAt} <= now() - (${c.staleSeconds} * interval '1 second'))`,
    })
    .returning({ id: jobSlots.id });
  if (row) return { owned: true, id: row.id };
  const [holder] = await db.select().from(jobSlots).where(and(eq(jobSlots.job, c.job), eq(jobSlots.slot, c.slot)));
  return { owned: false, holder: holder! };
}

export async function beatJobSlot(db: Db, id: number, owner: string): Promise<void> {
  await db.update(jobSlots).set({ heartbeatAt: sql`now()` }).where(and(eq(jobSlots.id, id), eq(jobSlots.owner, owner)));
}

/** Ends the slot's attempt; only the holder can (a holder that lost the slot changes nothing). */
export async function finishJobSlot(db: Db, id: number, owner: string, status: 'succeeded' | 'failed', result?: unknown): Promise<void> {
  await db
    .update(jobSlots)
    .set({ status, result: result ?? null, finishedAt: sql`now()` })
    .where(and(eq(jobSlots.id, id), eq(jobSlots.owner, owner), inArray(jobSlots.status, ['running', 'interrupted'])));
}

export type JobRunRow = typeof jobRuns.$inferInsert;

/** Attempts that could not be written while the database was unreachable, written once it is back. */
export async function recordJobRuns(db: Db, rows: JobRunRow[]): Promise<void> {
  if (rows.length > 0) await db.insert(jobRuns).values(rows);
}

/** Starts an attempt's row in `job_runs` (status `running`); returns its id. */
export async function startJobRun(db: Db, row: JobRunRow): Promise<number> {
  const [run] = await db.insert(jobRuns).values(row).returning({ id: jobRuns.id });
  return run!.id;
}

export type JobRunEnd = Pick<JobRunRow, 'status' | 'finishedAt' | 'durationMs' | 'error' | 'result'>;

/** Ends an attempt's row in `job_runs`. */
export async function finishJobRun(db: Db, id: number, end: JobRunEnd): Promise<void> {
  await db.update(jobRuns).set(end).where(eq(jobRuns.id, id));
}
