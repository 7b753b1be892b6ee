/**
 * One request and its response, with the emulator state the routes need, and the helpers every
 * route uses to answer: a wire body, an error envelope, the session check.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Catalog } from './fixtures.js';
import type { InstanceCounters, InstanceStore } from './instances.js';
import type { Session, SessionStore } from './sessions.js';
import type { BiEmulatorRights } from './types.js';
import { encode, WireError, type Wire, type WireFormat } from './wire.js';

export interface EmulatorState {
  catalog: Catalog;
  sessions: SessionStore;
  users: Record<string, string>;
  maxSessions: number;
  largeExportBytes: number;
  exportBytesPerSecond: number | undefined;
  counters: { logons: number; logoffs: number; exports: number } & InstanceCounters;
  instances: InstanceStore;
  rights: Record<string, BiEmulatorRights>;
  /** Pattern of dates in CMS query answers (cms-values.ts). */
  cmsDateFormat: string;
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path below the base, e.g. `/raylight/v1/documents/6001` (decoded, no query). */
  path: string;
  segments: string[];
  query: URLSearchParams;
  format: WireFormat;
  /** e.g. `http://127.0.0.1:PORT/biprws`, for links in bodies. */
  baseUrl: string;
  state: EmulatorState;
  /** Fault injection chose this response to be cut off: the socket is destroyed mid-body. */
  drop: boolean;
}

/** Which envelope errors take: Raylight wraps them in `error`, the platform does not (7.1). */
export function layerOf(path: string): 'raylight' | 'platform' {
  return path.startsWith('/raylight/') ? 'raylight' : 'platform';
}

/** Destroys the socket after half of `body` went out, as a dropped connection does. */
function cutOff(ex: Exchange, body: Buffer): void {
  const half = body.subarray(0, Math.floor(body.length / 2));
  if (half.length === 0) {
    // Nothing to send first: the headers go out, then the connection is cut.
    ex.res.flushHeaders();
    setImmediate(() => ex.res.socket?.destroy());
    return;
  }
  ex.res.write(half, () => ex.res.socket?.destroy());
}

/** Sends a complete body with its type, unless a drop fault cuts it short. */
export function sendRaw(
  ex: Exchange,
  status: number,
  body: string | Buffer,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  ex.res.writeHead(status, { 'Content-Type': contentType, ...headers });
  if (ex.drop) {
    cutOff(ex, bytes);
    return;
  }
  ex.res.end(bytes);
}

/** Sends a body in the negotiated format (JSON or XML). */
export function sendWire(
  ex: Exchange,
  status: number,
  body: Record<string, Wire>,
  headers: Record<string, string> = {},
): void {
  const type = ex.format === 'json' ? 'application/json' : 'application/xml';
  sendRaw(ex, status, encode(body, ex.format), `${type};charset=UTF-8`, headers);
}

/** Sends a JSON body as is (platform JSON has its own shape, not Raylight's mapping). */
export function sendJson(ex: Exchange, status: number, body: unknown): void {
  sendRaw(ex, status, JSON.stringify(body), 'application/json;charset=UTF-8');
}

/** Sends an XML document as is. */
export function sendXml(ex: Exchange, status: number, xml: string): void {
  sendRaw(ex, status, xml, 'application/xml;charset=UTF-8');
}

/**
 * The caller's live session, or a 401: Raylight `WSR 00001` (no token) / `WSR 00002` (invalid or
 * expired), the platform `FWB 00003` (bi4-rest.md 9.2).
 */
export function requireSession(ex: Exchange): Session {
  const found = ex.state.sessions.find(headerValue(ex, 'x-sap-logontoken'));
  if (typeof found !== 'string') return found;

  if (layerOf(ex.path) === 'platform') {
    throw new WireError(401, 'FWB 00003', 'Not a valid logon token.');
  }
  if (found === 'missing') {
    throw new WireError(401, 'WSR 00001', 'No session token was sent with the request.');
  }
  throw new WireError(401, 'WSR 00002', 'The session token is not valid or has expired.');
}

/** A request header as one string. */
export function headerValue(ex: Exchange, name: string): string | undefined {
  const value = ex.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A non-negative integer query parameter, looked up case-insensitively (both spellings exist). */
export function intParam(ex: Exchange, name: string, fallback: number): number {
  let raw: string | undefined;
  for (const [key, value] of ex.query) if (key.toLowerCase() === name.toLowerCase()) raw = value;
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) {
    throw new WireError(
      400,
      'WSR 00101',
      `The parameter "${name}" must be a non-negative integer.`,
    );
  }
  return Number(raw);
}
