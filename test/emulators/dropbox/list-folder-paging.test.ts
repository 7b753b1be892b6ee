import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startDropboxEmulator,
  type DropboxEmulator,
} from '../../../src/emulators/dropbox/index.js';
import { authorize, content, json, rpc, summary } from './helpers.js';

interface Page {
  entries: Array<Record<string, unknown>>;
  cursor: string;
  has_more: boolean;
}

let emu: DropboxEmulator;
let token: string;
beforeAll(async () => {
  emu = await startDropboxEmulator({ seed: 7 });
  token = (await authorize(emu)).access_token;
  for (let i = 0; i < 7; i++) {
    await content(
      emu,
      token,
      'files/upload',
      { path: `/Docs/f${i}.txt` },
      Buffer.from(`file ${i}`),
    );
  }
  await rpc(emu, token, 'files/create_folder_v2', { path: '/Docs/Sub' });
  await content(emu, token, 'files/upload', { path: '/Docs/Sub/deep.txt' }, Buffer.from('deep'));
});
afterAll(() => emu.close());

describe('list_folder', () => {
  it('pages with limit and continue until has_more is false', async () => {
    let page = await json<Page>(
      await rpc(emu, token, 'files/list_folder', { path: '/docs', limit: 3 }),
    );
    const names: unknown[] = page.entries.map((e) => e['name']);
    expect(page.has_more).toBe(true);
    while (page.has_more) {
      page = await json<Page>(
        await rpc(emu, token, 'files/list_folder/continue', { cursor: page.cursor }),
      );
      names.push(...page.entries.map((e) => e['name']));
    }
    expect(names).toHaveLength(8);
    expect(names).toContain('Sub');
    expect(names).not.toContain('deep.txt');
    expect(page.entries.every((e) => e['.tag'] === 'file' || e['.tag'] === 'folder')).toBe(true);

    // Continuing a finished listing later yields only what changed since.
    await content(emu, token, 'files/upload', { path: '/Docs/new.txt' }, Buffer.from('new'));
    await rpc(emu, token, 'files/delete_v2', { path: '/Docs/f0.txt' });
    const changes = await json<Page>(
      await rpc(emu, token, 'files/list_folder/continue', { cursor: page.cursor }),
    );
    expect(changes.entries.map((e) => [e['.tag'], e['name']])).toEqual([
      ['file', 'new.txt'],
      ['deleted', 'f0.txt'],
    ]);
  });

  it('lists recursively, the root as "", and refuses "/" and files', async () => {
    const all = await json<Page>(
      await rpc(emu, token, 'files/list_folder', { path: '', recursive: true }),
    );
    expect(all.entries.map((e) => e['path_lower'])).toContain('/docs/sub/deep.txt');
    const slash = await rpc(emu, token, 'files/list_folder', { path: '/' });
    expect(slash.status).toBe(400);
    expect(await slash.text()).toContain(
      'Specify the root folder as an empty string rather than as "/".',
    );
    const file = await json(
      await rpc(emu, token, 'files/list_folder', { path: '/docs/f1.txt' }),
      409,
    );
    expect(summary(file)).toBe('path/not_folder/');
    const reset = await json(
      await rpc(emu, token, 'files/list_folder/continue', { cursor: 'bogus' }),
      409,
    );
    expect(reset['error']).toEqual({ '.tag': 'reset' });
  });

  it('get_latest_cursor gives a cursor that sees only later changes', async () => {
    const { cursor } = await json<{ cursor: string }>(
      await rpc(emu, token, 'files/list_folder/get_latest_cursor', { path: '/Docs' }),
    );
    await content(emu, token, 'files/upload', { path: '/Docs/later.txt' }, Buffer.from('later'));
    const page = await json<Page>(await rpc(emu, token, 'files/list_folder/continue', { cursor }));
    expect(page.entries.map((e) => e['name'])).toEqual(['later.txt']);
  });
});
