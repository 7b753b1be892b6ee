import { mkdtemp, readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { AbortedError, type DeliverOptions } from '../../src/core/index.js';
import { createDestination } from '../../src/destinations/index.js';
import { contentHashOf } from '../../src/dropbox/content-hash.js';

async function folder(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'bidrop-folder-'));
}

const base: DeliverOptions = { conflict: 'overwrite', skipUnchanged: false, sharedLink: false };

function destination(root: string) {
  return createDestination(
    'out',
    { type: 'folder', path: root, concurrency: 2 },
    { stateDir: root },
  );
}

describe('folder destination', () => {
  it('writes the file, creating folders, and reports its Dropbox content hash', async () => {
    const root = await folder();
    const bytes = Buffer.alloc(5 * 1024 * 1024, 7);
    const progress: number[] = [];
    const file = await destination(root).deliver('/a/b/c.pdf', Readable.from([bytes]), {
      ...base,
      sharedLink: true,
      onProgress: (n) => progress.push(n),
    });

    expect(file).toMatchObject({ status: 'delivered', path: '/a/b/c.pdf', bytes: bytes.length });
    expect(file.contentHash).toBe(contentHashOf(bytes));
    expect(file.link).toMatch(/^file:\/\/.*\/a\/b\/c\.pdf$/);
    expect(progress.at(-1)).toBe(bytes.length);
    expect((await readFile(path.join(root, 'a/b/c.pdf'))).equals(bytes)).toBe(true);
    expect(await readdir(path.join(root, 'a/b'))).toEqual(['c.pdf']);
  });

  it('skips unchanged content and replaces changed content', async () => {
    const root = await folder();
    const dest = destination(root);
    const options = { ...base, skipUnchanged: true };
    await dest.deliver('/x.csv', Readable.from([Buffer.from('one')]), options);

    const same = await dest.deliver('/x.csv', Readable.from([Buffer.from('one')]), options);
    const changed = await dest.deliver('/x.csv', Readable.from([Buffer.from('two')]), options);

    expect(same.status).toBe('unchanged');
    expect(changed.status).toBe('delivered');
    expect(await readFile(path.join(root, 'x.csv'), 'utf8')).toBe('two');
    expect(await readdir(root)).toEqual(['x.csv']);
  });

  it('adds "name (1).ext" with conflict: add, and fails with FOLDER_CONFLICT with conflict: fail', async () => {
    const root = await folder();
    const dest = destination(root);
    await dest.deliver('/r.pdf', Readable.from([Buffer.from('a')]), base);

    const added = await dest.deliver('/r.pdf', Readable.from([Buffer.from('b')]), {
      ...base,
      conflict: 'add',
    });
    const again = await dest.deliver('/r.pdf', Readable.from([Buffer.from('c')]), {
      ...base,
      conflict: 'add',
    });
    const failed = dest.deliver('/r.pdf', Readable.from([Buffer.from('d')]), {
      ...base,
      conflict: 'fail',
    });

    expect(added.path).toBe('/r (1).pdf');
    expect(again.path).toBe('/r (2).pdf');
    await expect(failed).rejects.toMatchObject({ code: 'FOLDER_CONFLICT' });
    expect((await readdir(root)).sort()).toEqual(['r (1).pdf', 'r (2).pdf', 'r.pdf']);
    expect(await readFile(path.join(root, 'r.pdf'), 'utf8')).toBe('a');
  });

  it.each([
    '/../escape.pdf',
    '/a/../../escape.pdf',
    'relative.pdf',
    '/',
    '/a/./b.pdf',
    '/a\\..\\b',
  ])('refuses %j with FOLDER_PATH_OUTSIDE', async (target) => {
    const root = await folder();
    await expect(
      destination(path.join(root, 'inner')).deliver(
        target,
        Readable.from([Buffer.from('x')]),
        base,
      ),
    ).rejects.toMatchObject({ code: 'FOLDER_PATH_OUTSIDE' });
    expect(await readdir(root)).toEqual([]);
  });

  it('leaves no partial file when the delivery is aborted', async () => {
    const root = await folder();
    await mkdir(path.join(root, 'd'));
    await writeFile(path.join(root, 'd/old.pdf'), 'old');
    const controller = new AbortController();
    async function* slow(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(1000, 1);
      controller.abort(new AbortedError());
      await new Promise((r) => setTimeout(r, 50));
      yield Buffer.alloc(1000, 2);
    }

    const result = destination(root).deliver('/d/old.pdf', Readable.from(slow()), {
      ...base,
      signal: controller.signal,
    });

    await expect(result).rejects.toMatchObject({ code: 'ABORTED' });
    expect(await readdir(path.join(root, 'd'))).toEqual(['old.pdf']);
    expect(await readFile(path.join(root, 'd/old.pdf'), 'utf8')).toBe('old');
  });

  it('leaves no partial file when the source breaks', async () => {
    const root = await folder();
    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(10, 1);
      throw new Error('connection reset');
    }

    await expect(
      destination(root).deliver('/b.pdf', Readable.from(broken()), base),
    ).rejects.toMatchObject({
      code: 'FOLDER_WRITE_FAILED',
    });
    expect(await readdir(root)).toEqual([]);
  });
});
