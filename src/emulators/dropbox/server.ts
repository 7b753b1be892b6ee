/** Starts the emulator: one loopback HTTP server for the www, api and content hosts' paths. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BidropError } from '../../core/errors.js';
import { BlobStore } from './blobs.js';
import { decideFault, injectFault } from './faults.js';
import { sendText } from './http-io.js';
import { LinkStore } from './links.js';
import { ListingStore } from './listing.js';
import { decide, showConsent } from './oauth-authorize.js';
import { tokenEndpoint } from './oauth-token.js';
import { lowerPath } from './paths.js';
import { loadState, saveState } from './persist.js';
import { seededRandom } from './random.js';
import type { RouteDef } from './route.js';
import { dispatch } from './router.js';
import { accountRoutes } from './routes-account.js';
import { downloadRoutes } from './routes-download.js';
import { fileRoutes } from './routes-files.js';
import { sessionRoutes } from './routes-sessions.js';
import { serveSharedLink, sharingRoutes } from './routes-sharing.js';
import { SessionStore } from './sessions.js';
import type { EmulatorState } from './state.js';
import { TokenStore } from './tokens.js';
import { Tree } from './tree.js';
import type { DropboxApp, DropboxEmulator, DropboxEmulatorOptions } from './types.js';

/** The app every emulator knows; loopback redirects match on any port. */
export const DEMO_APP: DropboxApp = Object.freeze({
  key: 'bidrop-demo-app',
  secret: 'bidrop-demo-secret',
  redirectUris: ['http://127.0.0.1/oauth/callback', 'http://localhost/oauth/callback'],
});

/** Short-lived token lifetime Dropbox uses (note §2.4). */
const DEFAULT_TOKEN_LIFETIME_SEC = 14400;
/** A Dropbox Plus plan: large enough that only tests that lower it hit insufficient_space. */
const DEFAULT_QUOTA = 2 * 1024 ** 4;
/** Per-request body limit (note §4, §5.1). */
const MAX_REQUEST_BYTES = 150 * 1024 * 1024;

const ROUTES = new Map<string, RouteDef>([
  ...accountRoutes,
  ...fileRoutes,
  ...downloadRoutes,
  ...sessionRoutes,
  ...sharingRoutes,
]);

function badOption(message: string): BidropError {
  return new BidropError('EMU_DROPBOX_BAD_OPTION', message, {
    hint: 'Check the options passed to startDropboxEmulator().',
  });
}

function checkOptions(options: DropboxEmulatorOptions): void {
  for (const key of [
    'accessTokenLifetimeSec',
    'quotaBytes',
    'latencyMs',
    'bytesPerSecond',
    'maxRequestBytes',
  ] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw badOption(`${key} must be a number of 0 or more.`);
    }
  }
  if (options.bytesPerSecond === 0) throw badOption('bytesPerSecond must be more than 0.');
}

/** Writes the state file at most every 100 ms, one write at a time, and once more on close. */
class Saver {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(private readonly save: () => Promise<void>) {}

  soon(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, 100);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.running.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      await this.save().catch(() => {
        this.dirty = true;
      });
    });
    return this.running;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function handle(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://emulator').pathname;
  state.requests[path] = (state.requests[path] ?? 0) + 1;
  if (state.latencyMs > 0) await sleep(state.latencyMs);

  if (path.startsWith('/2/')) return dispatch(state, ROUTES, req, res, path);
  if (path === '/oauth2/authorize' || path === '/1/oauth2/authorize') {
    if (req.method === 'GET') return showConsent(state, req, res);
    if (req.method === 'POST') return decide(state, req, res);
  }
  if ((path === '/oauth2/token' || path === '/1/oauth2/token') && req.method === 'POST') {
    // OAuth is faulted only when a test names the route explicitly.
    const fault = decideFault(state, path);
    if (fault && (await injectFault(state, req, res, fault, false))) return;
    return tokenEndpoint(state, req, res);
  }
  if (path.startsWith('/scl/fi/') && req.method === 'GET')
    return serveSharedLink(state, req, res, path);
  req.resume();
  sendText(res, 404, 'Not found.');
}

/** Starts a Dropbox emulator on loopback; see /work/shared/api/dropbox.md for the wire format. */
export async function startDropboxEmulator(
  options: DropboxEmulatorOptions = {},
): Promise<DropboxEmulator> {
  checkOptions(options);
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'bidrop-dropbox-')));
  await mkdir(dataDir, { recursive: true });
  const blobs = new BlobStore(dataDir);
  await blobs.init();

  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const state: EmulatorState = {
    url: '',
    apps: options.apps ?? [DEMO_APP],
    allowedRedirectHosts: options.allowedRedirectHosts ?? ['127.0.0.1', 'localhost', '[::1]'],
    latencyMs: options.latencyMs ?? 0,
    bytesPerSecond: options.bytesPerSecond,
    maxRequestBytes: options.maxRequestBytes ?? MAX_REQUEST_BYTES,
    faults: { ...options.faults },
    faultRoutes: options.faultRoutes,
    faultRandom: seededRandom(seed),
    summaryRandom: seededRandom(seed ^ 0x5bd1e995),
    tree: new Tree(options.quotaBytes ?? DEFAULT_QUOTA),
    blobs,
    sessions: new SessionStore(blobs),
    links: new LinkStore(),
    listings: new ListingStore(),
    tokens: new TokenStore(options.accessTokenLifetimeSec ?? DEFAULT_TOKEN_LIFETIME_SEC),
    requests: {},
    tokensIssued: 0,
    refreshes: 0,
    jobs: new Map(),
  };

  if (!ownDir) loadState(state, dataDir);
  const saver = ownDir ? undefined : new Saver(() => saveState(state, dataDir));

  // No request timeout: a throttled 150 MiB upload may rightly take longer than Node's 5 minutes.
  const server = createServer({ requestTimeout: 0 }, (req, res) => {
    // Any call but a page view may change state; saves are batched (see Saver).
    if (saver && req.method !== 'GET') res.once('finish', () => saver.soon());
    handle(state, req, res).catch(() => {
      if (!res.headersSent)
        sendText(res, 500, 'The emulator failed on this call; this is a bug in the emulator.');
      else res.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (cause) =>
        reject(
          new BidropError(
            'EMU_DROPBOX_LISTEN_FAILED',
            `The Dropbox emulator could not listen on ${host}:${options.port ?? 0}.`,
            {
              hint: 'Choose another port, or 0 for any free port.',
              cause,
            },
          ),
        ),
      );
      server.listen(options.port ?? 0, host, resolve);
    });
  } catch (error) {
    if (ownDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  state.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: state.url,
    port,
    dataDir,
    demoApp: state.apps.find((a) => a.key === DEMO_APP.key) ?? DEMO_APP,
    stats: () => ({
      requests: { ...state.requests },
      bytesStored: state.tree.bytesStored,
      tokensIssued: state.tokensIssued,
      refreshes: state.refreshes,
    }),
    setFaults: (faults) => {
      state.faults = { ...faults };
    },
    setQuota: (bytes) => {
      state.tree.quotaBytes = bytes;
    },
    revisions: (path) => state.tree.revisionCounts.get(lowerPath(path)) ?? 0,
    readFile: async (path) => {
      const entry = state.tree.entries.get(lowerPath(path));
      if (entry?.kind !== 'file') return undefined;
      return entry.size === 0 ? Buffer.alloc(0) : readFile(blobs.blobPath(entry.contentHash));
    },
    listFiles: () =>
      [...state.tree.entries.values()].flatMap((e) =>
        e.kind === 'file'
          ? [{ path: e.display, size: e.size, rev: e.rev, contentHash: e.contentHash }]
          : [],
      ),
    expireAccessTokens: () => state.tokens.expireAll(),
    close: () =>
      (closing ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await saver?.flush();
        if (ownDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
      })()),
  };
}
