/**
 * Logon sessions and the documents each one has open. A session ends by logoff, by idle timeout
 * (renewed by every call) or by `expireAll`; its documents are closed with it, as the processing
 * server unloads them (bi4-rest.md 2.6).
 */
import { randomBytes } from 'node:crypto';

/** Per-session state of one open document (bi4-rest.md 4.3). */
export interface OpenDocument {
  state: 'Original' | 'Modified';
  /** Prompt id -> answered values. */
  answers: Map<number, string[]>;
  refreshed: boolean;
}

export interface Session {
  serial: number;
  user: string;
  auth: string;
  token: string;
  lastUsed: number;
  documents: Map<number, OpenDocument>;
}

/** Why a token was refused: none sent, or not (or no longer) a live session. */
export type TokenProblem = 'missing' | 'invalid';

export class SessionStore {
  private readonly byToken = new Map<string, Session>();
  private serial = 1000;

  constructor(private readonly timeoutMs: number) {}

  /** Sessions alive now; expired ones are dropped first. */
  get size(): number {
    this.sweep();
    return this.byToken.size;
  }

  /** Documents opened and not yet closed, over every live session. */
  get openDocuments(): number {
    this.sweep();
    let count = 0;
    for (const session of this.byToken.values()) count += session.documents.size;
    return count;
  }

  /** Starts a session; the token has the look of a real one (clients must not parse it). */
  create(user: string, auth: string, host: string): Session {
    this.serial += 1;
    const secret = randomBytes(18).toString('base64url');
    const minutes = Math.max(1, Math.round(this.timeoutMs / 60000));
    const token =
      `${host}:6400@{3&2=${this.serial},U3&2v=${host}:6400,UP&66=${minutes},` +
      `U3&68=${auth}:${user},UP&S9=${this.serial}&${secret}}`;
    const session: Session = {
      serial: this.serial,
      user,
      auth,
      token,
      lastUsed: Date.now(),
      documents: new Map(),
    };
    this.byToken.set(token, session);
    return session;
  }

  /**
   * The live session for a header value, renewing its idle timer. The token is accepted bare or
   * inside one pair of double quotes, nothing else (bi4-rest.md 2.3).
   */
  find(header: string | undefined): Session | TokenProblem {
    if (header === undefined || header.trim() === '') return 'missing';
    const quoted = header.length >= 2 && header.startsWith('"') && header.endsWith('"');
    const token = quoted ? header.slice(1, -1) : header;
    const session = this.byToken.get(token);
    if (!session) return 'invalid';
    if (this.expired(session, Date.now())) {
      this.byToken.delete(token);
      return 'invalid';
    }
    session.lastUsed = Date.now();
    return session;
  }

  /** Ends a session and closes its documents. */
  end(session: Session): void {
    session.documents.clear();
    this.byToken.delete(session.token);
  }

  /** Ends every session, as if each token had timed out. */
  expireAll(): void {
    for (const session of this.byToken.values()) session.documents.clear();
    this.byToken.clear();
  }

  private expired(session: Session, now: number): boolean {
    return now - session.lastUsed > this.timeoutMs;
  }

  private sweep(): void {
    const now = Date.now();
    for (const session of [...this.byToken.values()]) {
      if (this.expired(session, now)) this.end(session);
    }
  }
}
