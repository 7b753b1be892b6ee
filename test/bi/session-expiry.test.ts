import { text } from 'node:stream/consumers';

import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, type BiEvent, type BiSource } from '../../src/bi/index.js';
import { connectionTo, quickRetry, startFakeBi, type FakeBi } from './fake-bi.js';
import { installFakeDocument } from './fake-document.js';

let fake: FakeBi;
let source: BiSource;

afterEach(async () => {
  await source.close();
  expect(fake.sessions.size).toBe(0);
  await fake.close();
});

const prompts = { Country: ['Spain'], City: ['Madrid'] };

describe('session expiry and licences', () => {
  it('logs on again when the token expired, and redoes the export', async () => {
    fake = await startFakeBi();
    const doc = installFakeDocument(fake);
    const events: BiEvent[] = [];
    source = createBiSource(connectionTo(fake), {
      retry: quickRetry,
      onEvent: (e) => events.push(e),
    });

    const first = await source.export({
      document: { kind: 'id', id: 101 },
      format: 'pdf',
      prompts,
    });
    await text(first.body);
    await first.release();

    fake.expireAll();
    doc.open.clear();
    const second = await source.export({
      document: { kind: 'id', id: 101 },
      format: 'pdf',
      prompts,
    });
    expect(await text(second.body)).toContain('Madrid');
    await second.release();

    expect(events.filter((e) => e.type === 'relogon')).toHaveLength(1);
    expect(fake.stats.logons).toBe(2);
    expect(source.openSessions()).toBe(1);
    expect(doc.open.size).toBe(0);
  });

  it('waits for a licence held by someone else, then fails with BI_LICENCE_EXHAUSTED', async () => {
    fake = await startFakeBi({ maxSessions: 0 });
    source = createBiSource(connectionTo(fake), { retry: quickRetry, sessionWaitMs: 400 });
    const started = Date.now();
    await expect(source.resolveDocument({ kind: 'id', id: 101 })).rejects.toMatchObject({
      code: 'BI_LICENCE_EXHAUSTED',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(fake.requests.filter((r) => r.path === '/logon/long').length).toBeGreaterThan(1);
  });

  it('with its own sessions in use, waits for one of them instead of failing', async () => {
    fake = await startFakeBi({ maxSessions: 1 });
    installFakeDocument(fake);
    source = createBiSource(connectionTo(fake, { sessions: 3 }), {
      retry: quickRetry,
      sessionWaitMs: 100,
    });
    const first = await source.export({
      document: { kind: 'id', id: 101 },
      format: 'pdf',
      prompts,
    });
    const second = source.export({ document: { kind: 'id', id: 101 }, format: 'pdf', prompts });
    await new Promise((r) => setTimeout(r, 300));
    await text(first.body);
    await first.release();
    const exported = await second;
    await text(exported.body);
    await exported.release();
    expect(fake.stats.maxOpen).toBe(1);
  });

  it('logs off every session when an operation is aborted', async () => {
    fake = await startFakeBi();
    installFakeDocument(fake, { exportChunks: 100, chunkDelayMs: 5 });
    source = createBiSource(connectionTo(fake), { retry: quickRetry });
    const controller = new AbortController();
    const exporting = source.export({
      document: { kind: 'id', id: 101 },
      format: 'pdf',
      prompts,
      signal: controller.signal,
    });
    controller.abort();
    await expect(exporting).rejects.toMatchObject({ code: 'ABORTED' });
    await source.close();
    expect(fake.sessions.size).toBe(0);
  });
});
