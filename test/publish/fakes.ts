/** A fake BI source with deterministic bytes, and helpers to build publications for tests. */
import { Readable } from 'node:stream';

import { parseConfig, type PublicationConfig } from '../../src/config/index.js';
import {
  AbortedError,
  BiError,
  type DocumentInfo,
  type DocumentRef,
  type ExportRequest,
  type ExportedStream,
} from '../../src/core/index.js';
import type { Catalog } from '../../src/publish/index.js';

export const documents: DocumentInfo[] = [
  { id: 101, cuid: 'AaSales', name: 'Sales', folder: '/Sales/Daily' },
  { id: 102, cuid: 'AaStock', name: 'Stock', folder: '/Sales/Daily' },
  { id: 103, cuid: 'AaBudget', name: 'Budget', folder: '/Finance' },
  { id: 104, cuid: 'AaEvil', name: '../../etc/passwd', folder: '/Finance' },
];

export interface FakeSourceOptions {
  /** Delay before an export's body ends, in ms. */
  delayMs?: number;
  /** Document ids whose export fails with BI_EXPORT_FAILED. */
  failing?: number[];
  /** Rows reported per document id (default 10). */
  rows?: Record<number, number>;
  /** Bytes per export body. */
  size?: number;
}

/** The bytes a fake export produces: a function of the request, so reruns are identical. */
export function fakeBytes(
  request: Pick<ExportRequest, 'document' | 'format' | 'report' | 'prompts'>,
): Buffer {
  const id = request.document.kind === 'id' ? request.document.id : 0;
  return Buffer.from(
    `doc=${id} format=${request.format} report=${request.report ?? '*'} prompts=${JSON.stringify(request.prompts ?? {})}\n`,
  );
}

export class FakeSource implements Catalog {
  active = 0;
  maxActive = 0;
  exports = 0;
  released = 0;
  closed = 0;

  constructor(private readonly options: FakeSourceOptions = {}) {}

  async findDocuments(
    selector: { folder: string; recursive?: boolean } | { query: string },
  ): Promise<DocumentInfo[]> {
    if ('query' in selector) return documents.filter((d) => selector.query.includes(d.name));
    return documents.filter((d) =>
      selector.recursive ? d.folder!.startsWith(selector.folder) : d.folder === selector.folder,
    );
  }

  async resolveDocument(ref: DocumentRef): Promise<DocumentInfo> {
    const found = documents.find((d) =>
      ref.kind === 'id'
        ? d.id === ref.id
        : ref.kind === 'cuid'
          ? d.cuid === ref.cuid
          : `${d.folder}/${d.name}` === ref.path,
    );
    if (!found) throw new BiError('BI_DOCUMENT_NOT_FOUND', 'No such document');
    return found;
  }

  async listReports(): Promise<string[]> {
    return ['Summary', 'Detail'];
  }

  async export(request: ExportRequest): Promise<ExportedStream> {
    const id = request.document.kind === 'id' ? request.document.id : 0;
    this.exports++;
    if (this.options.failing?.includes(id)) {
      throw new BiError('BI_EXPORT_FAILED', `Export of ${id} failed`, {
        hint: 'Look at the document.',
      });
    }

    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    const content = fakeBytes(request);
    const body = padded(
      content,
      this.options.size ?? content.length,
      this.options.delayMs ?? 0,
      request.signal,
    );
    let released = false;
    return {
      document: documents.find((d) => d.id === id)!,
      contentType: 'application/octet-stream',
      body,
      rows: this.options.rows?.[id] ?? 10,
      release: async () => {
        if (released) return;
        released = true;
        this.active--;
        this.released++;
      },
    };
  }

  async close(): Promise<void> {
    this.closed++;
  }
}

function padded(head: Buffer, size: number, delayMs: number, signal?: AbortSignal): Readable {
  async function* generate(): AsyncGenerator<Buffer> {
    yield head;
    let left = Math.max(0, size - head.length);
    const steps = 4;
    for (let i = 0; i < steps; i++) {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs / steps));
      if (signal?.aborted) throw new AbortedError();
      const n = i === steps - 1 ? left : Math.floor(left / (steps - i));
      left -= n;
      if (n) yield Buffer.alloc(n, 0x2e);
    }
  }
  return Readable.from(generate());
}

/** A validated publication from YAML text (the `publications.NAME` body, indented by 4). */
export function publication(body: string, name = 'daily'): PublicationConfig {
  const text = `bi:
  url: http://127.0.0.1:1/biprws
  username: u
  password: p
destinations:
  out:
    type: folder
    path: /tmp
publications:
  ${name}:
${body
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
`;
  return parseConfig(text, 'test.yaml', {}).publications[name]!;
}
