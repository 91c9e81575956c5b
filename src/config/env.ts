import path from 'node:path';
import { z } from 'zod';
import { parseAuthEnv, type AuthEnv } from './auth-env.ts';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const envSchema = z.object({
  DATABASE_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
  REDIS_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  ATTAIN_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  ATTAIN_CONFIG: z.preprocess(emptyToUndefined, z.string().optional()),
  ATTAIN_PUBLIC_READ: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).optional()),
  KPI_WEBHOOK_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
  KPI_WEBHOOK_SECRET: z.preprocess(emptyToUndefined, z.string().min(16, 'at least 16 characters').optional()),
});

export type Env = {
  databaseUrl?: string;
  redisUrl?: string;
  port: number;
  dataDir: string;
  configFile?: string;
  /** Reads without an API key: on by default for the embedded database, off with PostgreSQL. */
  publicRead: boolean;
  /** Where the monthly KPI feed is POSTed (signed with the secret), when set. */
  kpiWebhookUrl?: string;
  kpiWebhookSecret?: string;
  /** Sign-in: OpenID Connect, sessions (src/config/auth-env.ts). */
  auth?: AuthEnv;
};

/** Parsed once at start-up; a bad value stops the process with the variable named. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  const e = parsed.data;
  // An unsigned feed would be accepted by nobody: the URL without a secret is a mistake.
  if (e.KPI_WEBHOOK_URL && !e.KPI_WEBHOOK_SECRET) throw new Error('environment variable KPI_WEBHOOK_SECRET: required when KPI_WEBHOOK_URL is set');
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    dataDir: path.resolve(e.ATTAIN_DATA_DIR),
    configFile: e.ATTAIN_CONFIG,
    publicRead: e.ATTAIN_PUBLIC_READ === undefined ? e.DATABASE_URL === undefined : e.ATTAIN_PUBLIC_READ === 'true',
    kpiWebhookUrl: e.KPI_WEBHOOK_URL,
    kpiWebhookSecret: e.KPI_WEBHOOK_SECRET,
    auth: parseAuthEnv(source),
  };
}
