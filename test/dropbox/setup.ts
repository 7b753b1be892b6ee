/** Shared set-up for the unit tests: a fake Dropbox, a state folder with saved tokens, a destination. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

import type { DropboxDestinationConfig } from '../../src/config/index.js';
import type { RetryPolicy } from '../../src/core/index.js';
import {
  createDropboxDestination,
  TokenStore,
  type DropboxEvent,
  type StoredTokens,
} from '../../src/dropbox/index.js';
import { startFake, type FakeDropbox } from './fake-dropbox.js';

export const env = { BIDROP_SECRET_KEY: '0123456789abcdef'.repeat(4) };

/** Retries without waiting: delays are recorded, not slept. */
export const fastRetry: RetryPolicy = {
  retries: 6,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  maxRetryAfterMs: 60_000,
  jitter: 0,
};

export interface Harness {
  fake: FakeDropbox;
  stateDir: string;
  store: TokenStore;
  events: DropboxEvent[];
  delays: number[];
  config: DropboxDestinationConfig;
  destination: ReturnType<typeof createDropboxDestination>;
  cleanup(): Promise<void>;
}

export async function harness(
  options: {
    chunkSizeBytes?: number;
    tokens?: Partial<StoredTokens>;
    concurrency?: number;
    appSecret?: string;
  } = {},
): Promise<Harness> {
  const fake = await startFake();
  const stateDir = await mkdtemp(path.join(tmpdir(), 'bidrop-dropbox-'));
  const store = new TokenStore(stateDir, env);
  await store.save('team', {
    accessToken: 'sl.initial-access-token-0001',
    refreshToken: fake.refreshToken,
    expiresAt: Date.now() + 3_600_000,
    ...options.tokens,
  });
  const events: DropboxEvent[] = [];
  const delays: number[] = [];
  const config: DropboxDestinationConfig = {
    type: 'dropbox',
    appKey: 'test-app-key',
    ...(options.appSecret && { appSecret: options.appSecret }),
    endpoints: fake.endpoints,
    concurrency: options.concurrency ?? 4,
  };
  const destination = createDropboxDestination('team', config, {
    stateDir,
    env,
    onEvent: (e) => events.push(e),
    retry: fastRetry,
    sleep: async (ms) => void delays.push(ms),
    chunkSizeBytes: options.chunkSizeBytes ?? 64 * 1024,
  });
  return {
    fake,
    stateDir,
    store,
    events,
    delays,
    config,
    destination,
    async cleanup() {
      await fake.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** Deterministic pseudo-random bytes. */
export function bytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >>> 16;
  }
  return out;
}

/** A stream of `data` in pieces of `piece` bytes. */
export function streamOf(data: Buffer, piece = 10_000): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += piece) parts.push(data.subarray(i, i + piece));
  return Readable.from(parts);
}

export const deliverDefaults = {
  conflict: 'overwrite',
  skipUnchanged: false,
  sharedLink: false,
} as const;
