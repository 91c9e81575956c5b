import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { apiKeys } from '../../db/schema.ts';

// The roles live beside the table that stores them (db/schema/auth.ts): db/ never imports src/.
export { roles, type Role } from '../../db/schema/auth.ts';
import type { Role } from '../../db/schema/auth.ts';

export const hashKey = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Creates a key; the secret is returned once and only its hash is stored. */
export async function createApiKey(db: Db, name: string, role: Role) {
  const prefix = randomBytes(4).toString('hex');
  const secret = `attain_${prefix}_${randomBytes(24).toString('base64url')}`;
  const [row] = await db.insert(apiKeys).values({ name, role, prefix, hash: hashKey(secret) }).returning();
  return { ...row!, secret };
}

export async function revokeApiKey(db: Db, idOrPrefix: string): Promise<number> {
  const byId = /^\d+$/.test(idOrPrefix) ? eq(apiKeys.id, Number(idOrPrefix)) : eq(apiKeys.prefix, idOrPrefix);
  const rows = await db.update(apiKeys).set({ revokedAt: sql`now()` }).where(and(byId, isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id });
  return rows.length;
}

export async function listApiKeys(db: Db) {
  return db
    .select({ id: apiKeys.id, name: apiKeys.name, role: apiKeys.role, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .orderBy(asc(apiKeys.id));
}

/** The live key with this secret, or undefined. */
export async function findApiKey(db: Db, secret: string) {
  const [row] = await db
    .select({ id: apiKeys.id, name: apiKeys.name, role: apiKeys.role, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hashKey(secret)), isNull(apiKeys.revokedAt)));
  return row;
}

export async function touchApiKey(db: Db, id: number): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, id));
}
