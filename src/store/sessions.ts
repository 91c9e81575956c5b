import { randomBytes } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { apiKeys, sessions, type SessionRow } from '../../db/schema.ts';
import { hashKey, type Role } from './api-keys.ts';

export type SessionPerson = { via: 'oidc' | 'key'; subject: string; name: string; email?: string | null; role: Role; apiKeyId?: number | null };
export type SessionLimits = { idleMs: number; absoluteMs: number };
export type Session = Omit<SessionRow, 'id'>;

/** Opens a session; the token goes in the cookie, only its hash is stored (like API keys). */
export async function createSession(db: Db, person: SessionPerson, now: Date, limits: SessionLimits): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString('base64url');
  const [row] = await db
    .insert(sessions)
    .values({ ...person, email: person.email ?? null, apiKeyId: person.apiKeyId ?? null, id: hashKey(token), createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + limits.absoluteMs) })
    .returning();
  const { id: _id, ...session } = row!;
  return { token, session };
}

/**
 * The live session for a cookie token: not past its absolute expiry, used within the idle time,
 * and, when opened with an API key, that key not revoked since.
 */
export async function findSession(db: Db, token: string, now: Date, idleMs: number): Promise<Session | undefined> {
  const [row] = await db
    .select({ s: sessions, keyRevokedAt: apiKeys.revokedAt, keyId: apiKeys.id })
    .from(sessions)
    .leftJoin(apiKeys, eq(apiKeys.id, sessions.apiKeyId))
    .where(and(eq(sessions.id, hashKey(token)), gt(sessions.expiresAt, now), gt(sessions.lastSeenAt, new Date(now.getTime() - idleMs))));
  if (!row) return undefined;
  if (row.s.apiKeyId !== null && (row.keyId === null || row.keyRevokedAt !== null)) return undefined;
  const { id: _id, ...session } = row.s;
  return session;
}

/** Moves the idle clock on (callers do it at most once a minute per session). */
export async function touchSession(db: Db, token: string, now: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, hashKey(token)));
}

/** Sign-out. */
export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, hashKey(token)));
}
