import { text } from 'node:stream/consumers';

import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, type BiEvent, type BiSource } from '../../src/bi/index.js';
import { connectionTo, quickRetry, startFakeBi, type FakeBi } from './fake-bi.js';
import { installFakeDocument } from './fake-document.js';

let fake: FakeBi;
let source: BiSource | undefined;

afterEach(async () => {
  await source?.close();
  source = undefined;
  await fake?.close();
});

describe('export', () => {
  it('answers cascading prompts, streams the report, and release closes the document', async () => {
    fake = await startFakeBi();
    const doc = installFakeDocument(fake);
    const events: BiEvent[] = [];
    source = createBiSource(connectionTo(fake), {
      retry: quickRetry,
      onEvent: (e) => events.push(e),
    });

    const exported = await source.export({
      document: { kind: 'path', path: '/Sales/Revenue' },
      format: 'pdf',
      report: 'Detail',
      prompts: { Country: ['France'], City: ['Paris', 'Lyon'] },
    });
    expect(exported.document).toMatchObject({ id: 101, cuid: 'DocRevenue1', folder: '/Sales' });
    expect(exported.contentType).toBe('application/pdf');
    expect(exported.rows).toBe(42);
    expect(await text(exported.body)).toBe(
      'report 2 {"Country":["France"],"City":["Paris","Lyon"]} chunk 0\n',
    );
    // Two PUTs: the second once City's list was unlocked by Country's answer.
    expect(doc.puts).toHaveLength(2);
    expect(doc.open.size).toBe(1);

    await exported.release();
    await exported.release();
    expect(doc.open.size).toBe(0);
    expect(source.openSessions()).toBe(1);

    await source.close();
    expect(fake.sessions.size).toBe(0);
    expect(events.filter((e) => e.type === 'logon')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'logoff')).toHaveLength(1);
  });

  it('reuses the idle session for the next document', async () => {
    fake = await startFakeBi();
    installFakeDocument(fake);
    source = createBiSource(connectionTo(fake), { retry: quickRetry });
    const prompts = { Country: ['Spain'], City: ['Madrid'] };

    for (const ref of [
      { kind: 'id', id: 101 },
      { kind: 'cuid', cuid: 'DocRevenue1' },
    ] as const) {
      const exported = await source.export({ document: ref, format: 'xlsx', prompts });
      expect(exported.document.folder).toBe('/Sales');
      await text(exported.body);
      await exported.release();
    }
    expect(fake.stats.logons).toBe(1);
  });

  it('frees everything when the consumer never reads the body', async () => {
    fake = await startFakeBi();
    const doc = installFakeDocument(fake, { exportChunks: 1000, chunkDelayMs: 5 });
    source = createBiSource(connectionTo(fake), { retry: quickRetry });

    const exported = await source.export({
      document: { kind: 'id', id: 101 },
      format: 'csv',
      prompts: { Country: ['Spain'], City: ['Madrid'] },
    });
    await exported.release();
    expect(exported.body.destroyed).toBe(true);
    expect(doc.open.size).toBe(0);
    await source.close();
    expect(fake.sessions.size).toBe(0);
  });

  it('stops on abort mid-body and still frees the session', async () => {
    fake = await startFakeBi();
    const doc = installFakeDocument(fake, { exportChunks: 1000, chunkDelayMs: 5 });
    source = createBiSource(connectionTo(fake), { retry: quickRetry });
    const controller = new AbortController();

    const exported = await source.export({
      document: { kind: 'id', id: 101 },
      format: 'pdf',
      prompts: { Country: ['Spain'], City: ['Madrid'] },
      signal: controller.signal,
    });
    const reading = text(exported.body);
    setTimeout(() => controller.abort(new Error('stop')), 30);
    await expect(reading).rejects.toThrow();
    await exported.release();
    expect(doc.open.size).toBe(0);
    await source.close();
    expect(fake.sessions.size).toBe(0);
  });

  it('closes the document and keeps no session after a failure mid-flow', async () => {
    fake = await startFakeBi();
    const doc = installFakeDocument(fake);
    source = createBiSource(connectionTo(fake), { retry: quickRetry });

    await expect(
      source.export({
        document: { kind: 'id', id: 101 },
        format: 'pdf',
        report: 'Nope',
        prompts: { Country: ['Spain'], City: ['Madrid'] },
      }),
    ).rejects.toMatchObject({
      code: 'BI_REPORT_NOT_FOUND',
      hint: 'Its reports are: "Summary", "Detail".',
    });
    expect(doc.open.size).toBe(0);
    await source.close();
    expect(fake.sessions.size).toBe(0);
  });

  it('says BI_DOCUMENT_NOT_FOUND for an unknown id, CUID or path', async () => {
    fake = await startFakeBi();
    installFakeDocument(fake);
    source = createBiSource(connectionTo(fake), { retry: quickRetry });

    await expect(source.resolveDocument({ kind: 'id', id: 999 })).rejects.toMatchObject({
      code: 'BI_DOCUMENT_NOT_FOUND',
    });
    await expect(source.resolveDocument({ kind: 'cuid', cuid: 'Nope' })).rejects.toMatchObject({
      code: 'BI_DOCUMENT_NOT_FOUND',
    });
    await expect(
      source.resolveDocument({ kind: 'path', path: '/Sales/Nope' }),
    ).rejects.toMatchObject({ code: 'BI_DOCUMENT_NOT_FOUND' });
    await expect(
      source.resolveDocument({ kind: 'path', path: '/Nope/Revenue' }),
    ).rejects.toMatchObject({ code: 'BI_FOLDER_NOT_FOUND' });
  });
});
