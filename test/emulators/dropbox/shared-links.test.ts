import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startDropboxEmulator,
  type DropboxEmulator,
} from '../../../src/emulators/dropbox/index.js';
import { authorize, content, json, rpc, summary } from './helpers.js';

let emu: DropboxEmulator;
let token: string;
beforeAll(async () => {
  emu = await startDropboxEmulator({ seed: 6 });
  token = (await authorize(emu)).access_token;
  await content(emu, token, 'files/upload', { path: '/Share/Q1 Sales.pdf' }, Buffer.from('%PDF'));
});
afterAll(() => emu.close());

describe('shared links', () => {
  it('creates a public link, then answers shared_link_already_exists with its metadata', async () => {
    const link = await json(
      await rpc(emu, token, 'sharing/create_shared_link_with_settings', {
        path: '/share/q1 sales.pdf',
      }),
    );
    expect(link).toMatchObject({
      '.tag': 'file',
      name: 'Q1 Sales.pdf',
      path_lower: '/share/q1 sales.pdf',
      size: 4,
      link_permissions: { resolved_visibility: { '.tag': 'public' }, can_revoke: true },
    });
    expect(String(link['url'])).toMatch(/\/scl\/fi\/\w+\/Q1%20Sales\.pdf\?rlkey=\w+&dl=0$/);

    const again = await json(
      await rpc(emu, token, 'sharing/create_shared_link_with_settings', {
        path: '/Share/Q1 Sales.pdf',
      }),
      409,
    );
    expect(summary(again)).toBe('shared_link_already_exists/metadata/');
    expect(again['error']).toEqual({
      '.tag': 'shared_link_already_exists',
      shared_link_already_exists: { '.tag': 'metadata', metadata: link },
    });

    const opened = await fetch(String(link['url']).replace('dl=0', 'dl=1'));
    expect(await opened.text()).toBe('%PDF');
  });

  it('leaves the metadata out when the request asks for other settings', async () => {
    const other = await json(
      await rpc(emu, token, 'sharing/create_shared_link_with_settings', {
        path: '/Share/Q1 Sales.pdf',
        settings: { audience: { '.tag': 'team' } },
      }),
      409,
    );
    expect(other['error']).toEqual({ '.tag': 'shared_link_already_exists' });
  });

  it('lists links by path (direct_only) and all links', async () => {
    const direct = await json<{ links: unknown[]; has_more: boolean }>(
      await rpc(emu, token, 'sharing/list_shared_links', {
        path: '/Share/Q1 Sales.pdf',
        direct_only: true,
      }),
    );
    expect(direct.links).toHaveLength(1);
    expect(direct.has_more).toBe(false);
    const all = await json<{ links: unknown[] }>(
      await rpc(emu, token, 'sharing/list_shared_links', {}),
    );
    expect(all.links).toHaveLength(1);
    const missing = await json(
      await rpc(emu, token, 'sharing/create_shared_link_with_settings', { path: '/no' }),
      409,
    );
    expect(missing['error']).toEqual({ '.tag': 'path', path: { '.tag': 'not_found' } });
  });
});
