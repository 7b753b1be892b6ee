import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { randomBytes } from 'node:crypto';

/** A 400 answered as Dropbox does: plain text naming the API function (note §8.1). */
export class BadRequest extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

/**
 * An endpoint error (409 by default): `tags` make the `error_summary`, `error` is the route's
 * error union serialized per the Stone rules (note §3.7, §8.2).
 */
export class RouteFailure extends Error {
  constructor(
    readonly tags: string[],
    readonly error: Record<string, unknown>,
    readonly status = 409,
  ) {
    super(tags.join('/'));
  }
}

/** 401 `AuthError` (note §8.3). */
export function authFailure(tag: string, extra: Record<string, unknown> = {}): RouteFailure {
  return new RouteFailure([tag], { '.tag': tag, ...extra }, 401);
}

// Responses whose socket is to be destroyed instead of answered ("lost response" fault).
const lostResponses = new WeakSet<ServerResponse>();

/** The call is carried out, but its answer never reaches the client. */
export function loseResponse(res: ServerResponse): void {
  lostResponses.add(res);
}

/** True (and the socket destroyed) when the response was marked lost. */
export function dropIfLost(res: ServerResponse): boolean {
  if (!lostResponses.has(res)) return false;
  res.socket?.destroy();
  return true;
}

/** Every response carries a request id, as Dropbox's do (note §3.1). */
export function baseHeaders(): Record<string, string> {
  return { 'X-Dropbox-Request-Id': randomBytes(16).toString('hex') };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  reason?: string,
): void {
  if (dropIfLost(res)) return;
  const text = JSON.stringify(body);
  const all = {
    ...baseHeaders(),
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  };
  if (reason === undefined) res.writeHead(status, all);
  else res.writeHead(status, reason, all);
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (dropIfLost(res)) return;
  res.writeHead(status, {
    ...baseHeaders(),
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(html)),
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
    ...headers,
  });
  res.end(html);
}

/**
 * JSON with U+007F and everything above written as `\u` escapes (four hex digits), safe for an
 * HTTP header (§3.4).
 */
export function headerSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Reads a small body whole (RPC args, forms); past `limit` it throws a BadRequest. */
export async function readSmallBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooBig = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooBig = true;
    if (!tooBig) chunks.push(chunk);
  }
  if (tooBig) throw new BadRequest(`request body is larger than ${limit} bytes`);
  return Buffer.concat(chunks);
}

/** Lets an unread request body flow away so the answer can be written without a reset. */
export function drain(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A pass-through that holds bodies to `bytesPerSecond` (upload and download throttle). */
export function throttle(bytesPerSecond: number): Transform {
  const started = Date.now();
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      sent += chunk.length;
      const due = (sent / bytesPerSecond) * 1000 - (Date.now() - started);
      if (due <= 0) return callback(null, chunk);
      sleep(due).then(() => callback(null, chunk), callback);
    },
  });
}

/** Query parameters of a request URL. */
export function queryOf(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://emulator').searchParams;
}

/** Escapes text for HTML bodies and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

// The five usual entities, so simple page scrapers (tests, `bidrop demo`) can read the form.
const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
