/**
 * OAuth state: authorization codes, grants (one per consent, holding the refresh token) and the
 * access tokens minted from them. Revoking an access token that came from a refresh token
 * disables the whole grant (note §2.5).
 */
import { createHash } from 'node:crypto';
import { randomToken } from './random.js';

/** Every scope the emulated app holds; a grant without `scope` gets them all (note §2.8). */
export const ALL_SCOPES = [
  'account_info.read',
  'files.metadata.read',
  'files.metadata.write',
  'files.content.read',
  'files.content.write',
  'sharing.read',
  'sharing.write',
];

/** Codes live 10 minutes and are single-use [inferred, open question 3; RFC 6749 §4.1.2]. */
export const CODE_LIFETIME_MS = 10 * 60 * 1000;

export type TokenAccessType = 'offline' | 'online' | 'legacy';

export interface AuthCode {
  appKey: string;
  redirectUri: string | undefined;
  challenge: string | undefined;
  challengeMethod: 'S256' | 'plain';
  tokenAccessType: TokenAccessType;
  scopes: string[];
  expiresAt: number;
}

export interface Grant {
  appKey: string;
  scopes: string[];
  refreshToken: string | undefined;
  /** Obtained with PKCE and no secret: may be refreshed with client_id only (note §2.3). */
  pkce: boolean;
  revoked: boolean;
}

export interface AccessToken {
  grant: Grant;
  scopes: string[];
  /** Epoch ms; undefined for long-lived legacy tokens. */
  expiresAt: number | undefined;
  revoked: boolean;
}

export interface TokenSnapshot {
  grants: Grant[];
  access: Array<{
    token: string;
    grant: number;
    scopes: string[];
    expiresAt: number | null;
    revoked: boolean;
  }>;
}

export class TokenStore {
  private readonly codes = new Map<string, AuthCode>();
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, Grant>();

  constructor(private readonly lifetimeSec: number) {}

  newCode(code: AuthCode): string {
    const value = randomToken(43);
    this.codes.set(value, code);
    return value;
  }

  /** Takes a code out (single use); undefined when unknown, used or expired. */
  takeCode(value: string): AuthCode | undefined {
    const code = this.codes.get(value);
    this.codes.delete(value);
    if (!code || code.expiresAt < Date.now()) return undefined;
    return code;
  }

  /** Opens a grant for a consented code; holds a refresh token for offline access. */
  newGrant(code: AuthCode, pkce: boolean): Grant {
    const grant: Grant = {
      appKey: code.appKey,
      scopes: code.scopes,
      refreshToken: code.tokenAccessType === 'offline' ? randomToken(64) : undefined,
      pkce,
      revoked: false,
    };
    if (grant.refreshToken) this.refresh.set(grant.refreshToken, grant);
    return grant;
  }

  findGrant(refreshToken: string): Grant | undefined {
    const grant = this.refresh.get(refreshToken);
    return grant && !grant.revoked ? grant : undefined;
  }

  /**
   * Mints an access token: `sl.u.` prefixed and short-lived, or (legacy) without prefix and
   * expiry (note §2.4).
   */
  mint(grant: Grant, scopes: string[], legacy = false): { token: string; expiresIn?: number } {
    const token = legacy ? randomToken(64) : `sl.u.${randomToken(140)}`;
    const expiresAt = legacy ? undefined : Date.now() + this.lifetimeSec * 1000;
    this.access.set(token, { grant, scopes, expiresAt, revoked: false });
    return legacy ? { token } : { token, expiresIn: this.lifetimeSec };
  }

  find(token: string): AccessToken | undefined {
    return this.access.get(token);
  }

  /** Disables a token and, when it came from a refresh token, the grant and its tokens. */
  revoke(token: AccessToken): void {
    token.revoked = true;
    if (!token.grant.refreshToken) return;
    token.grant.revoked = true;
    for (const other of this.access.values()) if (other.grant === token.grant) other.revoked = true;
  }

  /** Grants and access tokens as plain data, for the state file (codes are not kept). */
  snapshot(): TokenSnapshot {
    const grants = [
      ...new Set([...this.refresh.values(), ...[...this.access.values()].map((t) => t.grant)]),
    ];
    return {
      grants,
      access: [...this.access].map(([token, a]) => ({
        token,
        grant: grants.indexOf(a.grant),
        scopes: a.scopes,
        expiresAt: a.expiresAt ?? null,
        revoked: a.revoked,
      })),
    };
  }

  /** Takes back what `snapshot()` gave. */
  restore(snapshot: TokenSnapshot): void {
    for (const grant of snapshot.grants)
      if (grant.refreshToken) this.refresh.set(grant.refreshToken, grant);
    for (const a of snapshot.access) {
      const grant = snapshot.grants[a.grant];
      if (!grant) continue;
      this.access.set(a.token, {
        grant,
        scopes: a.scopes,
        expiresAt: a.expiresAt ?? undefined,
        revoked: a.revoked,
      });
    }
  }

  /** Test knob: every access token issued so far is now expired. */
  expireAll(): void {
    const past = Date.now() - 1000;
    for (const token of this.access.values()) token.expiresAt = past;
  }
}

/** Checks a PKCE verifier against the stored challenge (RFC 7636 §4.6). */
export function verifierMatches(code: AuthCode, verifier: string): boolean {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  const computed =
    code.challengeMethod === 'S256'
      ? createHash('sha256').update(verifier, 'ascii').digest('base64url')
      : verifier;
  return computed === code.challenge;
}
