import type { Context } from 'hono';
import type { Db } from '../../db/client.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { AuthEnv } from '../config/auth-env.ts';
import type { findApiKey, Role } from '../store/api-keys.ts';
import type { Session } from '../store/sessions.ts';

/**
 * What the HTTP layer is built from and what its middlewares put on each request: the one home
 * of these types, so routes import them from here and never from app.ts (which imports routes).
 */

/** Sign-in settings the app takes from the environment (src/config/auth-env.ts); all optional. */
export type SignInOptions = Partial<AuthEnv>;

export type AuthOptions = {
  /** `off` only where no network reaches the app (tests of other concerns); `keys` otherwise. */
  mode: 'keys' | 'off';
  /** GET and HEAD without a key (the embedded demo's default). */
  publicRead: boolean;
} & SignInOptions;

export type AppDeps = {
  db: Db;
  dbKind: 'pglite' | 'postgres';
  config: AppConfig;
  now: () => Date;
  log?: (message: string) => void;
  /**
   * API keys. Absent means off, for in-process tests of other concerns; the server commands
   * always pass `{ mode: 'keys' }` (src/cli.ts).
   */
  auth?: AuthOptions;
  /** The job runner's enqueue (uploads queue `compute-sla`); absent: the upload computes inline. */
  enqueue?: (job: string, slot: string, payload?: unknown) => Promise<void>;
  /** ATTAIN_DATA_DIR: uploads are streamed to `tmp/` under it (absent: the OS temp folder). */
  dataDir?: string;
};

/** Who a request acts for: a signed-in person, a bearer key, or nobody (auth off or public read). */
export type Actor =
  | { kind: 'session'; subject: string; name: string; role: Role; via: 'oidc' | 'key' }
  | { kind: 'key'; subject: string; name: string; role: Role }
  | { kind: 'none' };

export type LiveSession = Session & { token: string };

export type ApiKeyRow = NonNullable<Awaited<ReturnType<typeof findApiKey>>>;

/** The context variables the middlewares set (src/http/session.ts, auth.ts, app.ts). */
export type AppVariables = {
  /** The live session named by the cookie (sessionLoader). */
  session?: LiveSession;
  /** Who the request acts for (apiKeyAuth). */
  actor?: Actor;
  /** The bearer key that authorised the request (apiKeyAuth). */
  apiKey?: ApiKeyRow;
  /** Set when auth is on, so pages offer signing in (pages/signed-in.tsx). */
  signInAvailable?: boolean;
};

/** The Hono environment of the app and every route group. */
export type AppEnv = { Variables: AppVariables };
export type AppContext = Context<AppEnv>;
