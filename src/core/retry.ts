/**
 * The one place that decides whether a failure is retried, and how long to wait.
 *
 * Retried: network faults, 429, 5xx, and anything a decoder marked `transient` (Dropbox's
 * `too_many_write_operations`, for one). Not retried: other 4xx, `insufficient_space`, malformed
 * paths, and unknown errors, which are bugs to fix rather than faults to wait out.
 */
import { setTimeout as sleepTimer } from 'node:timers/promises';

import { AbortedError, BidropError } from './errors.js';

export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** Delay before the first retry; doubled at each attempt. */
  baseDelayMs: number;
  /** No exponential delay exceeds this. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the error is thrown. */
  maxRetryAfterMs: number;
  /** Share of the delay replaced by randomness (0 = none, 1 = "full jitter"). */
  jitter: number;
}

/**
 * Defaults: 6 retries spread over roughly 30 s cover a service restart or a burst of 429s without
 * holding a BI session hostage for minutes. Dropbox asks for Retry-After of a few seconds up to a
 * minute (api/dropbox.md §8.4), hence the 5-minute cap on honouring it.
 */
export const defaultRetryPolicy: Readonly<RetryPolicy> = Object.freeze({
  retries: 6,
  baseDelayMs: 250,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 300_000,
  jitter: 0.5,
});

const transientNetworkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** Whether `error` is a network-level fault (a dropped or refused connection, a timeout). */
export function isNetworkFault(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && transientNetworkCodes.has(code)) return true;
    if (e instanceof TypeError && e.message === 'fetch failed') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The single decision: may the same call be tried again? */
export function shouldRetry(error: unknown): boolean {
  if (error instanceof AbortedError) return false;
  if (error instanceof BidropError) return error.transient;
  if ((error as { name?: unknown })?.name === 'AbortError') return false;
  return isNetworkFault(error);
}

/** The delay before retry number `attempt` (1-based), honouring Retry-After exactly. */
export function retryDelay(
  attempt: number,
  error: unknown,
  policy: RetryPolicy = defaultRetryPolicy,
  random: () => number = Math.random,
): number {
  const retryAfter = error instanceof BidropError ? error.retryAfterMs : undefined;
  if (retryAfter !== undefined) return retryAfter;

  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exponential * (1 - policy.jitter) + exponential * policy.jitter * random();
  return Math.round(jittered);
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RetryOptions {
  policy?: RetryPolicy;
  signal?: AbortSignal | undefined;
  /** Called before each wait: the place to log a back-off at `warn`. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Replaced in tests to assert the delays without sleeping. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleepTimer(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    throw new AbortedError(undefined, error);
  }
}

/**
 * Runs `operation` until it succeeds, fails with an error `shouldRetry` refuses, or runs out of
 * retries. `operation` receives the attempt number (1-based).
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const policy = options.policy ?? defaultRetryPolicy;
  const sleep = options.sleep ?? defaultSleep;

  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new AbortedError(undefined, options.signal.reason);

    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt > policy.retries || !shouldRetry(error)) throw error;

      const delayMs = retryDelay(attempt, error, policy, options.random);
      if (delayMs > policy.maxRetryAfterMs) throw error;

      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, options.signal);
    }
  }
}
