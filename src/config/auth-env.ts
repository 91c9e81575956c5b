import { z } from 'zod';
import { roles, type Role } from '../store/api-keys.ts';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodType>(t: T) => z.preprocess(emptyToUndefined, t.optional());
const loopback = new Set(['127.0.0.1', 'localhost', '[::1]']);
const isLoopback = (u: URL) => loopback.has(u.hostname);

/** `https:`, or `http:` on a loopback address only (a provider or app on this machine, as in the tests). */
const secureUrl = z
  .string()
  .url()
  .refine((s) => {
    const u = new URL(s);
    return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopback(u));
  }, 'must be an https:// URL (http:// only on 127.0.0.1 or localhost)');

/** `group=role` pairs separated by commas, e.g. `attain-admins=admin,service-desk=viewer`. */
const roleMap = z.string().transform((s, ctx) => {
  const map: Record<string, Role> = {};
  for (const pair of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.lastIndexOf('=');
    const group = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (at <= 0 || !group) ctx.addIssue({ code: 'custom', message: `"${pair}": expected group=role` });
    else if (!(roles as readonly string[]).includes(role)) ctx.addIssue({ code: 'custom', message: `"${pair}": role must be one of ${roles.join(', ')}` });
    else map[group] = role as Role;
  }
  return map;
});

export const authEnvSchema = z.object({
  ATTAIN_PUBLIC_URL: opt(z.string().url()),
  ATTAIN_OIDC_ISSUER: opt(secureUrl),
  ATTAIN_OIDC_CLIENT_ID: opt(z.string().trim().min(1)),
  ATTAIN_OIDC_CLIENT_SECRET: opt(z.string().min(8, 'at least 8 characters')),
  ATTAIN_OIDC_SCOPES: z.preprocess(emptyToUndefined, z.string().default('openid profile email').refine((s) => s.split(/\s+/).includes('openid'), 'must include openid')),
  ATTAIN_OIDC_GROUPS_CLAIM: z.preprocess(emptyToUndefined, z.string().default('groups')),
  ATTAIN_OIDC_ROLES: z.preprocess(emptyToUndefined, roleMap.default({})),
  ATTAIN_OIDC_DEFAULT_ROLE: opt(z.enum(roles)),
  ATTAIN_OIDC_LABEL: z.preprocess(emptyToUndefined, z.string().default('your organisation')),
  ATTAIN_OIDC_TOKEN_AUTH: z.preprocess(emptyToUndefined, z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic')),
  ATTAIN_SESSION_IDLE_MINUTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(24 * 60).default(60)),
  ATTAIN_SESSION_MAX_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(24 * 30).default(12)),
});

export type OidcSettings = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  groupsClaim: string;
  /** Group → role; a person in several groups gets the highest of their roles. */
  roles: Record<string, Role>;
  /** The role of a person in no mapped group; absent: such a person is refused. */
  defaultRole?: Role;
  /** Words on the sign-in button ("Sign in with …"). */
  label: string;
  tokenAuth: 'client_secret_basic' | 'client_secret_post';
  /** Where the provider sends people back: `${publicUrl}/auth/callback`. */
  redirectUri: string;
};

export type AuthEnv = {
  /** The address people use (scheme, host, port): the redirect URI, the Secure cookie flag, the same-origin check. */
  publicUrl?: string;
  oidc?: OidcSettings;
  session: { idleMs: number; absoluteMs: number };
};

/** Sign-in settings from the environment (README "Signing in"); a bad or half-set value names its variable. */
export function parseAuthEnv(source: NodeJS.ProcessEnv): AuthEnv {
  const parsed = authEnvSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  const e = parsed.data;
  const session = { idleMs: e.ATTAIN_SESSION_IDLE_MINUTES * 60_000, absoluteMs: e.ATTAIN_SESSION_MAX_HOURS * 3_600_000 };
  const publicUrl = e.ATTAIN_PUBLIC_URL?.replace(/\/+$/, '');
  if (!e.ATTAIN_OIDC_ISSUER) {
    for (const name of ['ATTAIN_OIDC_CLIENT_ID', 'ATTAIN_OIDC_CLIENT_SECRET'] as const) {
      if (e[name]) throw new Error(`environment variable ATTAIN_OIDC_ISSUER: required when ${name} is set`);
    }
    return { publicUrl, session };
  }
  for (const name of ['ATTAIN_OIDC_CLIENT_ID', 'ATTAIN_OIDC_CLIENT_SECRET', 'ATTAIN_PUBLIC_URL'] as const) {
    if (!e[name]) throw new Error(`environment variable ${name}: required when ATTAIN_OIDC_ISSUER is set`);
  }
  if (Object.keys(e.ATTAIN_OIDC_ROLES).length === 0 && !e.ATTAIN_OIDC_DEFAULT_ROLE) {
    throw new Error('environment variable ATTAIN_OIDC_ROLES: map at least one group to a role (or set ATTAIN_OIDC_DEFAULT_ROLE), or nobody could sign in');
  }
  return {
    publicUrl,
    session,
    oidc: {
      issuer: e.ATTAIN_OIDC_ISSUER,
      clientId: e.ATTAIN_OIDC_CLIENT_ID!,
      clientSecret: e.ATTAIN_OIDC_CLIENT_SECRET!,
      scopes: e.ATTAIN_OIDC_SCOPES,
      groupsClaim: e.ATTAIN_OIDC_GROUPS_CLAIM,
      roles: e.ATTAIN_OIDC_ROLES,
      defaultRole: e.ATTAIN_OIDC_DEFAULT_ROLE,
      label: e.ATTAIN_OIDC_LABEL,
      tokenAuth: e.ATTAIN_OIDC_TOKEN_AUTH,
      redirectUri: `${publicUrl}/auth/callback`,
    },
  };
}
