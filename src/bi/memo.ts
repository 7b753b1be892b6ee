/**
 * What a BI source remembers about documents between exports, so a publication run asks the
 * platform once per document, not once per delivery: where a reference points, the prompts as a
 * freshly opened document shows them, and its report tabs. Entries age out, because one source
 * may serve many runs (`bidrop serve`), and an export that fails forgets its document, so the
 * runner's retry reads everything afresh.
 */
import type { DocumentInfo, DocumentRef } from '../core/index.js';
import type { ReportTab } from './documents.js';
import type { Parameter } from './prompts.js';

/**
 * Long enough for a run of thousands of deliveries to reuse what planning found, short enough that
 * the next scheduled run of a long-lived source sees a renamed document or a new prompt.
 */
export const defaultDocumentMemoMs = 600_000;

/** A repository object as resolution found it; `kind` is SI_KIND (`Webi`, `CrystalReport`...). */
export interface Resolved {
  info: DocumentInfo;
  kind: string;
}

/** A map whose entries are forgotten `maxAgeMs` after they were set. */
class AgingMap<K, V> {
  private readonly entries = new Map<K, { value: V; at: number }>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => number,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at < this.maxAgeMs) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: K, value: V): void {
    if (this.maxAgeMs > 0) this.entries.set(key, { value, at: this.now() });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  keysWhere(test: (value: V) => boolean): K[] {
    return [...this.entries].filter(([, e]) => test(e.value)).map(([key]) => key);
  }
}

function refKey(ref: DocumentRef): string {
  if (ref.kind === 'id') return `id:${ref.id}`;
  if (ref.kind === 'cuid') return `cuid:${ref.cuid}`;
  return `path:${ref.path}`;
}

/** The per-source memory of documents; `maxAgeMs` 0 turns it off. */
export class DocumentMemo {
  private readonly resolved: AgingMap<string, Resolved>;
  private readonly prompts: AgingMap<number, readonly Parameter[]>;
  private readonly reports: AgingMap<number, readonly ReportTab[]>;

  constructor(maxAgeMs = defaultDocumentMemoMs, now: () => number = Date.now) {
    this.resolved = new AgingMap(maxAgeMs, now);
    this.prompts = new AgingMap(maxAgeMs, now);
    this.reports = new AgingMap(maxAgeMs, now);
  }

  /** What `ref` resolved to; with `webiOnly`, only a Web Intelligence document counts. */
  resolution(ref: DocumentRef, webiOnly: boolean): Resolved | undefined {
    const found = this.resolved.get(refKey(ref));
    return found && (!webiOnly || /^webi$/i.test(found.kind)) ? found : undefined;
  }

  /** Remembers an object under the reference used and under its id and CUID. */
  remember(ref: DocumentRef | undefined, resolved: Resolved): void {
    if (ref) this.resolved.set(refKey(ref), resolved);
    this.resolved.set(refKey({ kind: 'id', id: resolved.info.id }), resolved);
    if (resolved.info.cuid)
      this.resolved.set(refKey({ kind: 'cuid', cuid: resolved.info.cuid }), resolved);
  }

  /** The parameters a freshly opened document showed, before any answer. */
  parameters(documentId: number): readonly Parameter[] | undefined {
    return this.prompts.get(documentId);
  }

  rememberParameters(documentId: number, parameters: readonly Parameter[]): void {
    this.prompts.set(documentId, parameters);
  }

  reportTabs(documentId: number): readonly ReportTab[] | undefined {
    return this.reports.get(documentId);
  }

  rememberReportTabs(documentId: number, tabs: readonly ReportTab[]): void {
    this.reports.set(documentId, tabs);
  }

  /** Forgets everything about a document (after a failed export), and `ref` if given. */
  forget(documentId: number, ref?: DocumentRef): void {
    if (ref) this.resolved.delete(refKey(ref));
    for (const key of this.resolved.keysWhere((r) => r.info.id === documentId)) {
      this.resolved.delete(key);
    }
    this.prompts.delete(documentId);
    this.reports.delete(documentId);
  }
}
