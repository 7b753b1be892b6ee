import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startDropboxEmulator,
  type DropboxEmulator,
} from '../../../src/emulators/dropbox/index.js';
import { authorize, content, json, summary } from './helpers.js';

let emu: DropboxEmulator;
let token: string;
beforeAll(async () => {
  emu = await startDropboxEmulator({ seed: 5, quotaBytes: 100, maxRequestBytes: 64 * 1024 });
  token = (await authorize(emu)).access_token;
});
afterAll(() => emu.close());

describe('quota', () => {
  it('answers path/insufficient_space past the quota, counting a replaced file once', async () => {
    await json(await content(emu, token, 'files/upload', { path: '/a.bin' }, Buffer.alloc(60, 1)));
    const over = await json(
      await content(emu, token, 'files/upload', { path: '/b.bin' }, Buffer.alloc(50, 2)),
      409,
    );
    expect(summary(over)).toBe('path/insufficient_space/');
    expect(over['error']).toMatchObject({ reason: { '.tag': 'insufficient_space' } });
    const replace = await content(
      emu,
      token,
      'files/upload',
      { path: '/a.bin', mode: 'overwrite' },
      Buffer.alloc(90, 3),
    );
    expect(replace.status).toBe(200);
    emu.setQuota(1000);
    expect(
      (await content(emu, token, 'files/upload', { path: '/b.bin' }, Buffer.alloc(50, 2))).status,
    ).toBe(200);
    expect(emu.stats().bytesStored).toBe(140);
  });
});

describe('request size limit', () => {
  it('answers payload_too_large for a body past the limit, on upload and append', async () => {
    const big = Buffer.alloc(64 * 1024 + 1);
    const upload = await json(
      await content(emu, token, 'files/upload', { path: '/big' }, big),
      409,
    );
    expect(upload['error']).toEqual({ '.tag': 'payload_too_large' });

    const start = await json(await content(emu, token, 'files/upload_session/start', {}));
    const append = await content(
      emu,
      token,
      'files/upload_session/append_v2',
      { cursor: { session_id: start['session_id'], offset: 0 } },
      big,
    );
    expect((await json(append, 409))['error']).toEqual({ '.tag': 'payload_too_large' });
  });
});
