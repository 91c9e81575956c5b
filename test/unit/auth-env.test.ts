import { describe, expect, it } from 'vitest';
import { parseAuthEnv } from '../../src/config/auth-env.ts';
import { groupsOf, roleFromGroups } from '../../src/services/sign-in.ts';

const oidc = {
  ATTAIN_PUBLIC_URL: 'https://attain.council.example/',
  ATTAIN_OIDC_ISSUER: 'https://login.microsoftonline.com/tenant/v2.0',
  ATTAIN_OIDC_CLIENT_ID: 'client-id',
  ATTAIN_OIDC_CLIENT_SECRET: 'a-long-client-secret',
  ATTAIN_OIDC_ROLES: 'attain-admins=admin, service-desk=viewer,performance-officers=editor',
};

describe('sign-in settings from the environment', () => {
  it('reads a complete OIDC setting, with defaults for scopes, groups claim and session limits', () => {
    const a = parseAuthEnv(oidc);
    expect(a.oidc).toMatchObject({
      issuer: oidc.ATTAIN_OIDC_ISSUER,
      scopes: 'openid profile email',
      groupsClaim: 'groups',
      roles: { 'attain-admins': 'admin', 'service-desk': 'viewer', 'performance-officers': 'editor' },
      tokenAuth: 'client_secret_basic',
      redirectUri: 'https://attain.council.example/auth/callback', // the trailing slash of the public URL dropped
    });
    // Defaults: 60 min idle, 12 h absolute.
    expect(a.session).toEqual({ idleMs: 60 * 60_000, absoluteMs: 12 * 3_600_000 });
    expect(parseAuthEnv({}).oidc).toBeUndefined();
  });

  it('names the variable that is missing, empty or wrong', () => {
    expect(() => parseAuthEnv({ ...oidc, ATTAIN_OIDC_CLIENT_SECRET: '' })).toThrow('environment variable ATTAIN_OIDC_CLIENT_SECRET: required when ATTAIN_OIDC_ISSUER is set');
    expect(() => parseAuthEnv({ ...oidc, ATTAIN_PUBLIC_URL: undefined })).toThrow('ATTAIN_PUBLIC_URL: required');
    expect(() => parseAuthEnv({ ATTAIN_OIDC_CLIENT_ID: 'x' })).toThrow('ATTAIN_OIDC_ISSUER: required when ATTAIN_OIDC_CLIENT_ID is set');
    expect(() => parseAuthEnv({ ...oidc, ATTAIN_OIDC_ISSUER: 'http://idp.council.example' })).toThrow(/ATTAIN_OIDC_ISSUER: must be an https:\/\/ URL/);
    expect(parseAuthEnv({ ...oidc, ATTAIN_OIDC_ISSUER: 'http://127.0.0.1:8080' }).oidc?.issuer).toBe('http://127.0.0.1:8080');
    expect(() => parseAuthEnv({ ...oidc, ATTAIN_OIDC_ROLES: 'staff=superuser' })).toThrow('ATTAIN_OIDC_ROLES: "staff=superuser": role must be one of viewer, editor, ingest, admin');
    expect(() => parseAuthEnv({ ...oidc, ATTAIN_OIDC_ROLES: '' })).toThrow(/ATTAIN_OIDC_ROLES: map at least one group/);
    expect(() => parseAuthEnv({ ...oidc, ATTAIN_OIDC_SCOPES: 'profile email' })).toThrow('ATTAIN_OIDC_SCOPES: must include openid');
    expect(() => parseAuthEnv({ ATTAIN_SESSION_IDLE_MINUTES: '0' })).toThrow(/ATTAIN_SESSION_IDLE_MINUTES/);
  });
});

describe('roles from groups', () => {
  const map = { staff: 'viewer', editors: 'editor', feeds: 'ingest', admins: 'admin' } as const;
  it('gives the first of admin, editor, ingest, viewer among the groups; the default or nothing otherwise', () => {
    expect(roleFromGroups(['staff'], map)).toBe('viewer');
    expect(roleFromGroups(['staff', 'feeds', 'editors'], map)).toBe('editor');
    expect(roleFromGroups(['admins', 'staff'], map)).toBe('admin');
    expect(roleFromGroups(['finance'], map)).toBeNull();
    expect(roleFromGroups(['finance'], map, 'viewer')).toBe('viewer');
  });
  it('reads the groups claim as a list or a single string, ignoring anything else', () => {
    expect(groupsOf(['a', 3, 'b'])).toEqual(['a', 'b']);
    expect(groupsOf('a')).toEqual(['a']);
    expect(groupsOf(undefined)).toEqual([]);
  });
});
