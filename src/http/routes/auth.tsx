import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { addDays, localDayKey } from '../../calendar/zone.ts';
import { signInWithClaims, signInWithKey, SignInRefused } from '../../services/sign-in.ts';
import { slaRules } from '../../sla/rules.ts';
import { deleteSession } from '../../store/sessions.ts';
import type { AppDeps } from '../context.ts';
import { oidcClient, type PendingSignIn } from '../oidc.ts';
import { apiRoute, json, router, text } from '../openapi.ts';
import { Layout } from '../pages/layout.tsx';
import { clearSessionCookie, defaultSessionLimits, fromSameOrigin, safeNext, servedOverHttps, sessionOf, setSessionCookie, type SignInOptions } from '../session.ts';

const PENDING_COOKIE = 'attain_oidc';
const nextQuery = z.object({ next: z.string().max(2000).optional().openapi({ description: 'Where to go after signing in (a path on this site)', example: '/pages/team-leader' }) });

const tags = ['Sign-in'];
const page = (description: string) => text(description, 'text/html');
const redirect = (description: string) => ({ description });
const signInPageRoute = apiRoute({
  method: 'get',
  path: '/auth/sign-in',
  tags,
  summary: "Page: sign in with the organisation's identity provider, or with an API key",
  request: { query: nextQuery.extend({ signedOut: z.string().optional().openapi({ description: 'Present after signing out: the page says so' }) }) },
  responses: { 200: page('The sign-in page') },
  errorsAs: 'html',
});
const signInRoute = apiRoute({
  method: 'post',
  path: '/auth/sign-in',
  tags,
  summary: 'Exchange an API key (form field `key`) for a session cookie; same-origin form posts only',
  request: {
    body: {
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { key: { type: 'string' }, next: { type: 'string' } }, required: ['key'] } } },
    },
  },
  responses: { 303: redirect('Signed in: on to `next`, with the session cookie'), 401: page('The key is not valid'), 403: page('Posted from another site') },
  errorsAs: 'html',
});
const oidcRoute = apiRoute({
  method: 'get',
  path: '/auth/oidc',
  tags,
  summary: 'Start OpenID Connect sign-in (authorization code with PKCE): redirects to the identity provider',
  request: { query: nextQuery },
  responses: { 302: redirect('To the identity provider'), 404: page('No identity provider is set up'), 503: page('The identity provider cannot be reached') },
  errorsAs: 'html',
});
const callbackRoute = apiRoute({
  method: 'get',
  path: '/auth/callback',
  tags,
  summary: "The identity provider's redirect back: checks state, nonce and PKCE, opens a session",
  responses: { 303: redirect('Signed in: on to where sign-in started'), 403: page('The identity provider or the user directory refused') },
  errorsAs: 'html',
});
const signOutRoute = apiRoute({
  method: 'post',
  path: '/auth/sign-out',
  tags,
  summary: 'End the session (same-origin form posts only)',
  responses: { 303: redirect('Signed out: to the sign-in page'), 403: page('Posted from another site') },
  errorsAs: 'html',
});
const MeSchema = z
  .union([
    z.object({ signedIn: z.literal(false) }),
    z.object({ signedIn: z.literal(true), name: z.string(), email: z.string().nullable(), role: z.string(), via: z.string(), subject: z.string(), expiresAt: z.string() }),
  ])
  .openapi('Me');
const meRoute = apiRoute({ method: 'get', path: '/auth/me', tags, summary: 'Who this request is signed in as (the session), or `{ signedIn: false }`', responses: { 200: json(MeSchema) } });

type SignInPageProps = {
  next: string;
  message?: string;
  signedOut?: boolean;
  session?: { name: string; role: string };
  /** The identity provider's label, when one is set up. */
  provider?: string;
  limits: { idleMs: number; absoluteMs: number };
  reportMonth: string;
};

/** The sign-in page: the identity provider's button (if any), the API key form, what went wrong. */
function SignInPage(p: SignInPageProps) {
  return (
    <Layout title="Sign in" reportMonth={p.reportMonth}>
      <h1>Sign in</h1>
      {p.message ? (
        <p class="status red" role="alert" id="sign-in-error">
          {p.message}
        </p>
      ) : (
        ''
      )}
      {p.signedOut ? <p id="signed-out">You have signed out.</p> : ''}
      {p.session ? (
        <p id="already">
          You are signed in as {p.session.name} ({p.session.role}). <a href={p.next}>Continue</a>
        </p>
      ) : (
        ''
      )}
      {p.provider ? (
        <p>
          <a id="sign-in-oidc" class="button" href={`/auth/oidc?next=${encodeURIComponent(p.next)}`}>
            Sign in with {p.provider}
          </a>
        </p>
      ) : (
        ''
      )}
      <h2>{p.provider ? 'Or with an API key' : 'With an API key'}</h2>
      <form method="post" action="/auth/sign-in" class="inline">
        <input type="hidden" name="next" value={p.next} />
        <div>
          <label for="key">API key</label>
          <input id="key" name="key" type="password" autocomplete="off" required size={48} />
        </div>
        <button type="submit">Sign in</button>
      </form>
      <p class="meta">An administrator creates keys with `attain keys create NAME --role viewer`. The session lasts until you sign out, {Math.round(p.limits.idleMs / 60_000)} minutes without use, or {Math.round(p.limits.absoluteMs / 3_600_000)} hours.</p>
    </Layout>
  );
}

/** What both halves of sign-in share: the settings, the page, and opening a session. */
function signInKit(deps: AppDeps) {
  const opts: SignInOptions = deps.auth ?? {};
  const limits = opts.session ?? defaultSessionLimits;
  const client = opts.oidc ? oidcClient(opts.oidc) : undefined;
  const zone = slaRules(deps.config).zone;
  const reportMonth = () => addDays(`${localDayKey(zone, deps.now().getTime()).slice(0, 7)}-01`, -1).slice(0, 7);
  const render = (c: Context, p: { next: string; message?: string; signedOut?: boolean }, status: ContentfulStatusCode = 200) =>
    c.html(`<!doctype html>${String(<SignInPage {...p} session={sessionOf(c)} provider={client?.label} limits={limits} reportMonth={reportMonth()} />)}`, status);
  const signedIn = (c: Context, token: string, next: string) => {
    setSessionCookie(c, opts, token, limits.absoluteMs);
    c.header('cache-control', 'no-store');
    return c.redirect(safeNext(next), 303);
  };
  return { opts, limits, client, render, signedIn };
}
type Kit = ReturnType<typeof signInKit>;

/** Signing in with an API key, signing out, and who is signed in. */
function keyRoutes(deps: AppDeps, { opts, limits, render, signedIn }: Kit) {
  return router()
    .openapi(signInPageRoute, (c) => {
      const q = c.req.valid('query');
      return render(c, { next: safeNext(q.next), signedOut: q.signedOut !== undefined });
    })
    .openapi(signInRoute, async (c) => {
      // A sign-in form posted from elsewhere would sign the browser in as someone else (login CSRF).
      if (!fromSameOrigin(c, opts)) return render(c, { next: '/', message: 'This form must be sent from attain’s own sign-in page.' }, 403);
      const form = await c.req.parseBody();
      const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
      const key = typeof form.key === 'string' ? form.key : '';
      if (!key.trim()) return render(c, { next, message: 'Enter an API key.' }, 400);
      try {
        const { token } = await signInWithKey(deps.db, key, deps.now(), limits);
        return signedIn(c, token, next);
      } catch (e) {
        if (e instanceof SignInRefused) return render(c, { next, message: `Not signed in: ${e.message}.` }, 401);
        throw e;
      }
    })
    .openapi(signOutRoute, async (c) => {
      if (!fromSameOrigin(c, opts)) return render(c, { next: '/', message: 'Sign-out must be sent from attain’s own pages.' }, 403);
      const s = sessionOf(c);
      if (s) await deleteSession(deps.db, s.token);
      clearSessionCookie(c, opts);
      return c.redirect('/auth/sign-in?signedOut', 303);
    })
    .openapi(meRoute, (c) => {
      const s = sessionOf(c);
      c.header('cache-control', 'no-store');
      if (!s) return c.json({ signedIn: false as const }, 200);
      return c.json({ signedIn: true as const, name: s.name, email: s.email, role: s.role, via: s.via, subject: s.subject, expiresAt: s.expiresAt.toISOString() }, 200);
    });
}

/** Signing in through the organisation's identity provider (OpenID Connect, code flow with PKCE). */
function oidcRoutes(deps: AppDeps, { opts, limits, client, render, signedIn }: Kit) {
  return router()
    .openapi(oidcRoute, async (c) => {
      const next = safeNext(c.req.valid('query').next);
      if (!client) return render(c, { next, message: 'Sign-in with an identity provider is not set up here (ATTAIN_OIDC_ISSUER); use an API key.' }, 404);
      let started: Awaited<ReturnType<typeof client.start>>;
      try {
        started = await client.start(next);
      } catch (e) {
        deps.log?.(`OIDC discovery at ${opts.oidc!.issuer} failed: ${(e as Error).message}`);
        return render(c, { next, message: `The identity provider cannot be reached just now (${(e as Error).message}). Try again shortly, or use an API key.` }, 503);
      }
      setCookie(c, PENDING_COOKIE, Buffer.from(JSON.stringify(started.pending)).toString('base64url'), {
        httpOnly: true,
        secure: servedOverHttps(c, opts),
        sameSite: 'Lax',
        path: '/auth',
        maxAge: 600,
      });
      return c.redirect(started.url.href, 302);
    })
    .openapi(callbackRoute, async (c) => {
      const raw = getCookie(c, PENDING_COOKIE);
      deleteCookie(c, PENDING_COOKIE, { path: '/auth', secure: servedOverHttps(c, opts) });
      let pending: PendingSignIn | undefined;
      try {
        pending = raw ? (JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as PendingSignIn) : undefined;
      } catch {
        pending = undefined;
      }
      if (!client || !pending?.state) return render(c, { next: '/', message: 'This sign-in has expired or was not started here: start again.' }, 400);
      const query = new URL(c.req.url).searchParams;
      if (query.get('error')) return render(c, { next: pending.next, message: `The identity provider refused: ${query.get('error_description') ?? query.get('error')}.` }, 403);
      try {
        const claims = await client.finish(query, pending);
        const { token } = await signInWithClaims(deps.db, claims, opts.oidc!, deps.now(), limits);
        return signedIn(c, token, pending.next);
      } catch (e) {
        if (e instanceof SignInRefused) return render(c, { next: pending.next, message: `Not signed in: ${e.message}.` }, 403);
        // openid-client's checks (state, nonce, PKCE, token answer): the sign-in fails, the app does not.
        deps.log?.(`OIDC callback refused: ${(e as Error).message}`);
        return render(c, { next: pending.next, message: `Sign-in failed: ${(e as Error).message}. Start again.` }, 400);
      }
    });
}

/** Sign-in and sign-out for people (README "Signing in"). */
export function authRoutes(deps: AppDeps) {
  const kit = signInKit(deps);
  return router().route('/', keyRoutes(deps, kit)).route('/', oidcRoutes(deps, kit));
}
