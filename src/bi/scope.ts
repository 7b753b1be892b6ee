/** What one operation works with: the transport, the session it holds, and when to stop. */
import type { BiCall, BiHttp, BiResponse } from './http.js';
import type { Session } from './pool.js';
import type { Json } from './wire.js';

export interface Scope {
  http: BiHttp;
  session: Session;
  signal?: AbortSignal | undefined;
}

/** A JSON call made with the scope's session token (read at send time: re-logon replaces it). */
export function callJson(scope: Scope, call: Omit<BiCall, 'token'>): Promise<Json> {
  return scope.http.json({ ...call, token: scope.session.token }, scope.signal);
}

/** A call whose 2xx body is handed back unread. */
export function callOpen(scope: Scope, call: Omit<BiCall, 'token'>): Promise<BiResponse> {
  return scope.http.open({ ...call, token: scope.session.token }, scope.signal);
}
