import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { dropClaims, ingestRuns, jobRuns, jobSlots, rejectedRows, type NewRejectedRow } from '../../db/schema.ts';

export async function startIngestRun(db: Db, run: { feed: string; source: string; file: string }): Promise<number> {
  const [row] = await db.insert(ingestRuns).values({ ...run, status: 'running' }).returning({ id: ingestRuns.id });
  return row!.id;
}

export type RunProgress = {
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  warnings: string[];
  touchedDays: string[];
};

/** Written after every batch, so a run that dies leaves its progress behind. */
export async function recordIngestProgress(db: Db, runId: number, p: RunProgress): Promise<void> {
  await db.update(ingestRuns).set({ ...p, heartbeatAt: sql`now()` }).where(eq(ingestRuns.id, runId));
}

export async function finishIngestRun(db: Db, runId: number, p: RunProgress, error?: string): Promise<void> {
  await db
    .update(ingestRuns)
    .set({ ...p, status: error ? 'failed' : 'succeeded', error: error ?? null, finishedAt: sql`now()` })
    .where(eq(ingestRuns.id, runId));
}

export async function quarantineRows(db: Db, rows: NewRejectedRow[]): Promise<void> {
  // In slices: a statement binds at most 65,535 parameters, and a bulk batch may hold 50,000 bad rows.
  for (let i = 0; i < rows.length; i += 5000) await db.insert(rejectedRows).values(rows.slice(i, i + 5000));
}

export async function getIngestRun(db: Db, runId: number) {
  const [row] = await db.select().from(ingestRuns).where(eq(ingestRuns.id, runId));
  return row;
}

export async function listRejectedRows(db: Db, runId: number) {
  return db.select().from(rejectedRows).where(eq(rejectedRows.runId, runId)).orderBy(rejectedRows.line);
}

/**
 * Marks what a dead process left `running` as `interrupted`: ingest runs, job slots and attempts
 * and drop-folder claims whose heartbeat is older than `staleSeconds` (0: every one of them, for
 * an embedded database whose lock this process holds, so nobody else can be running).
 */
export async function markAbandoned(db: Db, staleSeconds: number): Promise<{ ingestRuns: number; jobSlots: number; jobRuns: number; dropClaims: number }> {
  const stale = (col: unknown) => sql`${col} <= now() - (${staleSeconds} * interval '1 second')`;
  const runs = await db
    .update(ingestRuns)
    .set({ status: 'interrupted', finishedAt: sql`now()`, error: sql`'interrupted: the process ended during the run (last heartbeat ' || to_char(${ingestRuns.heartbeatAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '); rows of its finished batches are kept, re-run the file'` })
    .where(and(eq(ingestRuns.status, 'running'), stale(ingestRuns.heartbeatAt)))
    .returning({ id: ingestRuns.id });
  const slots = await db
    .update(jobSlots)
    .set({ status: 'interrupted', finishedAt: sql`now()` })
    .where(and(eq(jobSlots.status, 'running'), stale(jobSlots.heartbeatAt)))
    .returning({ id: jobSlots.id });
  // An attempt is abandoned when its slot is no longer running (it was just marked) and it is old.
  const attempts = await db
    .update(jobRuns)
    .set({ status: 'interrupted', finishedAt: sql`now()`, error: 'interrupted: the process ended during the attempt' })
    .where(
      and(
        eq(jobRuns.status, 'running'),
        stale(jobRuns.startedAt),
        sql`not exists (select 1 from ${jobSlots} s where s.job = ${jobRuns.job} and s.slot = ${jobRuns.slot} and s.status = 'running' and s.attempt = ${jobRuns.attempt})`,
      ),
    )
    .returning({ id: jobRuns.id });
  const claims = await db
    .update(dropClaims)
    .set({ status: 'interrupted' })
    .where(and(eq(dropClaims.status, 'claimed'), stale(dropClaims.heartbeatAt)))
    .returning({ id: dropClaims.id });
  return { ingestRuns: runs.length, jobSlots: slots.length, jobRuns: attempts.length, dropClaims: claims.length };
}
