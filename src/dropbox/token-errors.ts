/**
 * Token endpoint failures (api/dropbox.md §2.4: RFC 6749 JSON bodies, not `error_summary`) as
 * coded errors: a denied, expired, reused or PKCE-mismatched code, a refused app, a revoked
 * refresh token each have their own code and say what to do.
 */
import * as oauth from 'oauth4webapi';

import { AbortedError, DropboxError, NetworkError, isNetworkFault } from '../core/index.js';

/** The token endpoint's route, for events and errors. */
export const TOKEN_ROUTE = '/oauth2/token';

/**
 * Token endpoint failures (§2.4: RFC 6749 JSON bodies, not `error_summary`). The oauth4webapi
 * error is not kept as the cause: some of its variants hold the response body, which on a
 * malformed success could contain a token.
 */
export function tokenEndpointError(
  error: unknown,
  phase: 'exchange' | 'refresh',
  destination: string | undefined,
  signal: AbortSignal | undefined,
): Error {
  if (signal?.aborted) return new AbortedError(undefined, signal.reason);
  const where = { method: 'POST', endpoint: TOKEN_ROUTE };
  const again = `Run \`bidrop auth dropbox${destination ? ` --destination ${destination}` : ''}\``;

  if (isNetworkFault(error) && !(error instanceof oauth.OperationProcessingError)) {
    return new NetworkError('Could not reach the Dropbox token endpoint', {
      ...where,
      hint: 'Check the network and try again.',
    });
  }
  const status = statusOf(error);
  if (status !== undefined && (status >= 500 || status === 429)) {
    return new DropboxError(
      'DROPBOX_SERVER_ERROR',
      `The Dropbox token endpoint answered ${status}`,
      {
        ...where,
        status,
        transient: true,
        hint: 'A fault on Dropbox’s side; try again later.',
      },
    );
  }

  if (
    error instanceof oauth.ResponseBodyError ||
    error instanceof oauth.WWWAuthenticateChallengeError
  ) {
    const code = error instanceof oauth.ResponseBodyError ? error.error : 'invalid_client';
    const description =
      error instanceof oauth.ResponseBodyError ? (error.error_description ?? '') : '';
    const details = { ...where, status: error.status, remoteCode: code.split(':')[0]!.trim() };

    if (
      code.startsWith('invalid_client') ||
      code === 'unauthorized_client' ||
      /no auth function/i.test(description)
    ) {
      return new DropboxError(
        'DROPBOX_INVALID_CLIENT',
        'Dropbox does not accept the app key or app secret',
        {
          ...details,
          hint: 'Check appKey and appSecret of the destination in bidrop.yaml against the App Console.',
        },
      );
    }
    if (code === 'invalid_grant' && phase === 'refresh') {
      return new DropboxError(
        'DROPBOX_REAUTH_REQUIRED',
        'Dropbox no longer accepts the saved refresh token (revoked or invalid)',
        {
          ...details,
          hint: `${again} to authorise again.`,
        },
      );
    }
    if (code === 'invalid_grant' && /redirect_uri/i.test(description)) {
      return new DropboxError(
        'DROPBOX_REDIRECT_URI_MISMATCH',
        'Dropbox says the redirect URI differs from the one used for consent',
        {
          ...details,
          hint: 'Register the exact redirect URI in the App Console, or use --no-browser.',
        },
      );
    }
    if (code === 'invalid_grant' && /verifier|pkce|challenge/i.test(description)) {
      return new DropboxError('DROPBOX_PKCE_MISMATCH', 'Dropbox refused the PKCE code verifier', {
        ...details,
        hint: `${again} again; the code must be used by the same run that asked for it.`,
      });
    }
    if (code === 'invalid_grant') {
      return new DropboxError(
        'DROPBOX_AUTH_CODE_INVALID',
        'The authorisation code is unknown, expired or already used',
        {
          ...details,
          hint: `${again} again and finish within a few minutes; each code works once.`,
        },
      );
    }
    return new DropboxError(
      'DROPBOX_AUTHORIZATION_FAILED',
      `The Dropbox token endpoint refused the ${phase} (${details.remoteCode})`,
      {
        ...details,
        hint: `${again} again.`,
      },
    );
  }

  return new DropboxError(
    'DROPBOX_UNEXPECTED_RESPONSE',
    `The Dropbox token endpoint gave an unexpected answer${status ? ` (${status})` : ''}`,
    {
      ...where,
      ...(status !== undefined && { status }),
      hint: 'Check that the endpoints in bidrop.yaml point at Dropbox (or the emulator).',
    },
  );
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof oauth.ResponseBodyError) return error.status;
  const cause = (error as { cause?: unknown })?.cause;
  return cause instanceof Response ? cause.status : undefined;
}
