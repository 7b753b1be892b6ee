import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startDropboxEmulator,
  type DropboxEmulator,
} from '../../../src/emulators/dropbox/index.js';
import { authorize, content, json, rpc, summary } from './helpers.js';

let emu: DropboxEmulator;
let token: string;
beforeAll(async () => {
  emu = await startDropboxEmulator({ seed: 11 });
  token = (await authorize(emu)).access_token;
});
afterAll(() => emu.close());

describe('path forms', () => {
  it('addresses items by id:, id:<folder>/name, rev: and ns:<home>/', async () => {
    const folder = await json(await rpc(emu, token, 'files/create_folder_v2', { path: '/Out' }));
    const folderMeta = folder['metadata'] as Record<string, unknown>;
    expect(folderMeta['.tag']).toBeUndefined();

    const first = await json(
      await content(
        emu,
        token,
        'files/upload',
        { path: `${String(folderMeta['id'])}/r.txt` },
        Buffer.from('1'),
      ),
    );
    expect(first['path_display']).toBe('/Out/r.txt');
    await content(
      emu,
      token,
      'files/upload',
      { path: '/Out/r.txt', mode: 'overwrite' },
      Buffer.from('22'),
    );

    const byId = await json(await rpc(emu, token, 'files/get_metadata', { path: first['id'] }));
    expect(byId['size']).toBe(2);
    const old = await content(emu, token, 'files/download', {
      path: `rev:${String(first['rev'])}`,
    });
    expect(await old.text()).toBe('1');

    const account = await json(await rpc(emu, token, 'users/get_current_account'));
    const ns = (account['root_info'] as Record<string, string>)['root_namespace_id'];
    const byNs = await json(
      await rpc(emu, token, 'files/get_metadata', { path: `ns:${ns}/out/R.TXT` }),
    );
    expect(byNs['id']).toBe(first['id']);
    const otherNs = await json(
      await rpc(emu, token, 'files/get_metadata', { path: 'ns:1/out/r.txt' }),
      409,
    );
    expect(summary(otherNs)).toBe('path/not_found/');
  });

  it('refuses names Dropbox will not store', async () => {
    const answer = await json(
      await content(emu, token, 'files/upload', { path: '/Out/desktop.ini' }, Buffer.from('x')),
      409,
    );
    expect(summary(answer)).toBe('path/disallowed_name/');
  });
});
