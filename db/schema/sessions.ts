import { bigint, bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Role } from './auth.ts';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Signed-in people. The cookie holds an opaque random token; only its SHA-256 is stored here, so
 * a copy of the table does not let anyone sign in. A row ends at `expires_at` (absolute) or
 * when it has not been used for the idle time (`last_seen_at`), or at sign-out (deleted).
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    /** `oidc`: the identity provider's subject; `key`: signed in with an API key (its id). */
    via: text('via').notNull().$type<'oidc' | 'key'>(),
    subject: text('subject').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    role: text('role').notNull().$type<Role>(),
    /** The key a `key` session was opened with: revoking the key ends the session too. */
    apiKeyId: bigint('api_key_id', { mode: 'number' }),
    createdAt: instant('created_at').notNull(),
    lastSeenAt: instant('last_seen_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
  },
  (t) => [index('sessions_expires_at').on(t.expiresAt)],
);

/** Writes made through the API by people and keys: who, when, what, through which route. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: instant('at').notNull(),
    /** `session` (a person signed in), `key` (a bearer key), `none` (auth off: tests, local tools). */
    actorKind: text('actor_kind').notNull().$type<'session' | 'key' | 'none'>(),
    /** Who: the person's subject at the identity provider, `key:<id>`, or `anonymous`. */
    actor: text('actor').notNull(),
    actorName: text('actor_name'),
    role: text('role').$type<Role>(),
    /** What, as `area.verb` (e.g. `outage.create`), and the record it touched. */
    action: text('action').notNull(),
    target: text('target'),
    method: text('method').notNull(),
    route: text('route').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_log_at').on(t.at), index('audit_log_actor').on(t.actor, t.at)],
);

export type SessionRow = typeof sessions.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
