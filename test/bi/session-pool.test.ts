import { describe, expect, it } from 'vitest';

import { BiError } from '../../src/core/index.js';
import { SessionPool } from '../../src/bi/pool.js';
import type { BiEvent } from '../../src/bi/index.js';

/** A pool over counting fakes: logon mints tokens, logoff records them. */
function pool(options: { max: number; waitMs?: number; licences?: () => boolean } = { max: 2 }) {
  const loggedOn = new Set<string>();
  const events: BiEvent[] = [];
  let serial = 0;
  let peak = 0;
  const instance = new SessionPool({
    max: options.max,
    waitMs: options.waitMs ?? 1000,
    logon: async () => {
      await new Promise((r) => setTimeout(r, 2));
      if (options.licences && !options.licences()) {
        throw new BiError('BI_LICENCE_EXHAUSTED', 'no licence');
      }
      const token = `token-${++serial}`;
      loggedOn.add(token);
      peak = Math.max(peak, loggedOn.size);
      return token;
    },
    logoff: async (token) => {
      loggedOn.delete(token);
    },
    onEvent: (e) => events.push(e),
  });
  return { instance, loggedOn, events, peak: () => peak, logons: () => serial };
}

describe('session pool', () => {
  it('never holds more than max sessions and reuses them', async () => {
    const { instance, loggedOn, peak, logons } = pool({ max: 2 });
    const work = Array.from({ length: 10 }, async () => {
      const session = await instance.acquire();
      await new Promise((r) => setTimeout(r, 5));
      await instance.release(session);
    });
    await Promise.all(work);
    expect(peak()).toBe(2);
    expect(logons()).toBe(2);
    expect(instance.size).toBe(2);
    await instance.close();
    expect(loggedOn.size).toBe(0);
  });

  it('logs off busy sessions on close, and close is idempotent', async () => {
    const { instance, loggedOn, events } = pool({ max: 2 });
    const a = await instance.acquire();
    await instance.acquire();
    await instance.close();
    await instance.close();
    expect(loggedOn.size).toBe(0);
    expect(events.filter((e) => e.type === 'logoff')).toHaveLength(2);
    await instance.release(a);
    await expect(instance.acquire()).rejects.toMatchObject({ code: 'BI_CLOSED' });
  });

  it('discards a session on request instead of pooling it', async () => {
    const { instance, loggedOn } = pool({ max: 1 });
    const session = await instance.acquire();
    await instance.release(session, { discard: true });
    expect(loggedOn.size).toBe(0);
    expect(instance.size).toBe(0);
  });

  it('replaces the token on re-logon and logs the old one off', async () => {
    const { instance, loggedOn } = pool({ max: 1 });
    const session = await instance.acquire();
    const old = session.token;
    await instance.relogon(session);
    expect(session.token).not.toBe(old);
    await new Promise((r) => setTimeout(r, 5));
    expect([...loggedOn]).toEqual([session.token]);
    await instance.close();
  });

  it('waits for a licence and gets one when a seat frees', async () => {
    let free = false;
    setTimeout(() => (free = true), 300);
    const { instance, events } = pool({ max: 1, waitMs: 5000, licences: () => free });
    const session = await instance.acquire();
    expect(session.token).toBe('token-1');
    expect(events.some((e) => e.type === 'licence-wait')).toBe(true);
    await instance.close();
  });

  it('gives up with BI_LICENCE_EXHAUSTED after the wait', async () => {
    const { instance } = pool({ max: 1, waitMs: 300, licences: () => false });
    const started = Date.now();
    await expect(instance.acquire()).rejects.toMatchObject({
      code: 'BI_LICENCE_EXHAUSTED',
      message: 'No BI session licence became free in 300 ms',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('stops waiting when aborted', async () => {
    const { instance } = pool({ max: 1 });
    await instance.acquire();
    const controller = new AbortController();
    const waiting = instance.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    await instance.close();
  });
});
