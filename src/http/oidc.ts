import * as oidc from 'openid-client';
import type { OidcSettings } from '../config/auth-env.ts';

/** What the browser keeps between leaving for the provider and coming back (an HttpOnly cookie). */
export type PendingSignIn = { state: string; nonce: string; verifier: string; next: string };
export type OidcClaims = Record<string, unknown> & { sub: string };

/**
 * Sign-in at the council's OpenID Connect provider with openid-client: discovery from the issuer
 * URL (fetched on first use and again after a failure, so the app starts while the provider is
 * down), authorization code with PKCE (S256), state and nonce checked on return.
 */
export function oidcClient(settings: OidcSettings) {
  let configuration: Promise<oidc.Configuration> | undefined;
  const insecure = new URL(settings.issuer).protocol === 'http:'; // loopback only: auth-env.ts refuses others
  const discover = () =>
    (configuration ??= oidc
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        undefined,
        settings.tokenAuth === 'client_secret_post' ? oidc.ClientSecretPost(settings.clientSecret) : oidc.ClientSecretBasic(settings.clientSecret),
        insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((e: unknown) => {
        configuration = undefined;
        throw e;
      }));

  return {
    label: settings.label,
    /** The provider's authorization URL and what to keep until the person comes back. */
    async start(next: string): Promise<{ url: URL; pending: PendingSignIn }> {
      const config = await discover();
      const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), next };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { url, pending };
    },
    /**
     * Exchanges the code for tokens and returns the ID token's claims. When the groups claim is
     * not in the ID token (providers that keep it to userinfo), userinfo supplies it.
     */
    async finish(query: URLSearchParams, pending: PendingSignIn): Promise<OidcClaims> {
      const config = await discover();
      // The redirect URI as registered (not the URL as seen behind a proxy), with the answer's parameters.
      const current = new URL(settings.redirectUri);
      current.search = query.toString();
      const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true });
      const claims = tokens.claims() as OidcClaims;
      if (claims[settings.groupsClaim] === undefined && config.serverMetadata().userinfo_endpoint) {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        return { ...info, ...claims, [settings.groupsClaim]: info[settings.groupsClaim] };
      }
      return claims;
    },
  };
}

export type OidcClient = ReturnType<typeof oidcClient>;
