/**
 * Sending Dropbox API calls (api/dropbox.md §3): RPC routes on the api host with a JSON body,
 * upload routes on the content host with the argument in `Dropbox-API-Arg`. Each call is retried
 * by the shared policy (src/core/retry.ts) and refreshed once on `expired_access_token`.
 */
import type { IncomingHttpHeaders } from 'node:http';

import { request } from 'undici';

import {
  AbortedError,
  BidropError,
  DropboxError,
  NetworkError,
  defaultRetryPolicy,
  isNetworkFault,
  withRetry,
  type RetryPolicy,
} from '../core/index.js';
import type { DropboxEndpoints } from './endpoints.js';
import { decodeApiError, DropboxApiError } from './errors.js';
import type { DropboxEventListener } from './events.js';

/** Where the client gets its bearer token; see tokens.ts for the refreshing one. */
export interface TokenSource {
  /** A token valid for at least the next few minutes. */
  get(signal?: AbortSignal): Promise<string>;
  /** Told that `used` was answered with `expired_access_token`; refreshes unless done already. */
  expired(used: string, signal?: AbortSignal): Promise<void>;
}

export interface DropboxClientOptions {
  endpoints: DropboxEndpoints;
  tokens: TokenSource;
  /** Destination name, for the hints that say which `bidrop auth` to run. */
  destination?: string;
  onEvent?: DropboxEventListener;
  retry?: RetryPolicy;
  /** Replaced in tests to assert back-off delays without sleeping. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface Call {
  host: 'api' | 'content';
  route: string;
  arg: unknown;
  body?: Uint8Array;
  signal?: AbortSignal | undefined;
}

/** A thin, typed door to Dropbox's HTTP API. */
export class DropboxClient {
  constructor(private readonly options: DropboxClientOptions) {}

  /** An RPC route (`files/get_metadata`); `arg` undefined sends no body (Void routes, §3.1). */
  rpc<T>(route: string, arg?: unknown, signal?: AbortSignal): Promise<T> {
    return this.call<T>({ host: 'api', route: `/2/${route}`, arg, signal });
  }

  /** An upload route (`files/upload_session/append_v2`) with `body` as the request body. */
  upload<T>(route: string, arg: unknown, body: Uint8Array, signal?: AbortSignal): Promise<T> {
    return this.call<T>({ host: 'content', route: `/2/${route}`, arg, body, signal });
  }

  private call<T>(call: Call): Promise<T> {
    const emit = this.options.onEvent;
    return withRetry(() => this.once<T>(call), {
      policy: this.options.retry ?? defaultRetryPolicy,
      signal: call.signal,
      ...(this.options.sleep && { sleep: this.options.sleep }),
      onRetry: ({ attempt, delayMs, error }) =>
        emit?.({ type: 'retry', route: call.route, attempt, delayMs, reason: reasonOf(error) }),
    });
  }

  /** One attempt; an expired token is refreshed and the call re-sent once within the attempt. */
  private async once<T>(call: Call): Promise<T> {
    for (let refreshed = false; ; refreshed = true) {
      const token = await this.options.tokens.get(call.signal);
      try {
        return await this.send<T>(call, token);
      } catch (error) {
        const expired = error instanceof DropboxApiError && error.code === 'DROPBOX_EXPIRED_TOKEN';
        if (!expired || refreshed) throw error;
        await this.options.tokens.expired(token, call.signal);
      }
    }
  }

  private async send<T>(call: Call, token: string): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    let body: Buffer | string | undefined;
    if (call.host === 'content') {
      headers['content-type'] = 'application/octet-stream';
      headers['dropbox-api-arg'] = headerSafeJson(call.arg);
      body = call.body && asBuffer(call.body);
    } else if (call.arg !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.arg);
    }

    const url = this.options.endpoints[call.host] + call.route;
    const started = performance.now();
    const ms = (): number => Math.round(performance.now() - started);
    let response: { ok: boolean; status: number; headers: Headers };
    let text: string;
    try {
      // undici's request, not fetch: fetch copies a buffer body before sending it (one more
      // chunk-sized allocation per upload call, bench/README.md); request writes it as it is.
      const answer = await request(url, {
        method: 'POST',
        headers,
        ...(body !== undefined && { body }),
        ...(call.signal && { signal: call.signal }),
      });
      text = await answer.body.text();
      response = {
        ok: answer.statusCode >= 200 && answer.statusCode < 300,
        status: answer.statusCode,
        headers: toHeaders(answer.headers),
      };
    } catch (error) {
      const failure = transportError(error, call);
      this.options.onEvent?.({
        type: 'request',
        route: call.route,
        status: 0,
        ms: ms(),
        error: failure.code,
      });
      throw failure;
    }

    if (!response.ok) {
      const failure = decodeApiError(
        {
          method: 'POST',
          route: call.route,
          status: response.status,
          headers: response.headers,
          text,
        },
        this.options.destination,
      );
      this.options.onEvent?.({
        type: 'request',
        route: call.route,
        status: response.status,
        ms: ms(),
        error: failure.code,
      });
      throw failure;
    }

    this.options.onEvent?.({
      type: 'request',
      route: call.route,
      status: response.status,
      ms: ms(),
    });
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new DropboxError(
        'DROPBOX_UNEXPECTED_RESPONSE',
        'Dropbox answered with something that is not JSON',
        {
          method: 'POST',
          endpoint: call.route,
          status: response.status,
          hint: 'Check that the endpoints in bidrop.yaml point at Dropbox (or the emulator).',
          cause: error,
        },
      );
    }
  }
}

/** A Buffer over the same memory as `bytes`: no copy. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** undici's plain header object as a Headers (a repeated header arrives as an array). */
function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

function transportError(error: unknown, call: Call): DropboxError | NetworkError | AbortedError {
  if (call.signal?.aborted) return new AbortedError(undefined, call.signal.reason);
  if (error instanceof DropboxError) return error;

  const code = networkCode(error);
  if (!isNetworkFault(error)) {
    return new DropboxError(
      'DROPBOX_REQUEST_FAILED',
      `The request could not be sent${code ? ` (${code})` : ''}`,
      {
        method: 'POST',
        endpoint: call.route,
        hint: 'Please report it with the message.',
        cause: error,
      },
    );
  }
  return new NetworkError(`Could not reach Dropbox${code ? ` (${code})` : ''}`, {
    method: 'POST',
    endpoint: call.route,
    hint: 'Check the network; the call was retried.',
    cause: error,
  });
}

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function reasonOf(error: unknown): string {
  if (error instanceof BidropError) {
    return error.remoteCode ? `${error.code} ${error.remoteCode}` : error.code;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * JSON for the `Dropbox-API-Arg` header: DEL and every non-ASCII UTF-16 unit as a `\u` escape
 * (four hex digits), so the header is pure ASCII (§3.4); astral characters become surrogate pairs,
 * as Dropbox expects.
 */
export function headerSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
