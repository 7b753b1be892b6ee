/**
 * A stand-in for the Dropbox HTTP API v2 and its OAuth 2 endpoints, on one loopback port, speaking
 * the wire format of /work/shared/api/dropbox.md. It shares no code with the client in
 * src/dropbox/, so a misreading of the API cannot hide by being made twice.
 *
 * Where the note leaves a question open, the emulator chooses (each marked [inferred] in place):
 * - Loopback redirect URIs (http, host in `allowedRedirectHosts`) match a registered one on any
 *   port (RFC 8252 §7.3); every other redirect URI must match exactly.
 * - Codes live 10 minutes and are burnt by the first exchange attempt, right or wrong; a wrong
 *   PKCE verifier is `invalid_grant` "invalid code verifier"; `plain` PKCE is accepted.
 * - token_access_type defaults to `online` (short-lived token, no refresh token).
 * - A second finish of a committed session is `lookup_failed/closed`.
 * - Autorename: "name (2).ext", "(3)"…; a stale `update` gives "name (conflicted copy).ext".
 * - Bodies past 150 MiB are drained and answered 409 `payload_too_large`.
 * - Malformed paths (trailing "/", empty or dot components, NUL, DEL, backslash, a name ending in
 *   whitespace or longer than 255) are 409 `malformed_path`; off-pattern values are 400.
 * - Downloads accept no Content-Type or a plain octet-stream/text one.
 * - A bad Authorization header is not echoed in the 400 text (it may hold a credential).
 * - 429s on write routes say `too_many_write_operations`, elsewhere `too_many_requests`.
 */
export { startDropboxEmulator, DEMO_APP } from './server.js';
export { consentAsDemoUser } from './consent.js';
export type {
  DropboxApp,
  DropboxEmulator,
  DropboxEmulatorOptions,
  DropboxEmulatorStats,
  DropboxFaults,
} from './types.js';
