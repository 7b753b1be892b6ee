/**
 * Where bidrop talks to Dropbox. The defaults are Dropbox's hosts (api/dropbox.md §1); a
 * destination may point elsewhere (the emulator), but plain http only on a loopback address, so a
 * token never crosses a network in clear text.
 */
import { isIP } from 'node:net';

import type { DropboxDestinationConfig } from '../config/index.js';
import { ConfigError } from '../core/index.js';

export interface DropboxEndpoints {
  /** Origin of the consent page (`/oauth2/authorize`). */
  authorize: string;
  /** Origin of RPC routes and `/oauth2/token`. */
  api: string;
  /** Origin of upload and download routes. */
  content: string;
}

export const defaultEndpoints: Readonly<DropboxEndpoints> = Object.freeze({
  authorize: 'https://www.dropbox.com',
  api: 'https://api.dropboxapi.com',
  content: 'https://content.dropboxapi.com',
});

/** Whether `hostname` is this machine: localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** The destination's endpoints, defaults filled in; CONFIG_INSECURE_ENDPOINT for remote http. */
export function resolveEndpoints(
  config: Pick<DropboxDestinationConfig, 'endpoints'>,
): DropboxEndpoints {
  const out = { ...defaultEndpoints };
  for (const key of ['authorize', 'api', 'content'] as const) {
    const value = config.endpoints?.[key];
    if (value === undefined) continue;

    const url = new URL(value);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      throw new ConfigError(
        'CONFIG_INSECURE_ENDPOINT',
        `The Dropbox ${key} endpoint ${url.origin} is plain http on a remote host`,
        {
          hint: 'Use https://, or http:// only with 127.0.0.1, ::1 or localhost (the emulator).',
        },
      );
    }
    out[key] = url.href.replace(/\/+$/, '');
  }
  return out;
}

/** Whether any endpoint is plain http (then oauth4webapi must be told it is allowed). */
export function usesPlainHttp(endpoints: DropboxEndpoints): boolean {
  return [endpoints.authorize, endpoints.api, endpoints.content].some((u) => u.startsWith('http:'));
}
