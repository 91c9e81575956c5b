import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { auditLog, type AuditRow } from '../../db/schema.ts';

export type AuditEntry = Omit<AuditRow, 'id'>;

export async function insertAudit(db: Db, entry: AuditEntry): Promise<AuditRow> {
  const [row] = await db.insert(auditLog).values(entry).returning();
  return row!;
}

/** The trail, newest first. */
export async function listAudit(db: Db, q: { actor?: string; action?: string; from?: Date; to?: Date; limit?: number } = {}): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (q.actor) where.push(eq(auditLog.actor, q.actor));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.to) where.push(lt(auditLog.at, q.to));
  return db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(q.limit ?? 100);
}
