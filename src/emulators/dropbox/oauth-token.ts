/**
 * `POST /oauth2/token` (note §2.4): parameters from the form body or the query string, client
 * authentication by HTTP Basic, form secret, or PKCE verifier; RFC 6749-style 400 JSON errors in
 * Dropbox's observed wording.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseBasic } from './bearer.js';
import { queryOf, readSmallBody, sendJson } from './http-io.js';
import { ACCOUNT, type EmulatorState } from './state.js';
import { verifierMatches } from './tokens.js';

type Answer = { status: number; body: Record<string, unknown> };

const NO_AUTH: Answer = {
  status: 400,
  body: {
    error: 'invalid request',
    error_description: 'No auth function available for given request',
  },
};
const BAD_CLIENT: Answer = {
  status: 400,
  body: { error: 'invalid_client: Invalid client_id or client_secret' },
};

function invalid(error: string, description: string): Answer {
  return { status: 400, body: { error_description: description, error } };
}

/** Handles a token request; the answer never echoes a secret. */
export async function tokenEndpoint(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // The JS SDK puts everything in the query with an empty body, whatever the Content-Type says;
  // the body is always read as a form, never as JSON (note §2.4).
  const params = queryOf(req);
  const body = new URLSearchParams((await readSmallBody(req, 64 * 1024)).toString('utf8'));
  for (const [key, value] of body) params.set(key, value);

  const answer = grant(state, req, params);
  sendJson(res, answer.status, answer.body, { 'Cache-Control': 'no-store' });
}

function grant(state: EmulatorState, req: IncomingMessage, params: URLSearchParams): Answer {
  const basic = parseBasic(req.headers.authorization);
  const clientId = basic?.id ?? params.get('client_id') ?? undefined;
  const secret = basic?.secret ?? params.get('client_secret') ?? undefined;
  if (basic && params.has('client_id') && params.get('client_id') !== basic.id) return BAD_CLIENT;
  const app = state.apps.find((a) => a.key === clientId);
  if (secret !== undefined && (!app || app.secret !== secret)) return BAD_CLIENT;

  const type = params.get('grant_type');
  if (type === null) return invalid('invalid_request', 'missing required field "grant_type"');
  if (type === 'authorization_code')
    return codeGrant(state, params, app?.key, secret !== undefined);
  if (type === 'refresh_token') return refreshGrant(state, params, app?.key, secret !== undefined);
  return invalid('unsupported_grant_type', `grant_type "${type}" is not supported`);
}

function codeGrant(
  state: EmulatorState,
  params: URLSearchParams,
  appKey: string | undefined,
  hasSecret: boolean,
): Answer {
  const verifier = params.get('code_verifier') ?? undefined;
  if (!hasSecret && verifier === undefined) return NO_AUTH;
  if (appKey === undefined) return BAD_CLIENT;
  const value = params.get('code');
  if (value === null) return invalid('invalid_request', 'missing required field "code"');

  // Taken out before any further check: a code is good for one attempt only.
  const code = state.tokens.takeCode(value);
  if (!code || code.appKey !== appKey) {
    return invalid('invalid_grant', "code doesn't exist or has expired");
  }
  if ((params.get('redirect_uri') ?? undefined) !== code.redirectUri) {
    return invalid('invalid_grant', 'redirect_uri mismatch');
  }
  // Without a secret the verifier is the only proof, so it needs a challenge to check against.
  if (code.challenge !== undefined || !hasSecret) {
    if (code.challenge === undefined) return NO_AUTH;
    if (verifier === undefined || !verifierMatches(code, verifier)) {
      return invalid('invalid_grant', 'invalid code verifier');
    }
  }

  const grant = state.tokens.newGrant(code, !hasSecret);
  const minted = state.tokens.mint(grant, code.scopes, code.tokenAccessType === 'legacy');
  state.tokensIssued++;
  return {
    status: 200,
    body: {
      access_token: minted.token,
      token_type: 'bearer',
      ...(minted.expiresIn !== undefined && { expires_in: minted.expiresIn }),
      scope: code.scopes.join(' '),
      ...(grant.refreshToken !== undefined && { refresh_token: grant.refreshToken }),
      account_id: ACCOUNT.accountId,
      uid: ACCOUNT.uid,
    },
  };
}

function refreshGrant(
  state: EmulatorState,
  params: URLSearchParams,
  appKey: string | undefined,
  hasSecret: boolean,
): Answer {
  const value = params.get('refresh_token');
  if (value === null) return invalid('invalid_request', 'missing required field "refresh_token"');
  const grant = state.tokens.findGrant(value);
  if (!grant) return invalid('invalid_grant', 'refresh token is invalid or revoked');
  if (appKey === undefined) return hasSecret ? BAD_CLIENT : NO_AUTH;
  // A token obtained with a secret must be refreshed with it (note §2.3).
  if (!hasSecret && !grant.pkce) return NO_AUTH;
  if (grant.appKey !== appKey)
    return invalid('invalid_grant', 'refresh token is invalid or revoked');

  const scopeParam = params.get('scope');
  const scopes = scopeParam === null ? grant.scopes : scopeParam.split(/\s+/).filter(Boolean);
  if (scopes.some((s) => !grant.scopes.includes(s))) {
    return invalid('invalid_scope', 'scope is not a subset of the granted scopes');
  }

  const minted = state.tokens.mint(grant, scopes);
  state.refreshes++;
  return {
    status: 200,
    body: { access_token: minted.token, token_type: 'bearer', expires_in: minted.expiresIn },
  };
}
