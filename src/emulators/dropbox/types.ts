/** The public option, fault and statistics shapes of the Dropbox emulator. */

/** An app registered with the emulator, as in the Dropbox App Console. */
export interface DropboxApp {
  key: string;
  secret: string;
  redirectUris: string[];
}

/** Fault injection shares, each a probability between 0 and 1. */
export interface DropboxFaults {
  /** Share of calls answered 429 with `Retry-After` and a `RateLimitError` body. */
  rate429?: number;
  /** Seconds put in `Retry-After` and `retry_after` (default 1). */
  retryAfterSec?: number;
  /** Share of calls answered 500 or 503 with a text body. */
  rate5xx?: number;
  /** Share of calls whose socket is destroyed partway through reading the request body. */
  dropRate?: number;
  /**
   * Share of calls fully carried out whose response is then lost (socket destroyed): the
   * "committed but the client never heard" case behind `incorrect_offset`.
   */
  dropResponseRate?: number;
  /** Route paths faults apply to; default every `/2/` route (never OAuth). */
  routes?: string[];
}

export interface DropboxEmulatorOptions {
  /** 0 (any free port) by default. */
  port?: number;
  /** 127.0.0.1 by default. */
  host?: string;
  /** Where files live on disk; default a new temporary folder, removed on close. */
  dataDir?: string;
  /** Registered apps; default the demo app only. */
  apps?: DropboxApp[];
  /** Lifetime of short-lived access tokens; default 14400 s, as Dropbox issues. */
  accessTokenLifetimeSec?: number;
  /** Storage quota; default 2 TiB. Writes past it fail with `insufficient_space`. */
  quotaBytes?: number;
  /** Milliseconds added before every call is handled. */
  latencyMs?: number;
  /** Throttle for upload and download bodies. */
  bytesPerSecond?: number;
  faults?: DropboxFaults;
  /** Routes that fault injection applies to; default all /2/ routes (not OAuth). */
  faultRoutes?: string[];
  /** Seed for fault injection and `error_summary` dots, for repeatable runs. */
  seed?: number;
  /**
   * Hosts whose registered `http://` redirect URIs also match on any other port (RFC 8252 §7.3
   * loopback redirection); default 127.0.0.1, localhost and [::1]. An empty list means exact
   * matching only.
   */
  allowedRedirectHosts?: string[];
  /** Largest request body, default 150 MiB as Dropbox; lower it only to test the limit fast. */
  maxRequestBytes?: number;
}

export interface DropboxEmulatorStats {
  /** Calls by route path, e.g. "/2/files/upload_session/append_v2". */
  requests: Record<string, number>;
  /** Sum of the current files' sizes. */
  bytesStored: number;
  /** Token endpoint grants of type authorization_code. */
  tokensIssued: number;
  /** Token endpoint grants of type refresh_token. */
  refreshes: number;
}

export interface DropboxEmulator {
  /** http://127.0.0.1:PORT; authorize, api and content routes are all served here. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Key "bidrop-demo-app", redirect http://127.0.0.1/oauth/callback on any port. */
  readonly demoApp: DropboxApp;
  stats(): DropboxEmulatorStats;
  setFaults(f: DropboxFaults): void;
  setQuota(bytes: number): void;
  /** How many revisions were committed at that path (0 if none). */
  revisions(path: string): number;
  /** Current content of a file, for tests. */
  readFile(path: string): Promise<Buffer | undefined>;
  listFiles(): Array<{ path: string; size: number; rev: string; contentHash: string }>;
  /** Every access token issued so far is now expired. */
  expireAccessTokens(): void;
  close(): Promise<void>;
}
