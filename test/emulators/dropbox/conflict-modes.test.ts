import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startDropboxEmulator,
  type DropboxEmulator,
} from '../../../src/emulators/dropbox/index.js';
import { authorize, content, json, rpc, summary } from './helpers.js';

let emu: DropboxEmulator;
let token: string;
beforeAll(async () => {
  emu = await startDropboxEmulator({ seed: 4 });
  token = (await authorize(emu)).access_token;
});
afterAll(() => emu.close());

const put = (arg: Record<string, unknown>, text: string) =>
  content(emu, token, 'files/upload', arg, Buffer.from(text));

describe('write modes', () => {
  it('add refuses an existing file with path/conflict/file and an upload_session_id', async () => {
    await json(await put({ path: '/m/report.pdf' }, 'v1'));
    const body = await json(await put({ path: '/M/REPORT.pdf', mode: 'add' }, 'v2'), 409);
    expect(summary(body)).toBe('path/conflict/file/');
    expect(body['error']).toMatchObject({
      '.tag': 'path',
      reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } },
      upload_session_id: expect.any(String),
    });
    expect(emu.revisions('/m/report.pdf')).toBe(1);
  });

  it('identical content is a no-op without a new revision, unless strict_conflict', async () => {
    const first = await json(
      await rpc(emu, token, 'files/get_metadata', { path: '/m/report.pdf' }),
    );
    const same = await json(await put({ path: '/m/report.pdf', mode: 'add' }, 'v1'));
    expect(same['rev']).toBe(first['rev']);
    expect(emu.revisions('/m/report.pdf')).toBe(1);
    const strict = await put({ path: '/m/report.pdf', mode: 'add', strict_conflict: true }, 'v1');
    expect(summary(await json(strict, 409))).toBe('path/conflict/file/');
  });

  it('overwrite replaces, keeping the id and stored case, with a new revision', async () => {
    const before = await json(
      await rpc(emu, token, 'files/get_metadata', { path: '/m/report.pdf' }),
    );
    const after = await json(
      await put({ path: '/M/Report.PDF', mode: { '.tag': 'overwrite' } }, 'v2'),
    );
    expect(after['id']).toBe(before['id']);
    expect(after['path_display']).toBe('/m/report.pdf');
    expect(after['rev']).not.toBe(before['rev']);
    expect(emu.revisions('/m/report.pdf')).toBe(2);
  });

  it('update replaces only when the rev matches', async () => {
    const current = await json(
      await rpc(emu, token, 'files/get_metadata', { path: '/m/report.pdf' }),
    );
    const stale = await put(
      { path: '/m/report.pdf', mode: { '.tag': 'update', update: '000000001abcdef' } },
      'v3',
    );
    expect(summary(await json(stale, 409))).toBe('path/conflict/file/');
    const ok = await put(
      { path: '/m/report.pdf', mode: { '.tag': 'update', update: current['rev'] } },
      'v3',
    );
    expect(ok.status).toBe(200);
    const compact = await put({ path: '/m/report.pdf', mode: 'update' }, 'v4');
    expect(compact.status).toBe(400);
    expect(await compact.text()).toContain("mode: expected object for 'update', got symbol");
  });

  it('autorename picks "name (2).ext", and a stale update a conflicted copy', async () => {
    const renamed = await json(await put({ path: '/m/report.pdf', autorename: true }, 'other'));
    expect(renamed['path_display']).toBe('/m/report (2).pdf');
    const copy = await json(
      await put(
        {
          path: '/m/report.pdf',
          mode: { '.tag': 'update', update: '000000001abcdef' },
          autorename: true,
        },
        'x',
      ),
    );
    expect(copy['name']).toBe('report (conflicted copy).pdf');
  });

  it('a folder in the way is path/conflict/folder, a file in the way of a parent file_ancestor', async () => {
    await json(await rpc(emu, token, 'files/create_folder_v2', { path: '/m/dir' }));
    expect(summary(await json(await put({ path: '/m/dir' }, 'x'), 409))).toBe(
      'path/conflict/folder/',
    );
    const ancestor = await json(await put({ path: '/m/report.pdf/inner.txt' }, 'x'), 409);
    expect(summary(ancestor)).toBe('path/conflict/file_ancestor/');
    const again = await json(
      await rpc(emu, token, 'files/create_folder_v2', { path: '/M/DIR' }),
      409,
    );
    expect(again['error']).toEqual({
      '.tag': 'path',
      path: { '.tag': 'conflict', conflict: { '.tag': 'folder' } },
    });
  });

  it('delete_v2 removes a folder with its content and answers the tagged metadata', async () => {
    const gone = await json(await rpc(emu, token, 'files/delete_v2', { path: '/m' }));
    expect(gone['metadata']).toMatchObject({ '.tag': 'folder', path_display: '/m' });
    expect(emu.listFiles()).toEqual([]);
    expect(emu.stats().bytesStored).toBe(0);
    const missing = await json(await rpc(emu, token, 'files/delete_v2', { path: '/m' }), 409);
    expect(missing['error']).toEqual({
      '.tag': 'path_lookup',
      path_lookup: { '.tag': 'not_found' },
    });
    const deleted = await json(
      await rpc(emu, token, 'files/get_metadata', { path: '/m/report.pdf', include_deleted: true }),
    );
    expect(deleted).toMatchObject({ '.tag': 'deleted', name: 'report.pdf' });
  });
});
