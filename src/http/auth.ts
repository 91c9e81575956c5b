import type { MiddlewareHandler } from 'hono';
import type { Db } from '../../db/client.ts';
import { findApiKey, roles, touchApiKey, type Role } from '../store/api-keys.ts';
import { ApiError } from './errors.ts';
import type { AppEnv, AuthOptions } from './context.ts';
import { fromSameOrigin, sessionOf, setActor } from './session.ts';

export type { AuthOptions } from './context.ts';

/** Open to all: health, and the pages' static files (the sign-in page needs them before anyone is signed in). */
const open = new Set(['/health', '/favicon.ico', '/assets/pages.js', '/assets/chart.umd.min.js']);
const everyone: readonly Role[] = ['viewer', 'editor', 'ingest', 'admin'];
/** Writes people make (outage records, commentary): editors, and tools with ingest keys. */
const peopleWrites = [/^\/api\/v1\/outages(\/|$)/, /^\/api\/v1\/measures\/[^/]+\/commentary(\/|$)/];

/**
 * The roles that may make a request (docs/roles.md): reading is everyone's, people's writes
 * (outages, commentary) editor's and ingest's, other writes (feeds) ingest's, `/api/v1/admin`
 * admin's; admin may do everything. `/health`, the static assets and sign-in (`/auth/…`) are open.
 */
export function allowedRoles(method: string, path: string): readonly Role[] | null {
  if (open.has(path) || path.startsWith('/auth/')) return null;
  if (path.startsWith('/api/v1/admin')) return ['admin'];
  if (method === 'GET' || method === 'HEAD') return everyone;
  if (peopleWrites.some((re) => re.test(path))) return ['editor', 'ingest', 'admin'];
  return ['ingest', 'admin'];
}

/** The role a request needs (the least of those allowed), or null when open. */
export function requiredRole(method: string, path: string): Role | null {
  return allowedRoles(method, path)?.[0] ?? null;
}

function presentedKey(header: (name: string) => string | undefined): string | undefined {
  const auth = header('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return header('x-api-key')?.trim() || undefined;
}

const forbidden = (needed: Role, who: string, role: Role) => new ApiError('forbidden', `this needs the ${needed} role; ${who} has ${role}`, { needed, role });

/**
 * API keys and sessions, with roles (stored hashed). A bearer key decides when one is sent; else
 * a session cookie (src/http/session.ts), whose writes must also come from our own pages (CSRF).
 * 401 without either (a page asked for by a browser is sent to sign-in instead), 403 with a
 * role too low; `/health` is always open, reads too when public read is on.
 */
export function apiKeyAuth(db: Db, opts: AuthOptions): MiddlewareHandler<AppEnv> {
  const touched = new Map<number, number>();
  return async function apiKeyAuth(c, next) {
    const allowed = allowedRoles(c.req.method, c.req.path);
    const needed = allowed?.[0] ?? null;
    if (opts.mode === 'off' || allowed === null || needed === null || (needed === 'viewer' && opts.publicRead)) return next();
    const secret = presentedKey((n) => c.req.header(n));
    const session = secret ? undefined : sessionOf(c);
    if (session) {
      if (!allowed.includes(session.role)) throw forbidden(needed, `you are signed in as ${session.name}, who`, session.role);
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !fromSameOrigin(c, opts)) {
        throw new ApiError('forbidden', 'a write through a signed-in session must come from attain\'s own pages (cross-site request refused)', { reason: 'cross_site' });
      }
      setActor(c, { kind: 'session', subject: session.subject, name: session.name, role: session.role, via: session.via });
      return next();
    }
    if (!secret) {
      // People opening a page go to the sign-in page, and come back here afterwards.
      if (c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html')) {
        return c.redirect(`/auth/sign-in?next=${encodeURIComponent(c.req.path + (new URL(c.req.url).search || ''))}`, 303);
      }
      // Every 401 says how to authenticate (RFC 9110 §11.6.1; the Bearer scheme of RFC 6750 §3).
      c.header('WWW-Authenticate', 'Bearer realm="attain"');
      throw new ApiError('unauthorized', `an API key with the ${needed} role is required: send "Authorization: Bearer <key>" (create one with \`attain keys create NAME --role ${needed}\`), or sign in at /auth/sign-in`, { needed });
    }
    const key = await findApiKey(db, secret);
    if (!key) {
      c.header('WWW-Authenticate', 'Bearer realm="attain", error="invalid_token"');
      throw new ApiError('unauthorized', `the API key is not valid or has been revoked (this needs the ${needed} role: \`attain keys create NAME --role ${needed}\`)`, { needed });
    }
    if (!allowed.includes(key.role)) throw forbidden(needed, `the key "${key.name}"`, key.role);
    // Last use is informative only: write it at most once a minute per key.
    const now = Date.now();
    if ((touched.get(key.id) ?? 0) < now - 60_000) {
      touched.set(key.id, now);
      await touchApiKey(db, key.id);
    }
    c.set('apiKey', key);
    setActor(c, { kind: 'key', subject: `key:${key.id}`, name: key.name, role: key.role });
    return next();
  };
}

export { roles };
