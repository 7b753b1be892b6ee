import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createBiSource } from '../../src/bi/index.js';
import { demoCredentials, sampleDocuments, startBiEmulator } from '../../src/emulators/bi/index.js';

type Emulator = Awaited<ReturnType<typeof startBiEmulator>>;
let emulator: Emulator;

/** 1 MiB/s: the large sample would take about a minute to send whole. */
const bytesPerSecond = 1024 * 1024;

beforeAll(async () => {
  emulator = await startBiEmulator({ exportBytesPerSecond: bytesPerSecond });
});
afterAll(async () => {
  await emulator.close();
});

describe('streaming', () => {
  it('hands the export over before the server has sent it, and frees it when released early', async () => {
    const large = sampleDocuments.find((d) => d.name === 'Large Export') ?? sampleDocuments[0]!;
    const source = createBiSource({
      url: emulator.url,
      username: demoCredentials.username,
      password: demoCredentials.password,
      auth: demoCredentials.auth,
      sessions: 1,
    });
    try {
      const started = Date.now();
      const exported = await source.export({
        document: { kind: 'id', id: large.id },
        format: 'csv',
      });
      let bytes = 0;
      for await (const chunk of exported.body as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes >= 256 * 1024) break;
      }
      // A buffered export could not be handed over before all of it (tens of MiB) had arrived.
      expect(Date.now() - started).toBeLessThan(5000);
      await exported.release();
      expect(emulator.stats().openDocuments).toBe(0);
    } finally {
      await source.close();
    }
    expect(emulator.stats().openSessions).toBe(0);
  });
});
