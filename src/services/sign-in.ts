import type { Db } from '../../db/client.ts';
import type { OidcSettings } from '../config/auth-env.ts';
import { findApiKey, type Role } from '../store/api-keys.ts';
import { createSession, type SessionLimits } from '../store/sessions.ts';

/** For a person in several groups: the first of these their groups give. */
const precedence: readonly Role[] = ['admin', 'editor', 'ingest', 'viewer'];

/** The role a person's groups give (highest wins), the default role, or null: not allowed in. */
export function roleFromGroups(groups: readonly string[], map: Record<string, Role>, defaultRole?: Role): Role | null {
  const given = new Set(groups.flatMap((g) => (map[g] ? [map[g]] : [])));
  return precedence.find((r) => given.has(r)) ?? defaultRole ?? null;
}

/** A claim that should list groups: an array of strings, one string, or absent. */
export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === 'string');
  return typeof claim === 'string' ? [claim] : [];
}

export class SignInRefused extends Error {}

/** Opens a session for the person the provider vouched for, with the role their groups map to. */
export async function signInWithClaims(db: Db, claims: Record<string, unknown> & { sub: string }, settings: OidcSettings, now: Date, limits: SessionLimits) {
  const groups = groupsOf(claims[settings.groupsClaim]);
  const role = roleFromGroups(groups, settings.roles, settings.defaultRole);
  const str = (k: string) => (typeof claims[k] === 'string' && claims[k] ? (claims[k] as string) : undefined);
  const name = str('name') ?? str('preferred_username') ?? str('email') ?? claims.sub;
  if (!role) throw new SignInRefused(`${name} is in none of the groups that may use attain (the "${settings.groupsClaim}" claim lists: ${groups.join(', ') || 'nothing'})`);
  return createSession(db, { via: 'oidc', subject: claims.sub, name, email: str('email') ?? null, role }, now, limits);
}

/** Exchanges an API key for a session with the key's role (installations without a provider). */
export async function signInWithKey(db: Db, secret: string, now: Date, limits: SessionLimits) {
  const key = await findApiKey(db, secret.trim());
  if (!key) throw new SignInRefused('that key is not valid or has been revoked');
  return createSession(db, { via: 'key', subject: `key:${key.id}`, name: key.name, role: key.role, apiKeyId: key.id }, now, limits);
}
