/**
 * A stand-in for the Dropbox HTTP API v2 and its OAuth 2 endpoints, on one loopback port, speaking
 * the wire format of /work/shared/api/dropbox.md. Shares no code with the client in src/dropbox/.
 */
export { startDropboxEmulator, DEMO_APP } from './server.js';
export type {
  DropboxApp,
  DropboxEmulator,
  DropboxEmulatorOptions,
  DropboxEmulatorStats,
  DropboxFaults,
} from './types.js';
