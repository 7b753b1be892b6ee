import { randomBytes } from 'node:crypto';

/** A small seeded generator (mulberry32): fault injection must be repeatable in tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random text from [A-Za-z0-9_-]: ids, codes and tokens are opaque to clients. */
export function randomToken(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4) + 1)
    .toString('base64url')
    .slice(0, length);
}

/** Random alphanumeric text (no `-` or `_`), for ids that read like Dropbox's. */
export function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return out;
}

/** A file or folder id: `id:` and 22 opaque characters (note §4, §11.8). */
export function newItemId(): string {
  return `id:${randomToken(22)}`;
}

/** A revision: lowercase hex, at least 9 characters; the counter keeps them increasing. */
export function newRev(counter: number): string {
  return counter.toString(16).padStart(9, '0') + randomBytes(3).toString('hex');
}
