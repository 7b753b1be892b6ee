/**
 * The one place that talks HTTP to the BI platform. Each call is sent in one step (`send`) and
 * checked in another (`check`, `readJson`), so tests reach either half; `json` and `open` join them
 * under the retry policy of core/retry.ts.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';

import { Agent, request } from 'undici';

import {
  AbortedError,
  BidropError,
  defaultRetryPolicy,
  withRetry,
  type RetryPolicy,
} from '../core/index.js';
import { biError, BiErrorCode } from './codes.js';
import { decodeBiError } from './decode-error.js';
import type { BiEvent } from './events.js';
import { quoteToken } from './token.js';
import type { Json } from './wire.js';

export interface BiCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Under the base URL, starting with `/`, segments already encoded; never a secret. */
  path: string;
  query?: Record<string, string | number | boolean>;
  /** Default `application/json`. */
  accept?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is, with `contentType`. */
  body?: string;
  contentType?: string;
  /** The raw logon token; sent quoted in X-SAP-LogonToken. */
  token?: string;
  /** Decode a 401 as a refused logon, not as an expired session. */
  logon?: boolean;
  /** Refresh and export may legitimately take minutes: no header timeout, the caller bounds it. */
  slow?: boolean;
  /**
   * Never resend: the call creates something (a run on the platform), and a retry after a lost
   * answer would create it twice.
   */
  noRetry?: boolean;
}

export interface BiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable & { text(): Promise<string> };
}

export interface BiHttpOptions {
  retry?: RetryPolicy;
  onEvent?: (event: BiEvent) => void;
}

/** Connect errors: nothing answered at all, as opposed to a connection that broke later. */
const connectCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Error bodies are a few hundred bytes; more is a proxy's HTML page and not worth keeping. */
const maxErrorBody = 64 * 1024;

/** Plain calls answer in seconds; two minutes means the server is stuck (refresh is `slow`). */
const headersTimeoutMs = 120_000;

/** The error an aborted signal stands for: its own coded reason, or a plain AbortedError. */
export function abortReason(signal: AbortSignal): BidropError {
  const reason: unknown = signal.reason;
  return reason instanceof BidropError ? reason : new AbortedError(undefined, reason);
}

export class BiHttp {
  readonly host: string;
  private readonly base: URL;
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connect: { timeout: 15_000 } });
  private readonly retry: RetryPolicy;
  private readonly onEvent: (event: BiEvent) => void;

  constructor(baseUrl: string, options: BiHttpOptions = {}) {
    this.base = new URL(baseUrl.replace(/\/+$/, ''));
    this.host = this.base.host;
    this.retry = options.retry ?? defaultRetryPolicy;
    this.onEvent = options.onEvent ?? (() => {});
  }

  /** The absolute URL of a call; the query never reaches an error or an event. */
  url(call: Pick<BiCall, 'path' | 'query'>): URL {
    const url = new URL(this.base.href + call.path);
    for (const [key, value] of Object.entries(call.query ?? {})) {
      url.searchParams.set(key, String(value));
    }
    return url;
  }

  /** The path of an absolute URL the server sent (a paging link), under the base URL. */
  relative(uri: string): { path: string; query: Record<string, string> } | undefined {
    let url: URL;
    try {
      url = new URL(uri, this.base);
    } catch {
      return undefined;
    }
    const prefix = this.base.pathname.replace(/\/+$/, '');
    if (!url.pathname.startsWith(`${prefix}/`)) return undefined;
    return {
      path: url.pathname.slice(prefix.length),
      query: Object.fromEntries(url.searchParams),
    };
  }

  /** Sends one request; network faults become BI_UNREACHABLE or BI_CONNECTION_LOST. */
  async send(call: BiCall, signal?: AbortSignal): Promise<BiResponse> {
    if (signal?.aborted) throw abortReason(signal);

    const headers: Record<string, string> = { accept: call.accept ?? 'application/json' };
    let body: string | undefined;
    if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      headers['content-type'] = 'application/json';
    } else if (call.body !== undefined) {
      body = call.body;
      headers['content-type'] = call.contentType ?? 'application/json';
    }
    if (call.token !== undefined) headers['x-sap-logontoken'] = quoteToken(call.token);

    const started = Date.now();
    let response;
    try {
      response = await request(this.url(call), {
        dispatcher: this.agent,
        method: call.method,
        headers,
        body: body ?? (call.method === 'GET' ? null : ''),
        signal: signal ?? null,
        headersTimeout: call.slow ? 0 : headersTimeoutMs,
      });
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      throw this.networkError(call, error);
    }

    this.onEvent({
      type: 'request',
      method: call.method,
      path: call.path,
      status: response.statusCode,
      ms: Date.now() - started,
    });
    return { status: response.statusCode, headers: response.headers, body: response.body };
  }

  private networkError(call: BiCall, error: unknown): BidropError {
    const code = String((error as { code?: unknown }).code ?? (error as Error).name ?? 'error');
    const details = { method: call.method, endpoint: call.path, transient: true, cause: error };
    if (connectCodes.has(code)) {
      return biError(BiErrorCode.unreachable, `Cannot reach the BI platform at ${this.host}`, {
        ...details,
        hint: 'Check bi.url (host, port and path up to /biprws) and that the BI web services are running.',
      });
    }
    return biError(
      BiErrorCode.connectionLost,
      `The connection to the BI platform at ${this.host} failed (${code})`,
      {
        ...details,
        hint: 'Run again; if it keeps happening, check the network or proxy in between.',
      },
    );
  }

  /**
   * The body of an export as handed to the caller: a network fault while it streams (a dropped
   * connection mid-file) surfaces as a transient BI_CONNECTION_LOST rather than a raw socket error,
   * and a caller that stops reading frees the connection.
   */
  guardBody(body: Readable, call: Pick<BiCall, 'method' | 'path'>): Readable {
    const guarded = new PassThrough();
    body.on('error', (error) => guarded.destroy(this.networkError(call as BiCall, error)));
    // A caller that already gave up on the stream (a failed upload, a released export) no longer
    // listens; a fault arriving then must not become an uncaught exception. Readers that are still
    // there (pipeline, async iteration, their own listener) see the error all the same.
    guarded.on('error', () => {});
    guarded.on('close', () => {
      if (!body.readableEnded) body.destroy();
    });
    return body.pipe(guarded);
  }

  /** Throws the decoded error of a non-2xx response (after reading a bounded part of its body). */
  async check(call: BiCall, response: BiResponse): Promise<void> {
    if (response.status >= 200 && response.status < 300) return;

    const body = await readBounded(response.body, maxErrorBody).catch(() => '');
    const contentType = header(response.headers, 'content-type');
    const retryAfter = header(response.headers, 'retry-after');
    throw decodeBiError({
      method: call.method,
      path: call.path,
      status: response.status,
      contentType,
      retryAfter,
      body,
      ...(call.logon && { logon: true }),
    });
  }

  /** Reads a 2xx body as JSON; an empty body is `{}`. */
  async readJson(call: BiCall, response: BiResponse): Promise<Json> {
    let raw: string;
    try {
      raw = await response.body.text();
    } catch (error) {
      throw this.networkError(call, error);
    }
    if (!raw.trim()) return {};
    try {
      const value: unknown = JSON.parse(raw);
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Json;
    } catch {
      // fall through to the coded error below
    }
    throw biError(BiErrorCode.badResponse, 'The BI platform sent a body that is not JSON', {
      method: call.method,
      endpoint: call.path,
      status: response.status,
      hint: 'Check that bi.url points at the RESTful web services (…/biprws), not a web page.',
    });
  }

  /** One JSON call, retried on transient faults. */
  async json(call: BiCall, signal?: AbortSignal): Promise<Json> {
    return this.withRetry(call, signal, async () => {
      const response = await this.send(call, signal);
      await this.check(call, response);
      return this.readJson(call, response);
    });
  }

  /** One call whose 2xx body is handed back unread (exports), retried until the headers arrive. */
  async open(call: BiCall, signal?: AbortSignal): Promise<BiResponse> {
    return this.withRetry(call, signal, async () => {
      const response = await this.send(call, signal);
      await this.check(call, response);
      return response;
    });
  }

  private withRetry<T>(call: BiCall, signal: AbortSignal | undefined, run: () => Promise<T>) {
    return withRetry(run, {
      policy: call.noRetry ? { ...this.retry, retries: 0 } : this.retry,
      signal,
      onRetry: ({ attempt, delayMs, error }) =>
        this.onEvent({
          type: 'retry',
          method: call.method,
          path: call.path,
          attempt,
          delayMs,
          code: error instanceof BidropError ? error.code : 'NETWORK_ERROR',
        }),
    });
  }

  /** Drops every connection; calls still in flight fail. */
  async close(): Promise<void> {
    await this.agent.destroy().catch(() => {});
  }
}

/** A response header as one string. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBounded(body: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    chunks.push(buffer);
    size += buffer.length;
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit);
}
