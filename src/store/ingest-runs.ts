import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { ingestRuns, rejectedRows, type NewRejectedRow } from '../../db/schema.ts';

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
  await db.update(ingestRuns).set(p).where(eq(ingestRuns.id, runId));
}

export async function finishIngestRun(db: Db, runId: number, p: RunProgress, error?: string): Promise<void> {
  await db
    .update(ingestRuns)
    .set({ ...p, status: error ? 'failed' : 'succeeded', error: error ?? null, finishedAt: sql`now()` })
    .where(eq(ingestRuns.id, runId));
}

export async function quarantineRows(db: Db, rows: NewRejectedRow[]): Promise<void> {
  if (rows.length > 0) await db.insert(rejectedRows).values(rows);
}

export async function getIngestRun(db: Db, runId: number) {
  const [row] = await db.select().from(ingestRuns).where(eq(ingestRuns.id, runId));
  return row;
}

export async function listIngestRuns(db: Db, limit = 50) {
  return db.select().from(ingestRuns).orderBy(desc(ingestRuns.id)).limit(limit);
}

export async function listRejectedRows(db: Db, runId: number) {
  return db.select().from(rejectedRows).where(eq(rejectedRows.runId, runId)).orderBy(rejectedRows.line);
}
