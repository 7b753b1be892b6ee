/**
 * OAuth 2 with Dropbox (api/dropbox.md §2): the authorisation-code flow with PKCE (S256), a random
 * state and offline access, the code-for-token exchange, and refresh. oauth4webapi does the
 * protocol work; this file supplies Dropbox's endpoints (errors are mapped in token-errors.ts).
 */
import * as oauth from 'oauth4webapi';

import { DropboxError, registerSecret } from '../core/index.js';
import { fetchAccount } from './account.js';
import { isLoopbackHost, usesPlainHttp, type DropboxEndpoints } from './endpoints.js';
import { startLoopbackReceiver } from './loopback.js';
import type { DropboxEventListener } from './events.js';
import { TOKEN_ROUTE, tokenEndpointError } from './token-errors.js';
import type { StoredTokens } from './token-store.js';

export interface AuthorizeOptions {
  appKey: string;
  appSecret?: string;
  endpoints: DropboxEndpoints;
  /** Called with the authorisation URL: open a browser, or print it. */
  openUrl: (url: string) => Promise<void>;
  /** When set, no loopback server: the user pastes the code shown by Dropbox (no-redirect flow). */
  readCode?: () => Promise<string>;
  signal?: AbortSignal;
  /** Request events for the token call (never carrying a token). */
  onEvent?: DropboxEventListener;
  /** How long to wait for the browser's redirect; default 5 minutes. */
  timeoutMs?: number;
  /**
   * The loopback redirect URI; default `http://localhost:0/oauth/callback` (port 0 = any free
   * port). Real Dropbox matches it exactly against the App Console, so a fixed port registered
   * there is needed outside the emulator.
   */
  redirectUri?: string;
}

/** Default loopback redirect; Dropbox allows plain http only for localhost (§2.1). */
export const defaultRedirectUri = 'http://localhost:0/oauth/callback';

/** Stands for "no redirect_uri" where oauth4webapi insists on one; removed before sending. */
const NO_REDIRECT = 'urn:bidrop:no-redirect';

/** Dropbox publishes no discovery document; this is its metadata, written out (§1, §2). */
export function authorizationServer(endpoints: DropboxEndpoints): oauth.AuthorizationServer {
  return {
    issuer: endpoints.authorize,
    authorization_endpoint: `${endpoints.authorize}/oauth2/authorize`,
    token_endpoint: `${endpoints.api}${TOKEN_ROUTE}`,
  };
}

function clientAuth(appKey: string, appSecret: string | undefined): oauth.ClientAuth {
  if (!appSecret) return oauth.None(); // PKCE alone: client_id in the body (§2.4 option 3).
  // HTTP Basic as Dropbox documents it: base64("KEY:SECRET") of the raw values (§2.4 option 1).
  // oauth4webapi's ClientSecretBasic form-encodes them first (RFC 6749 §2.3.1), which changes
  // keys or secrets holding characters such as "-".
  const credentials = Buffer.from(`${appKey}:${appSecret}`, 'utf8').toString('base64');
  return (_as, _client, _body, headers) => {
    headers.set('authorization', `Basic ${credentials}`);
  };
}

function requestOptions(
  endpoints: DropboxEndpoints,
  signal: AbortSignal | undefined,
  onEvent: DropboxEventListener | undefined,
): oauth.TokenEndpointRequestOptions {
  return {
    ...(signal && { signal }),
    ...(usesPlainHttp(endpoints) && { [oauth.allowInsecureRequests]: true }),
    [oauth.customFetch]: async (url, init) => {
      // The no-redirect flow must send no redirect_uri at all (§2.2); oauth4webapi always sets one.
      if (init.body instanceof URLSearchParams && init.body.get('redirect_uri') === NO_REDIRECT) {
        init.body.delete('redirect_uri');
      }
      const started = performance.now();
      const ms = (): number => Math.round(performance.now() - started);
      try {
        const response = await fetch(url, init);
        onEvent?.({ type: 'request', route: TOKEN_ROUTE, status: response.status, ms: ms() });
        return response;
      } catch (error) {
        onEvent?.({
          type: 'request',
          route: TOKEN_ROUTE,
          status: 0,
          ms: ms(),
          error: 'NETWORK_ERROR',
        });
        throw error;
      }
    },
  };
}

/** Runs the whole consent flow; returns fresh tokens with the account's name (not yet saved). */
export async function authorize(options: AuthorizeOptions): Promise<StoredTokens> {
  registerSecret(options.appSecret);
  const as = authorizationServer(options.endpoints);
  const client: oauth.Client = { client_id: options.appKey };
  const verifier = oauth.generateRandomCodeVerifier();
  const challenge = await oauth.calculatePKCECodeChallenge(verifier);
  const state = oauth.generateRandomState();

  const url = new URL(as.authorization_endpoint!);
  url.searchParams.set('client_id', options.appKey);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('token_access_type', 'offline');

  let callback: URLSearchParams;
  let redirectUri = NO_REDIRECT;
  if (options.readCode) {
    await options.openUrl(url.href);
    callback = pastedCallback(as, client, (await options.readCode()).trim(), state);
  } else {
    const wanted = new URL(options.redirectUri ?? defaultRedirectUri);
    if (wanted.protocol !== 'http:' || !isLoopbackHost(wanted.hostname)) {
      throw new DropboxError(
        'DROPBOX_REDIRECT_URI_INVALID',
        `The redirect URI ${wanted.origin} is not a loopback http address`,
        {
          hint: 'Use http://localhost:PORT/... or http://127.0.0.1:PORT/..., or --no-browser.',
        },
      );
    }
    const receiver = await startLoopbackReceiver(Number(wanted.port || 0), wanted.pathname);
    try {
      wanted.port = String(receiver.port);
      redirectUri = wanted.href;
      url.searchParams.set('redirect_uri', redirectUri);
      await options.openUrl(url.href);
      const params = await receiver.wait(options.timeoutMs ?? 300_000, options.signal);
      callback = checkCallback(as, client, params, state);
    } finally {
      await receiver.close();
    }
  }

  const tokens = await exchangeCode(as, client, options, callback, redirectUri, verifier);
  try {
    return {
      ...tokens,
      ...(await fetchAccount(options.endpoints, tokens.accessToken, options.signal)),
    };
  } catch {
    // The app may lack account_info.read (§2.8): the tokens are good all the same.
    return tokens;
  }
}

/** The user may paste the bare code, or the whole redirect URL copied from the address bar. */
function pastedCallback(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  pasted: string,
  state: string,
): URLSearchParams {
  if (!pasted) {
    throw new DropboxError('DROPBOX_AUTH_CODE_INVALID', 'No authorisation code was entered', {
      hint: 'Run `bidrop auth dropbox --no-browser` again and paste the code Dropbox shows.',
    });
  }
  if (/[?&]code=/.test(pasted) || /[?&]error=/.test(pasted)) {
    const query = pasted.slice(pasted.indexOf('?') + 1);
    return checkCallback(as, client, new URLSearchParams(query), state);
  }
  return checkCallback(as, client, new URLSearchParams({ code: pasted }), oauth.expectNoState);
}

function checkCallback(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  params: URLSearchParams,
  state: string | typeof oauth.expectNoState,
): URLSearchParams {
  try {
    return oauth.validateAuthResponse(as, client, params, state);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      if (error.error === 'access_denied') {
        throw new DropboxError(
          'DROPBOX_CONSENT_DENIED',
          'Access was denied on the Dropbox consent page',
          {
            remoteCode: error.error,
            hint: 'Run `bidrop auth dropbox` again and choose Allow.',
          },
        );
      }
      throw new DropboxError(
        'DROPBOX_AUTHORIZATION_FAILED',
        `Dropbox refused the authorisation (${error.error})`,
        {
          remoteCode: error.error,
          hint: 'Check the app key and the redirect URI registered in the App Console.',
        },
      );
    }
    if (error instanceof oauth.OperationProcessingError && /state/.test(error.message)) {
      throw new DropboxError(
        'DROPBOX_STATE_MISMATCH',
        'The answer from Dropbox does not carry the state bidrop sent',
        {
          hint: 'It may come from another attempt or another site; run `bidrop auth dropbox` again.',
        },
      );
    }
    throw new DropboxError(
      'DROPBOX_AUTHORIZATION_FAILED',
      'The answer from Dropbox is not a valid authorisation response',
      {
        hint: 'Run `bidrop auth dropbox` again.',
      },
    );
  }
}

async function exchangeCode(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  options: AuthorizeOptions,
  callback: URLSearchParams,
  redirectUri: string,
  verifier: string,
): Promise<StoredTokens> {
  try {
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth(options.appKey, options.appSecret),
      callback,
      redirectUri,
      verifier,
      requestOptions(options.endpoints, options.signal, options.onEvent),
    );
    const result = await oauth.processAuthorizationCodeResponse(as, client, response);
    return toStoredTokens(result);
  } catch (error) {
    throw tokenEndpointError(error, 'exchange', undefined, options.signal);
  }
}

export interface RefreshOptions {
  appKey: string;
  appSecret?: string | undefined;
  endpoints: DropboxEndpoints;
  refreshToken: string;
  /** Destination name, for the hint naming the command to run. */
  destination?: string;
  signal?: AbortSignal | undefined;
  onEvent?: DropboxEventListener | undefined;
}

/** Trades the refresh token for a new access token (§2.4 grant refresh_token). */
export async function refreshAccessToken(
  options: RefreshOptions,
): Promise<Pick<StoredTokens, 'accessToken' | 'expiresAt'> & Partial<StoredTokens>> {
  const as = authorizationServer(options.endpoints);
  const client: oauth.Client = { client_id: options.appKey };
  try {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuth(options.appKey, options.appSecret),
      options.refreshToken,
      requestOptions(options.endpoints, options.signal, options.onEvent),
    );
    const result = await oauth.processRefreshTokenResponse(as, client, response);
    const tokens = toStoredTokens(result);
    // Refresh answers carry no refresh token (they do not rotate, §2.4): keep the one we have.
    return tokens.refreshToken
      ? tokens
      : {
          accessToken: tokens.accessToken,
          expiresAt: tokens.expiresAt,
          ...(tokens.lifetimeMs !== undefined && { lifetimeMs: tokens.lifetimeMs }),
          ...(tokens.scope && { scope: tokens.scope }),
        };
  } catch (error) {
    throw tokenEndpointError(error, 'refresh', options.destination, options.signal);
  }
}

function toStoredTokens(result: oauth.TokenEndpointResponse): StoredTokens {
  registerSecret(result.access_token);
  registerSecret(result.refresh_token);
  const accountId = typeof result.account_id === 'string' ? result.account_id : undefined;
  return {
    accessToken: result.access_token,
    ...(result.refresh_token && { refreshToken: result.refresh_token }),
    // No expires_in means a long-lived legacy token (§2.4).
    expiresAt:
      typeof result.expires_in === 'number'
        ? Date.now() + result.expires_in * 1000
        : Number.MAX_SAFE_INTEGER,
    ...(typeof result.expires_in === 'number' && { lifetimeMs: result.expires_in * 1000 }),
    ...(accountId && { accountId }),
    ...(result.scope && { scope: result.scope }),
  };
}
