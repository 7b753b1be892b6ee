/**
 * The real type of an instance's file, from its first bytes (bi4-instances.md §2.1): the file
 * endpoint's Content-Type was never observed (Q3), and an instance's kind says little.
 */
import { Readable } from 'node:stream';

/** Enough for every signature below. */
const headBytes = 8;

export interface Sniffed {
  contentType: string;
  /** A file extension for the type, without the dot. */
  extension: string;
}

/** The type of a file from its first bytes; `kind` (SI_KIND) only settles what OLE files are. */
export function sniffType(head: Buffer, kind = ''): Sniffed {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') {
    return { contentType: 'application/pdf', extension: 'pdf' };
  }
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304) {
    return {
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      extension: 'xlsx',
    };
  }
  if (head.length >= 4 && head.readUInt32BE(0) === 0xd0cf11e0) {
    if (/word/i.test(kind)) return { contentType: 'application/msword', extension: 'doc' };
    if (/crystal/i.test(kind)) return { contentType: 'application/x-rpt', extension: 'rpt' };
    return { contentType: 'application/vnd.ms-excel', extension: 'xls' };
  }
  if (looksLikeText(head)) return { contentType: 'text/csv', extension: 'csv' };
  return { contentType: 'application/octet-stream', extension: 'bin' };
}

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return true;
  for (const byte of head) {
    if (byte === 0 || (byte < 0x09 && byte !== 0x1b)) return false;
  }
  return true;
}

/**
 * Reads the first bytes of a stream and hands back a stream with every byte still in it; the
 * rest flows through unbuffered. Destroying the returned stream stops reading the source.
 */
export async function peekHead(
  body: Readable,
  size = headBytes,
): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);

  async function* rest(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      while (!ended) {
        const next = await iterator.next();
        if (next.done) return;
        yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      }
    } finally {
      await iterator.return?.();
    }
  }
  return { head: head.subarray(0, size), stream: Readable.from(rest(), { objectMode: false }) };
}
