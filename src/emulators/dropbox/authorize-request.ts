/**
 * Validation of an authorize request (note §2.1), shared by the consent page (GET) and the
 * decision (POST). Problems with client_id or redirect_uri are shown on a page, never redirected
 * (RFC 6749 §4.1.2.1); the rest go back to the redirect URI as `error=`.
 */
import { ALL_SCOPES, type TokenAccessType } from './tokens.js';
import type { DropboxApp } from './types.js';

export interface AuthorizeRequest {
  app: DropboxApp;
  responseType: 'code' | 'token';
  redirectUri: string | undefined;
  state: string | undefined;
  tokenAccessType: TokenAccessType;
  scopes: string[];
  challenge: string | undefined;
  challengeMethod: 'S256' | 'plain';
}

export type Checked =
  | { ok: AuthorizeRequest }
  | { page: string }
  | {
      redirect: {
        uri: string;
        fragment: boolean;
        error: string;
        description: string;
        state?: string;
      };
    };

/**
 * Whether a requested redirect URI matches a registered one. Loopback `http://` URIs whose host
 * is in `loopbackHosts` match on any port (RFC 8252 §7.3); everything else must match exactly.
 */
export function redirectMatches(
  registered: string,
  requested: string,
  loopbackHosts: string[],
): boolean {
  if (registered === requested) return true;
  let r: URL;
  let q: URL;
  try {
    r = new URL(registered);
    q = new URL(requested);
  } catch {
    return false;
  }
  return (
    r.protocol === 'http:' &&
    q.protocol === 'http:' &&
    loopbackHosts.includes(r.hostname) &&
    q.hostname === r.hostname &&
    q.pathname === r.pathname &&
    q.search === r.search &&
    q.username === '' &&
    q.hash === ''
  );
}

/** Checks the parameters of an authorize request. */
export function checkAuthorize(
  params: URLSearchParams,
  apps: DropboxApp[],
  loopbackHosts: string[],
): Checked {
  const app = apps.find((a) => a.key === params.get('client_id'));
  if (!app) return { page: 'Invalid client_id: no app has this key.' };

  const redirectUri = params.get('redirect_uri') ?? undefined;
  if (
    redirectUri !== undefined &&
    !app.redirectUris.some((registered) => redirectMatches(registered, redirectUri, loopbackHosts))
  ) {
    return {
      page: 'Invalid redirect_uri. It must exactly match one of the redirect URIs registered for the app.',
    };
  }

  const responseType = params.get('response_type');
  const state = params.get('state') ?? undefined;
  const fail = (error: string, description: string): Checked =>
    redirectUri === undefined
      ? { page: `${error}: ${description}` }
      : {
          redirect: {
            uri: redirectUri,
            fragment: responseType === 'token',
            error,
            description,
            ...(state !== undefined && { state }),
          },
        };

  if (responseType !== 'code' && responseType !== 'token') {
    return fail('unsupported_response_type', 'response_type must be "code" or "token".');
  }
  if (responseType === 'token' && redirectUri === undefined) {
    return { page: 'invalid_request: response_type "token" requires a redirect_uri.' };
  }
  if (state !== undefined && Buffer.byteLength(state) > 500) {
    return fail('invalid_request', 'state is longer than 500 bytes.');
  }

  const tokenAccessType = params.get('token_access_type') ?? 'online';
  if (!['offline', 'online', 'legacy'].includes(tokenAccessType)) {
    return fail('invalid_request', 'token_access_type must be offline, online or legacy.');
  }

  const challenge = params.get('code_challenge') ?? undefined;
  const method = params.get('code_challenge_method') ?? (challenge ? 'plain' : undefined);
  if (challenge === undefined && method !== undefined) {
    return fail('invalid_request', 'code_challenge_method without code_challenge.');
  }
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    return fail('invalid_request', 'code_challenge_method must be S256 or plain.');
  }
  if (challenge !== undefined && !/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge)) {
    return fail('invalid_request', 'code_challenge must be 43 to 128 characters.');
  }

  const scopeParam = params.get('scope');
  const scopes = scopeParam === null ? [...ALL_SCOPES] : scopeParam.split(/\s+/).filter(Boolean);
  const unknown = scopes.find((s) => !ALL_SCOPES.includes(s));
  if (unknown !== undefined) return fail('invalid_scope', `Unknown scope: ${unknown}`);

  return {
    ok: {
      app,
      responseType,
      redirectUri,
      state,
      tokenAccessType: tokenAccessType as TokenAccessType,
      scopes,
      challenge,
      challengeMethod: method === 'S256' ? 'S256' : 'plain',
    },
  };
}

/** The redirect carrying an error: query for the code flow, fragment for the token flow. */
export function errorRedirect(target: {
  uri: string;
  fragment: boolean;
  error: string;
  description: string;
  state?: string;
}): string {
  const params = new URLSearchParams({
    error: target.error,
    error_description: target.description,
  });
  if (target.state !== undefined) params.set('state', target.state);
  return withParams(target.uri, params, target.fragment);
}

/** Adds parameters to a redirect URI's query (or, for the token flow, its fragment). */
export function withParams(uri: string, params: URLSearchParams, fragment: boolean): string {
  const url = new URL(uri);
  if (fragment) {
    url.hash = params.toString();
    return url.toString();
  }
  for (const [key, value] of params) url.searchParams.append(key, value);
  return url.toString();
}
