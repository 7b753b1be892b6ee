/**
 * Logon and logoff (bi4-rest.md §2.1, §2.4). The password and the token are registered as secrets
 * the moment they are known, so no message, log line or event can carry them.
 */
import type { BiConnection } from '../config/index.js';
import { registerSecret } from '../core/index.js';
import { biError, BiErrorCode } from './codes.js';
import { header, type BiCall, type BiHttp, type BiResponse } from './http.js';
import { unquoteToken } from './token.js';
import { text } from './wire.js';

/** Logoff must finish even after Ctrl-C aborted everything else, but not hang on a dead server. */
export const logoffTimeoutMs = 15_000;

/** The logon request: JSON credentials posted to `/logon/long`. */
export function logonCall(
  connection: Pick<BiConnection, 'username' | 'password' | 'auth'>,
): BiCall {
  registerSecret(connection.password);
  return {
    method: 'POST',
    path: '/logon/long',
    json: { userName: connection.username, password: connection.password, auth: connection.auth },
    logon: true,
  };
}

/** The raw token of a 2xx logon answer: the header copy first, the body copy otherwise. */
export async function processLogonResponse(
  http: BiHttp,
  call: BiCall,
  response: BiResponse,
): Promise<string> {
  const fromHeader = header(response.headers, 'x-sap-logontoken');
  const body = await http.readJson(call, response).catch(() => ({}) as Record<string, unknown>);
  const raw = fromHeader ?? text(body.logonToken);
  const token = raw === undefined ? '' : unquoteToken(raw);

  if (!token) {
    throw biError(BiErrorCode.badResponse, 'The BI platform accepted the logon but sent no token', {
      method: call.method,
      endpoint: call.path,
      status: response.status,
      hint: 'Check that bi.url points at the RESTful web services (…/biprws).',
    });
  }
  registerSecret(token);
  registerSecret(`"${token}"`);
  return token;
}

/** Logs on once (transient faults retried); returns the raw token. */
export async function logon(
  http: BiHttp,
  connection: Pick<BiConnection, 'username' | 'password' | 'auth'>,
  signal?: AbortSignal,
): Promise<string> {
  const call = logonCall(connection);
  const response = await http.open(call, signal);
  return processLogonResponse(http, call, response);
}

/** Logs a token off. Runs under its own timeout, never under the caller's (possibly aborted) signal. */
export async function logoff(http: BiHttp, token: string): Promise<void> {
  const call: BiCall = { method: 'POST', path: '/logoff', token };
  const response = await http.open(call, AbortSignal.timeout(logoffTimeoutMs));
  response.body.resume();
}
