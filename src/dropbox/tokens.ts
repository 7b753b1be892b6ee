/**
 * The access token of one destination, kept fresh: refreshed a few minutes before it expires and
 * when Dropbox answers `expired_access_token`. One refresh at a time however many uploads ask
 * (single-flight), and the store is re-read first, because another bidrop process sharing the
 * state folder may already have refreshed.
 */
import {
  AbortedError,
  DropboxError,
  defaultRetryPolicy,
  withRetry,
  type RetryPolicy,
} from '../core/index.js';
import type { TokenSource } from './client.js';
import type { DropboxEndpoints } from './endpoints.js';
import type { DropboxEventListener } from './events.js';
import { refreshAccessToken } from './oauth.js';
import type { StoredTokens, TokenStore } from './token-store.js';

/** Refresh this long before the stated expiry, as both official SDKs do (§2.4: 300 s). */
export const REFRESH_MARGIN_MS = 300_000;

/**
 * The margin for one token: 300 s, but never more than a tenth of its lifetime, or a token that
 * lives a few minutes (as the emulator can issue) would be refreshed before every call.
 */
function refreshMargin(tokens: StoredTokens): number {
  return tokens.lifetimeMs === undefined
    ? REFRESH_MARGIN_MS
    : Math.min(REFRESH_MARGIN_MS, tokens.lifetimeMs / 10);
}

export interface AccessTokensOptions {
  destination: string;
  appKey: string;
  appSecret?: string | undefined;
  endpoints: DropboxEndpoints;
  store: TokenStore;
  onEvent?: DropboxEventListener;
  retry?: RetryPolicy;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

/** A TokenSource backed by the encrypted store, with single-flight refresh. */
export class AccessTokens implements TokenSource {
  private tokens: StoredTokens | undefined;
  private inflight: Promise<StoredTokens> | undefined;
  private loading: Promise<StoredTokens> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: AccessTokensOptions) {
    this.now = options.now ?? Date.now;
  }

  async get(signal?: AbortSignal): Promise<string> {
    let tokens = await this.current();
    if (this.expiring(tokens)) tokens = await this.refresh('expiring', tokens.accessToken, signal);
    return tokens.accessToken;
  }

  async expired(used: string, signal?: AbortSignal): Promise<void> {
    // Another call already replaced the token this one used: nothing to do.
    if (this.tokens && this.tokens.accessToken !== used) return;
    await this.refresh('expired_access_token', used, signal);
  }

  /** The tokens as currently held (loading them if needed). */
  async current(): Promise<StoredTokens> {
    if (this.tokens) return this.tokens;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    const loaded = await this.loading;
    this.tokens ??= loaded;
    return this.tokens;
  }

  /** Drops the in-memory copy (after revoke). */
  forget(): void {
    this.tokens = undefined;
  }

  private expiring(tokens: StoredTokens): boolean {
    return this.now() + refreshMargin(tokens) >= tokens.expiresAt;
  }

  private async load(): Promise<StoredTokens> {
    const tokens = await this.options.store.load(this.options.destination);
    if (!tokens) {
      throw new DropboxError(
        'DROPBOX_NOT_AUTHORIZED',
        `Dropbox destination ${this.options.destination} is not authorised yet`,
        {
          hint: `Run \`bidrop auth dropbox --destination ${this.options.destination}\`.`,
        },
      );
    }
    return tokens;
  }

  private refresh(
    reason: 'expiring' | 'expired_access_token',
    used: string,
    signal?: AbortSignal,
  ): Promise<StoredTokens> {
    // The shared refresh gets no caller's signal: one caller giving up must not fail the others.
    // Each caller stops waiting on its own signal instead.
    this.inflight ??= this.doRefresh(reason, used)
      .then((tokens) => (this.tokens = tokens))
      .finally(() => {
        this.inflight = undefined;
      });
    return untilAborted(this.inflight, signal);
  }

  private async doRefresh(
    reason: 'expiring' | 'expired_access_token',
    used: string,
  ): Promise<StoredTokens> {
    const stored = await this.load();
    if (stored.accessToken !== used && !this.expiring(stored)) return stored;

    if (!stored.refreshToken) {
      throw new DropboxError(
        'DROPBOX_REAUTH_REQUIRED',
        `The Dropbox access token of ${this.options.destination} expired and there is no refresh token`,
        {
          hint: `Run \`bidrop auth dropbox --destination ${this.options.destination}\`.`,
        },
      );
    }
    const refreshToken = stored.refreshToken;

    this.options.onEvent?.({ type: 'refresh', destination: this.options.destination, reason });
    const fresh = await withRetry(
      () =>
        refreshAccessToken({
          appKey: this.options.appKey,
          appSecret: this.options.appSecret,
          endpoints: this.options.endpoints,
          refreshToken,
          destination: this.options.destination,
          onEvent: this.options.onEvent,
        }),
      {
        policy: this.options.retry ?? defaultRetryPolicy,
        ...(this.options.sleep && { sleep: this.options.sleep }),
        onRetry: ({ attempt, delayMs, error }) =>
          this.options.onEvent?.({
            type: 'retry',
            route: '/oauth2/token',
            attempt,
            delayMs,
            reason: (error as { code?: string }).code ?? 'error',
          }),
      },
    );
    const next: StoredTokens = { ...stored, ...fresh };
    await this.options.store.save(this.options.destination, next);
    return next;
  }
}

/** `promise`, or an AbortedError as soon as `signal` fires. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new AbortedError(undefined, signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortedError(undefined, signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
