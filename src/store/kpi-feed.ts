import { and, asc, count, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { kpiFeedDeliveries, kpiFeedRevisions, type KpiFeedRevision } from '../../db/schema.ts';

/** The latest revision of a month's feed, or undefined. */
export async function latestKpiRevision(db: Db, month: string): Promise<KpiFeedRevision | undefined> {
  const [row] = await db.select().from(kpiFeedRevisions).where(eq(kpiFeedRevisions.month, month)).orderBy(desc(kpiFeedRevisions.revision)).limit(1);
  return row;
}

export async function getKpiRevision(db: Db, month: string, revision: number): Promise<KpiFeedRevision | undefined> {
  const [row] = await db.select().from(kpiFeedRevisions).where(and(eq(kpiFeedRevisions.month, month), eq(kpiFeedRevisions.revision, revision)));
  return row;
}

/** Revision numbers of a month, oldest first. */
export async function kpiRevisionsOf(db: Db, month: string) {
  return db
    .select({ revision: kpiFeedRevisions.revision, contentHash: kpiFeedRevisions.contentHash, generatedAt: kpiFeedRevisions.generatedAt })
    .from(kpiFeedRevisions)
    .where(eq(kpiFeedRevisions.month, month))
    .orderBy(asc(kpiFeedRevisions.revision));
}

/**
 * Stores the content as a new revision unless it equals the latest one (same hash). Two builds
 * racing for the same number meet the unique index; the loser re-reads and tries again.
 */
export async function saveKpiRevision(
  db: Db,
  month: string,
  rows: Record<string, unknown>[],
  contentHash: string,
  generatedAt: Date,
): Promise<{ revision: KpiFeedRevision; created: boolean }> {
  for (let attempt = 0; ; attempt++) {
    const latest = await latestKpiRevision(db, month);
    if (latest && latest.contentHash === contentHash) return { revision: latest, created: false };
    try {
      const [row] = await db
        .insert(kpiFeedRevisions)
        .values({ month, revision: (latest?.revision ?? 0) + 1, rows, contentHash, generatedAt })
        .returning();
      return { revision: row!, created: true };
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

export type NewDelivery = { month: string; revision: number; url: string; httpStatus: number | null; ok: boolean; error: string | null; durationMs: number; at: Date };

/** Logs one delivery attempt; its number is one more than the attempts already logged for that revision and URL. */
export async function logKpiDelivery(db: Db, d: NewDelivery) {
  const [{ n }] = (await db
    .select({ n: count() })
    .from(kpiFeedDeliveries)
    .where(and(eq(kpiFeedDeliveries.month, d.month), eq(kpiFeedDeliveries.revision, d.revision), eq(kpiFeedDeliveries.url, d.url)))) as [{ n: number }];
  const [row] = await db.insert(kpiFeedDeliveries).values({ ...d, attempt: Number(n) + 1 }).returning();
  return row!;
}

export async function kpiDeliveriesOf(db: Db, month: string, revision?: number) {
  return db
    .select()
    .from(kpiFeedDeliveries)
    .where(and(eq(kpiFeedDeliveries.month, month), revision === undefined ? undefined : eq(kpiFeedDeliveries.revision, revision)))
    .orderBy(asc(kpiFeedDeliveries.id));
}
