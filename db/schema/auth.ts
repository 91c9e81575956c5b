import { bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** What each role may do: docs/roles.md (the matrix) and `allowedRoles` in src/http/auth.ts. */
export const roles = ['viewer', 'editor', 'ingest', 'admin'] as const;
export type Role = (typeof roles)[number];

/** API keys, stored as SHA-256 hashes of the secret; the secret is shown once, at creation. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    role: text('role').notNull().$type<Role>(),
    /** First characters of the key, to tell keys apart in listings. */
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('api_keys_prefix').on(t.prefix)],
);

export type ApiKey = typeof apiKeys.$inferSelect;
