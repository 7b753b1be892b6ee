import { createServer } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, type BiEvent, type BiSource } from '../../src/bi/index.js';
import { describeError } from '../../src/core/index.js';
import { connectionTo, quickRetry, startFakeBi, type FakeBi } from './fake-bi.js';

let fake: FakeBi | undefined;
let source: BiSource | undefined;

afterEach(async () => {
  await source?.close();
  await fake?.close();
  fake = undefined;
});

describe('logon failures', () => {
  it('a wrong password is BI_LOGON_FAILED, not retried, with no secret in it', async () => {
    fake = await startFakeBi();
    const events: BiEvent[] = [];
    source = createBiSource(connectionTo(fake, { password: 'Wrong-Pass-99' }), {
      retry: quickRetry,
      onEvent: (e) => events.push(e),
    });

    const error = await source.resolveDocument({ kind: 'id', id: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'BI_LOGON_FAILED',
      remoteCode: 'FWB 00008',
      status: 401,
      method: 'POST',
      endpoint: '/logon/long',
    });
    expect(describeError(error)).not.toContain('Wrong-Pass-99');
    expect(JSON.stringify(events)).not.toContain('Wrong-Pass-99');
    expect(fake.requests.filter((r) => r.path === '/logon/long')).toHaveLength(1);
    expect(source.openSessions()).toBe(0);
  });

  it('an unreachable server is BI_UNREACHABLE naming the host, after the retries', async () => {
    const port = await freePort();
    const events: BiEvent[] = [];
    source = createBiSource(
      { ...connectionTo({ url: `http://127.0.0.1:${port}/biprws` } as FakeBi) },
      { retry: quickRetry, onEvent: (e) => events.push(e) },
    );
    const error = await source.findDocuments({ folder: '/Sales' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BI_UNREACHABLE', transient: true });
    expect((error as Error).message).toBe(`Cannot reach the BI platform at 127.0.0.1:${port}`);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(quickRetry.retries);
  });
});

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
