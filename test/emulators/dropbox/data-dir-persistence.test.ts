import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDropboxEmulator } from '../../../src/emulators/dropbox/index.js';
import { authorize, content, json, rpc } from './helpers.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('a given data folder', () => {
  it('keeps files, revisions, links and tokens across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bidrop-emu-test-'));
    dirs.push(dataDir);
    const first = await startDropboxEmulator({ dataDir, seed: 10 });
    const { access_token } = await authorize(first);
    await json(
      await content(
        first,
        access_token,
        'files/upload',
        { path: '/Keep/a.txt' },
        Buffer.from('one'),
      ),
    );
    await json(
      await content(
        first,
        access_token,
        'files/upload',
        { path: '/Keep/a.txt', mode: 'overwrite' },
        Buffer.from('two'),
      ),
    );
    await json(
      await rpc(first, access_token, 'sharing/create_shared_link_with_settings', {
        path: '/Keep/a.txt',
      }),
    );
    await first.close();

    const second = await startDropboxEmulator({ dataDir, seed: 10 });
    try {
      expect(second.revisions('/keep/a.txt')).toBe(2);
      expect((await second.readFile('/keep/a.txt'))?.toString()).toBe('two');
      expect(second.stats().bytesStored).toBe(3);
      const links = await json<{ links: unknown[] }>(
        await rpc(second, access_token, 'sharing/list_shared_links', { path: '/Keep/a.txt' }),
      );
      expect(links.links).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
