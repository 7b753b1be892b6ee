import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startDropboxEmulator,
  type DropboxEmulator,
} from '../../../src/emulators/dropbox/index.js';
import { authorize, content, expectedContentHash, json, rpc, summary } from './helpers.js';

let emu: DropboxEmulator;
let token: string;
beforeAll(async () => {
  emu = await startDropboxEmulator({ seed: 2 });
  token = (await authorize(emu)).access_token;
});
afterAll(() => emu.close());

describe('files/upload', () => {
  it('stores a small file and answers FileMetadata without .tag', async () => {
    const data = Buffer.from('hello');
    const meta = await json(
      await content(emu, token, 'files/upload', { path: '/Reports/Hello.txt' }, data),
    );
    expect(meta['.tag']).toBeUndefined();
    expect(meta).toMatchObject({
      name: 'Hello.txt',
      path_display: '/Reports/Hello.txt',
      path_lower: '/reports/hello.txt',
      size: 5,
      content_hash: '9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50',
      is_downloadable: true,
    });
    expect(meta['id']).toMatch(/^id:/);
    expect(meta['rev']).toMatch(/^[0-9a-f]{9,}$/);
    expect(meta['server_modified']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await emu.readFile('/reports/hello.txt')).toEqual(data);
    expect(emu.revisions('/Reports/Hello.txt')).toBe(1);
    expect(emu.stats().bytesStored).toBe(5);
    expect(emu.stats().requests['/2/files/upload']).toBe(1);
  });

  it('looks paths up case-insensitively and keeps the stored case', async () => {
    const meta = await json(
      await rpc(emu, token, 'files/get_metadata', { path: '/REPORTS/hello.TXT' }),
    );
    expect(meta).toMatchObject({ '.tag': 'file', path_display: '/Reports/Hello.txt' });
    const folder = await json(await rpc(emu, token, 'files/get_metadata', { path: '/reports' }));
    expect(folder).toMatchObject({ '.tag': 'folder', path_display: '/Reports' });
    const missing = await json(await rpc(emu, token, 'files/get_metadata', { path: '/nope' }), 409);
    expect(missing['error']).toEqual({ '.tag': 'path', path: { '.tag': 'not_found' } });
    expect(summary(missing)).toBe('path/not_found/');
  });

  it('accepts \\u-escaped non-ASCII in Dropbox-API-Arg', async () => {
    const data = Buffer.from('résumé');
    const meta = await json(
      await content(emu, token, 'files/upload', { path: '/Résumé ✓ 😀.txt' }, data),
    );
    expect(meta['name']).toBe('Résumé ✓ 😀.txt');
    const down = await content(emu, token, 'files/download', { path: '/résumé ✓ 😀.txt' });
    expect(down.status).toBe(200);
    expect(Buffer.from(await down.arrayBuffer())).toEqual(data);
    const result = down.headers.get('dropbox-api-result') ?? '';
    expect(result).toMatch(/^[\x20-\x7e]+$/);
    expect(JSON.parse(result)).toMatchObject({ name: 'Résumé ✓ 😀.txt', size: data.length });
  });

  it('refuses raw non-ASCII bytes in Dropbox-API-Arg with a 400 text', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${emu.url}/2/files/upload`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/octet-stream',
          'Dropbox-API-Arg': '{"path":"/R\u00e9sum\u00e9.txt"}',
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end('x');
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toBe(
      'Error in call to API function "files/upload": HTTP header "Dropbox-API-Arg": could not decode input as JSON',
    );
  });

  it('refuses a wrong Content-Type, unknown fields and paths off the pattern with 400 texts', async () => {
    const wrongType = await fetch(`${emu.url}/2/files/upload`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        'Dropbox-API-Arg': '{"path":"/a"}',
      },
      body: 'x',
    });
    expect(wrongType.status).toBe(400);
    expect(await wrongType.text()).toContain('Bad HTTP "Content-Type" header: "application/json"');

    const unknown = await content(
      emu,
      token,
      'files/upload',
      { path: '/a', pat: 1 },
      Buffer.from('x'),
    );
    expect(await unknown.text()).toBe(
      `Error in call to API function "files/upload": HTTP header "Dropbox-API-Arg": unknown field 'pat'`,
    );
    const noSlash = await content(emu, token, 'files/download', { path: 'hello.txt' });
    expect(noSlash.status).toBe(400);
    expect(await noSlash.text()).toContain("path: 'hello.txt' did not match pattern");

    const rpcAsUpload = await content(emu, token, 'files/get_metadata', { path: '/a' });
    expect(rpcAsUpload.status).toBe(400);
    expect(await rpcAsUpload.text()).toContain('Expecting one of "application/json"');
  });

  it('answers malformed paths with 409 malformed_path', async () => {
    const trailing = await json(
      await content(emu, token, 'files/upload', { path: '/a/' }, Buffer.from('x')),
      409,
    );
    expect(summary(trailing)).toBe('path/malformed_path/');
    expect(trailing['error']).toMatchObject({
      '.tag': 'path',
      reason: { '.tag': 'malformed_path' },
    });
    const empty = await json(await rpc(emu, token, 'files/get_metadata', { path: '/a//b' }), 409);
    expect(summary(empty)).toBe('path/malformed_path/');
  });

  it('checks content_hash against the body', async () => {
    const data = Buffer.from('checked');
    const bad = await content(
      emu,
      token,
      'files/upload',
      { path: '/c.txt', content_hash: 'a'.repeat(64) },
      data,
    );
    expect(summary(await json(bad, 409))).toBe('content_hash_mismatch/');
    const good = await content(
      emu,
      token,
      'files/upload',
      { path: '/c.txt', content_hash: expectedContentHash(data) },
      data,
    );
    expect(good.status).toBe(200);
  });
});

describe('files/download', () => {
  it('serves ranges with 206 and Content-Range, and 304 for a matching ETag', async () => {
    const data = Buffer.from('0123456789');
    await content(emu, token, 'files/upload', { path: '/digits.txt' }, data);
    const ranged = await fetch(`${emu.url}/2/files/download`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Dropbox-API-Arg': '{"path":"/digits.txt"}',
        Range: 'bytes=2-5',
      },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(await ranged.text()).toBe('2345');
    const etag = ranged.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    const cached = await fetch(
      `${emu.url}/2/files/download?arg=${encodeURIComponent('{"path":"/digits.txt"}')}&authorization=${encodeURIComponent(`Bearer ${token}`)}`,
      { headers: { 'If-None-Match': etag } },
    );
    expect(cached.status).toBe(304);
  });

  it('answers not_file for a folder', async () => {
    const answer = await json(
      await content(emu, token, 'files/download', { path: '/Reports' }),
      409,
    );
    expect(answer['error']).toEqual({ '.tag': 'path', path: { '.tag': 'not_file' } });
  });
});
