/** Authentication of `/2/` calls (note §3.5, §8.3, §2.8). */
import type { IncomingMessage } from 'node:http';
import { BadRequest, authFailure, queryOf } from './http-io.js';
import type { EmulatorState } from './state.js';
import type { AccessToken } from './tokens.js';

function authorizationValue(req: IncomingMessage): string {
  const header = req.headers.authorization;
  if (header !== undefined) return header;
  const param = queryOf(req).get('authorization');
  if (param !== null) return param;
  throw new BadRequest(
    'Must provide HTTP header "Authorization" or URL parameter "authorization".',
  );
}

/**
 * The caller's access token, or the 400/401 Dropbox gives. Unlike Dropbox, a bad header is not
 * echoed back: it may hold a credential, and bidrop keeps those out of every message.
 */
export function authenticateUser(
  state: EmulatorState,
  req: IncomingMessage,
  scope: string | undefined,
): AccessToken {
  const match = /^Bearer (\S+)$/.exec(authorizationValue(req));
  if (!match?.[1]) {
    throw new BadRequest(
      'Invalid authorization value in HTTP header "Authorization".  Expecting "Bearer <oauth2-access-token>".',
    );
  }
  if (!/^[A-Za-z0-9._\-~+/=]+$/.test(match[1])) {
    throw new BadRequest('The given OAuth 2 access token is malformed.');
  }

  const token = state.tokens.find(match[1]);
  if (!token || token.revoked || token.grant.revoked) throw authFailure('invalid_access_token');
  if (token.expiresAt !== undefined && token.expiresAt <= Date.now()) {
    throw authFailure('expired_access_token');
  }
  if (scope && !token.scopes.includes(scope)) {
    throw authFailure('missing_scope', { required_scope: scope });
  }
  return token;
}

/** App authentication (HTTP Basic app key and secret) for app-auth routes such as check/app. */
export function authenticateApp(state: EmulatorState, req: IncomingMessage): undefined {
  const value = authorizationValue(req);
  const credentials = parseBasic(value);
  if (!credentials) {
    throw new BadRequest(
      'Invalid authorization value in HTTP header "Authorization".  Expecting "Basic <base64(app_key:app_secret)>".',
    );
  }
  const app = state.apps.find((a) => a.key === credentials.id);
  if (!app || app.secret !== credentials.secret) throw authFailure('invalid_access_token');
  return undefined;
}

/** Decodes `Basic base64(id:secret)`; undefined when the header is not that. */
export function parseBasic(value: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(value ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
