/** The emulator's shared state, handed to every route handler. */
import type { BlobStore } from './blobs.js';
import type { SessionStore } from './sessions.js';
import type { LinkStore } from './links.js';
import type { ListingStore } from './listing.js';
import type { TokenStore } from './tokens.js';
import type { Tree } from './tree.js';
import type { DropboxApp, DropboxFaults } from './types.js';

/** The single account every token belongs to. */
export const ACCOUNT = {
  // `AccountId` is exactly 40 characters: "dbid:" and 35 more (note §2.7).
  accountId: 'dbid:AADemoUserBidropExample000000000001',
  uid: '424242',
  email: 'demo@bidrop.example',
  givenName: 'Demo',
  surname: 'User',
  namespaceId: '3235641',
};

export interface EmulatorState {
  url: string;
  apps: DropboxApp[];
  allowedRedirectHosts: string[];
  latencyMs: number;
  bytesPerSecond: number | undefined;
  maxRequestBytes: number;
  faults: DropboxFaults;
  faultRoutes: string[] | undefined;
  /** Seeded: which calls fault. */
  faultRandom: () => number;
  /** Seeded: how many dots end an `error_summary` (note §8.2). */
  summaryRandom: () => number;
  tree: Tree;
  blobs: BlobStore;
  sessions: SessionStore;
  links: LinkStore;
  listings: ListingStore;
  tokens: TokenStore;
  requests: Record<string, number>;
  tokensIssued: number;
  refreshes: number;
  /** Asynchronous finish_batch jobs (deprecated route) by id. */
  jobs: Map<string, { done: boolean; entries: unknown[] }>;
}
