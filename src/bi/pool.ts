/**
 * BI sessions are licensed (bi4-rest.md §2.6): the pool never holds more than `max` logons, hands
 * an idle session to the next caller instead of logging on again, and logs every session off on
 * close whatever state it is in. When the server refuses a logon for want of a licence, the pool
 * backs off and waits for a free seat, up to `waitMs`.
 */
import { BidropError } from '../core/index.js';
import { biError, BiErrorCode } from './codes.js';
import type { BiEvent } from './events.js';
import { abortReason } from './http.js';

export interface Session {
  readonly id: number;
  /** The raw logon token; replaced on re-logon. A secret. */
  token: string;
}

export interface SessionPoolOptions {
  max: number;
  /** How long to keep trying when the licences are used up and this pool holds none. */
  waitMs: number;
  logon(signal?: AbortSignal): Promise<string>;
  logoff(token: string): Promise<void>;
  onEvent?: (event: BiEvent) => void;
}

/** First licence back-off; doubled each time up to the cap, so a seat freed is noticed quickly. */
const licenceFirstDelayMs = 250;
/** A seat is rarely freed more often than every half minute on a busy platform. */
const licenceMaxDelayMs = 30_000;

export class SessionPool {
  private readonly idle: Session[] = [];
  private readonly busy = new Set<Session>();
  private readonly inflight = new Set<Promise<unknown>>();
  private waiters: Array<() => void> = [];
  private logons = 0;
  private nextId = 1;
  private closed = false;
  private readonly emit: (event: BiEvent) => void;

  constructor(private readonly options: SessionPoolOptions) {
    this.emit = options.onEvent ?? (() => {});
  }

  /** Sessions logged on now, idle or in use. */
  get size(): number {
    return this.idle.length + this.busy.size;
  }

  /** A session for the caller's exclusive use until `release()`. */
  async acquire(signal?: AbortSignal): Promise<Session> {
    let deadline: number | undefined;
    let delay = licenceFirstDelayMs;

    for (;;) {
      this.assertOpen();
      if (signal?.aborted) throw abortReason(signal);

      const idle = this.idle.pop();
      if (idle) {
        this.busy.add(idle);
        return idle;
      }

      if (this.size + this.logons >= this.options.max) {
        await this.waitForRelease(signal);
        continue;
      }

      const session = await this.logonOrLicence(signal);
      if (session) return session;

      // No licence free. Sessions of our own will come back; otherwise back off until the deadline.
      if (this.size > 0) {
        await this.waitForRelease(signal);
        continue;
      }
      deadline ??= Date.now() + this.options.waitMs;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw biError(
          BiErrorCode.licenceExhausted,
          `No BI session licence became free in ${formatWait(this.options.waitMs)}`,
          {
            hint: 'Every concurrent-session licence is in use: run later, lower bi.sessions, raise bi.sessionWaitSeconds, or ask the BI administrator for more licences.',
          },
        );
      }
      const wait = Math.min(delay, remaining);
      delay = Math.min(delay * 2, licenceMaxDelayMs);
      this.emit({ type: 'licence-wait', delayMs: wait, openSessions: this.size });
      await this.waitForRelease(signal, wait);
    }
  }

  /** A new busy session, or undefined when the server has no licence free. */
  private async logonOrLicence(signal?: AbortSignal): Promise<Session | undefined> {
    this.logons++;
    const started = Date.now();
    const pending = this.options.logon(signal);
    this.inflight.add(pending);
    try {
      const token = await pending;
      const session: Session = { id: this.nextId++, token };
      this.busy.add(session);
      this.emit({ type: 'logon', session: session.id, ms: Date.now() - started });
      // Closed meanwhile: close() waits for this logon and then logs the session off.
      this.assertOpen();
      return session;
    } catch (error) {
      if (error instanceof BidropError && error.code === BiErrorCode.licenceExhausted) {
        return undefined;
      }
      throw error;
    } finally {
      this.logons--;
      this.inflight.delete(pending);
      this.wake();
    }
  }

  /**
   * Gives a session back. `discard` logs it off instead of keeping it (its state is unknown after a
   * failed cleanup). Unknown or already released sessions are ignored, so this is idempotent.
   */
  async release(session: Session, options: { discard?: boolean } = {}): Promise<void> {
    if (!this.busy.has(session)) return;

    if (this.closed || options.discard) {
      await this.drop(session);
    } else {
      this.busy.delete(session);
      this.idle.push(session);
    }
    this.wake();
  }

  /** Replaces the expired token of a busy session with a fresh logon. */
  async relogon(session: Session, signal?: AbortSignal): Promise<void> {
    this.assertOpen();
    this.emit({ type: 'relogon', session: session.id });
    const old = session.token;
    const pending = this.options.logon(signal);
    this.inflight.add(pending);
    try {
      session.token = await pending;
    } catch (error) {
      // The session is gone on the server: forget it, so release() cannot pool a dead token.
      this.busy.delete(session);
      this.wake();
      this.options.logoff(old).catch(() => {});
      throw error;
    } finally {
      this.inflight.delete(pending);
    }
    // The old token is most likely dead already; logging it off only makes sure.
    this.options.logoff(old).catch(() => {});
  }

  /** Logs every session off, idle or busy; runs every logoff even if some fail; idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    await Promise.allSettled([...this.inflight]);

    const all = [...this.idle, ...this.busy];
    await Promise.allSettled(all.map((session) => this.drop(session)));
  }

  private async drop(session: Session): Promise<void> {
    const wasIdle = this.idle.indexOf(session);
    if (wasIdle >= 0) this.idle.splice(wasIdle, 1);
    if (!this.busy.delete(session) && wasIdle < 0) return;

    try {
      await this.options.logoff(session.token);
      this.emit({ type: 'logoff', session: session.id, ok: true });
    } catch (error) {
      const code = error instanceof BidropError ? error.code : 'ERROR';
      this.emit({ type: 'logoff', session: session.id, ok: false, code });
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw biError(BiErrorCode.closed, 'The BI connection was closed', {
        hint: 'This happens when bidrop is stopping; run again.',
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves on the next release (or close), after `timeoutMs` if given; rejects on abort. */
  private waitForRelease(signal?: AbortSignal, timeoutMs?: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        if (timer) clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(abortReason(signal!));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) timer = setTimeout(done, timeoutMs);
      this.waiters.push(done);
    });
  }
}

function formatWait(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
