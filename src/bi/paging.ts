/**
 * Paging of platform collections (`/infostore/…/children`, `/v1/cmsquery`; bi4-rest.md §6.2):
 * follow `next.__deferred.uri` until it equals the `last` link, or, when a server sends no links,
 * ask for the next page number until a short or repeated page.
 */
import type { BiCall } from './http.js';
import { callJson, type Scope } from './scope.js';
import { asArray, asObject, text, type Json } from './wire.js';

/**
 * 50 is the page size public clients use and the claimed default (§6.2); the parameter's case
 * differs between working clients (`pageSize`, `pagesize`; §10 question 9), so both are sent.
 */
export const platformPageSize = 50;

/** A safety stop: 1,000 pages of 50 is far beyond any folder a report distributor walks. */
const maxPages = 1000;

function deferredUri(value: unknown): string | undefined {
  return text(asObject(asObject(value).__deferred).uri);
}

/** Every entry of a paged platform collection, page after page. */
export async function* platformEntries(
  scope: Scope,
  first: Omit<BiCall, 'token' | 'query'>,
): AsyncGenerator<Json> {
  let page = 1;
  let call: Omit<BiCall, 'token'> = {
    ...first,
    query: { page, pageSize: platformPageSize, pagesize: platformPageSize },
  };
  const seen = new Set<string>();
  let previousFirst: string | undefined;

  for (let count = 0; count < maxPages; count++) {
    const json = await callJson(scope, call);
    const entries = asArray(json.entries).map(asObject);
    const firstKey = entries[0] ? JSON.stringify(entries[0]) : undefined;
    if (firstKey !== undefined && firstKey === previousFirst) return;
    previousFirst = firstKey;
    yield* entries;
    if (entries.length === 0) return;

    const next = deferredUri(json.next);
    const last = deferredUri(json.last);
    const self = text(asObject(json.__metadata).uri);
    if (next) {
      if (self !== undefined && self === last) return;
      const target = scope.http.relative(next);
      if (!target || seen.has(next) || next === self) return;
      seen.add(next);
      call = { ...first, path: target.path, query: target.query };
      continue;
    }
    if (last !== undefined || entries.length < platformPageSize) return;
    page++;
    call = { ...first, query: { page, pageSize: platformPageSize, pagesize: platformPageSize } };
  }
}
