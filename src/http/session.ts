import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Db } from '../../db/client.ts';
import { findSession, touchSession } from '../store/sessions.ts';
import type { Actor, AppEnv, LiveSession, SignInOptions } from './context.ts';

export type { Actor, LiveSession, SignInOptions } from './context.ts';

export const SESSION_COOKIE = 'attain_session';
export const defaultSessionLimits = { idleMs: 60 * 60_000, absoluteMs: 12 * 3_600_000 };

// Typed by AppEnv; `Context` without it (hono's context storage) reads the same variables.
export const sessionOf = (c: Context<AppEnv> | Context): LiveSession | undefined => (c as Context<AppEnv>).get('session');
export const actorOf = (c: Context<AppEnv> | Context): Actor => (c as Context<AppEnv>).get('actor') ?? { kind: 'none' };
export const setActor = (c: Context<AppEnv>, actor: Actor) => c.set('actor', actor);

/** Cookies are Secure when people reach the app over HTTPS (the public URL, else this request). */
export const servedOverHttps = (c: Context, opts: SignInOptions) => new URL(opts.publicUrl ?? c.req.url).protocol === 'https:';

export function setSessionCookie(c: Context, opts: SignInOptions, token: string, maxAgeMs: number) {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure: servedOverHttps(c, opts), sameSite: 'Lax', path: '/', maxAge: Math.floor(maxAgeMs / 1000) });
}
export const clearSessionCookie = (c: Context, opts: SignInOptions) => deleteCookie(c, SESSION_COOKIE, { path: '/', secure: servedOverHttps(c, opts) });

/**
 * Loads the session named by the cookie (if any, and live) into the context. It authorises
 * nothing by itself: src/http/auth.ts decides, by role, with the same-origin check for writes.
 */
export function sessionLoader(db: Db, opts: SignInOptions, now: () => Date): MiddlewareHandler<AppEnv> {
  const limits = opts.session ?? defaultSessionLimits;
  return async function sessionLoader(c, next) {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const at = now();
      const session = await findSession(db, token, at, limits.idleMs);
      if (session) {
        // The idle clock moves at most once a minute per session: one write, not one per request.
        if (session.lastSeenAt.getTime() < at.getTime() - 60_000) await touchSession(db, token, at);
        c.set('session', { ...session, token });
      }
    }
    return next();
  };
}

/**
 * Whether a browser request comes from our own pages: `Sec-Fetch-Site: same-origin`, or, from
 * browsers without it, an `Origin` equal to ours. A request with neither is refused: browsers
 * send them on every write, and scripts without a browser use bearer keys, not cookies.
 */
export function fromSameOrigin(c: Context, opts: SignInOptions): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = c.req.header('origin');
  if (!origin) return false;
  const ours = new Set([new URL(c.req.url).origin]);
  if (opts.publicUrl) ours.add(new URL(opts.publicUrl).origin);
  return ours.has(origin);
}

/** Where a person goes after signing in: a path on this site only (never another host). */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
