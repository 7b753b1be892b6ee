/**
 * Bidrop's Dropbox module: OAuth 2 (PKCE, refresh, revoke), the encrypted token store, API calls,
 * uploads with verification, shared links, and the Destination built on them. Other modules import
 * from here only.
 */
export {
  resolveEndpoints,
  defaultEndpoints,
  isLoopbackHost,
  type DropboxEndpoints,
} from './endpoints.js';
export { authorize, defaultRedirectUri, type AuthorizeOptions } from './oauth.js';
export { TokenStore, type StoredTokens } from './token-store.js';
export {
  createDropboxDestination,
  DEFAULT_CHUNK_SIZE_MIB,
  type DropboxDestination,
  type DropboxDestinationOptions,
} from './destination.js';
export {
  DropboxContentHasher,
  dropboxContentHash,
  CONTENT_HASH_BLOCK_SIZE,
} from './content-hash.js';
export { sanitizePathSegment, validateDropboxPath } from './paths.js';
export { DropboxApiError, decodeApiError } from './errors.js';
export type { DropboxEvent, DropboxEventListener } from './events.js';
export { selectDropboxDestination } from './select.js';
export { fetchAccount } from './account.js';
