import type { MiddlewareHandler } from 'hono';
import type { Db } from '../../db/client.ts';
import { findApiKey, roles, touchApiKey, type Role } from '../store/api-keys.ts';
import { ApiError } from './errors.ts';

export type AuthOptions = {
  /** `off` only where no network reaches the app (tests of other concerns); `keys` otherwise. */
  mode: 'keys' | 'off';
  /** GET and HEAD without a key (the embedded demo's default). */
  publicRead: boolean;
};

const rank: Record<Role, number> = { viewer: 0, ingest: 1, admin: 2 };
const open = new Set(['/health']);

/** The role a request needs: reading is viewer's, writing ingest's, `/api/v1/admin` admin's. */
export function requiredRole(method: string, path: string): Role | null {
  if (open.has(path)) return null;
  if (path.startsWith('/api/v1/admin')) return 'admin';
  return method === 'GET' || method === 'HEAD' ? 'viewer' : 'ingest';
}

function presentedKey(header: (name: string) => string | undefined): string | undefined {
  const auth = header('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return header('x-api-key')?.trim() || undefined;
}

/**
 * API keys with roles viewer < ingest < admin (stored hashed). 401 without a valid key, 403 with
 * a key whose role is too low; `/health` is always open, reads too when public read is on.
 */
export function apiKeyAuth(db: Db, opts: AuthOptions): MiddlewareHandler {
  const touched = new Map<number, number>();
  return async function apiKeyAuth(c, next) {
    const needed = requiredRole(c.req.method, c.req.path);
    if (opts.mode === 'off' || needed === null || (needed === 'viewer' && opts.publicRead)) return next();
    const secret = presentedKey((n) => c.req.header(n));
    // Every 401 says how to authenticate (RFC 9110 §11.6.1; the Bearer scheme of RFC 6750 §3).
    if (!secret) {
      c.header('WWW-Authenticate', 'Bearer realm="attain"');
      throw new ApiError('unauthorized', `an API key with the ${needed} role is required: send "Authorization: Bearer <key>" (create one with \`attain keys create NAME --role ${needed}\`)`, { needed });
    }
    const key = await findApiKey(db, secret);
    if (!key) {
      c.header('WWW-Authenticate', 'Bearer realm="attain", error="invalid_token"');
      throw new ApiError('unauthorized', `the API key is not valid or has been revoked (this needs the ${needed} role: \`attain keys create NAME --role ${needed}\`)`, { needed });
    }
    if (rank[key.role] < rank[needed]) {
      throw new ApiError('forbidden', `this needs the ${needed} role; the key "${key.name}" has ${key.role}`, { needed, role: key.role });
    }
    // Last use is informative only: write it at most once a minute per key.
    const now = Date.now();
    if ((touched.get(key.id) ?? 0) < now - 60_000) {
      touched.set(key.id, now);
      await touchApiKey(db, key.id);
    }
    c.set('apiKey' as never, key as never);
    return next();
  };
}

export { roles };
