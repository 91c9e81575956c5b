import { tryGetContext } from 'hono/context-storage';
import { sessionOf } from '../session.ts';

/** Marks requests where signing in exists (auth on), so pages offer it. */
export const SIGN_IN_AVAILABLE = 'signInAvailable';

/**
 * Who is signed in, with a sign-out button, or a sign-in link; shown in every page's header.
 * Reads the request from hono's context storage so pages need not pass it down.
 */
export function SignedIn() {
  const c = tryGetContext();
  if (!c) return '';
  const s = sessionOf(c);
  if (s) {
    return (
      <form class="signed-in" method="post" action="/auth/sign-out" data-signed-in={s.subject} data-role={s.role}>
        <span>
          Signed in as <strong>{s.name}</strong> ({s.role})
        </span>{' '}
        <button type="submit">Sign out</button>
      </form>
    );
  }
  if (!c.get(SIGN_IN_AVAILABLE as never)) return '';
  const next = c.req.path + (new URL(c.req.url).search || '');
  return (
    <a class="sign-in" href={`/auth/sign-in?next=${encodeURIComponent(next)}`}>
      Sign in
    </a>
  );
}
