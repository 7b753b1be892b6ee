import { readdir } from 'node:fs/promises';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { bytes, deliverDefaults, harness, streamOf, type Harness } from './setup.js';

let h: Harness;
afterEach(() => h?.cleanup());

describe('conflict policies', () => {
  it('overwrite replaces, add renames, fail refuses with DROPBOX_CONFLICT', async () => {
    h = await harness();
    await h.destination.deliver('/c/report.pdf', streamOf(bytes(100, 1)), deliverDefaults);

    const replaced = await h.destination.deliver(
      '/c/report.pdf',
      streamOf(bytes(100, 2)),
      deliverDefaults,
    );
    expect(replaced.path).toBe('/c/report.pdf');
    expect(h.fake.calls.at(-1)!.arg).toMatchObject({ mode: 'overwrite', autorename: false });

    const renamed = await h.destination.deliver('/c/report.pdf', streamOf(bytes(100, 3)), {
      ...deliverDefaults,
      conflict: 'add',
    });
    expect(renamed.path).toBe('/c/report (2).pdf');

    await expect(
      h.destination.deliver('/c/report.pdf', streamOf(bytes(100, 4)), {
        ...deliverDefaults,
        conflict: 'fail',
      }),
    ).rejects.toMatchObject({ code: 'DROPBOX_CONFLICT', remoteCode: 'path/conflict/file' });
  });
});

describe('skipUnchanged', () => {
  it('uploads nothing when the same content is there: status unchanged', async () => {
    h = await harness({ chunkSizeBytes: 16 * 1024 });
    const data = bytes(1000);
    const first = await h.destination.deliver('/u/a.csv', streamOf(data), {
      ...deliverDefaults,
      skipUnchanged: true,
    });
    expect(first.status).toBe('delivered');

    const uploadsBefore = h.fake.calls.filter((c) => c.route.startsWith('/2/files/upload')).length;
    const second = await h.destination.deliver('/u/a.csv', streamOf(data), {
      ...deliverDefaults,
      skipUnchanged: true,
    });
    expect(second).toMatchObject({
      status: 'unchanged',
      path: '/u/a.csv',
      contentHash: first.contentHash,
      revision: first.revision,
    });
    expect(h.fake.calls.filter((c) => c.route.startsWith('/2/files/upload')).length).toBe(
      uploadsBefore,
    );
  });

  it('spools a multi-chunk stream to a private file, compares, and cleans up', async () => {
    h = await harness({ chunkSizeBytes: 16 * 1024 });
    const data = bytes(100_000, 4);
    await h.destination.deliver('/u/big.pdf', streamOf(data), deliverDefaults);

    const same = await h.destination.deliver('/u/big.pdf', streamOf(data), {
      ...deliverDefaults,
      skipUnchanged: true,
    });
    expect(same.status).toBe('unchanged');

    const changed = bytes(100_000, 5);
    const updated = await h.destination.deliver('/u/big.pdf', streamOf(changed), {
      ...deliverDefaults,
      skipUnchanged: true,
    });
    expect(updated.status).toBe('delivered');
    expect(h.fake.files.get('/u/big.pdf')!.bytes.equals(changed)).toBe(true);
    expect(await readdir(path.join(h.stateDir, 'spool'))).toEqual([]);
  });

  it('uploads directly when nothing is at the path yet', async () => {
    h = await harness();
    const delivered = await h.destination.deliver('/u/new.pdf', streamOf(bytes(10)), {
      ...deliverDefaults,
      skipUnchanged: true,
    });
    expect(delivered.status).toBe('delivered');
    expect(h.fake.count('/2/files/get_metadata')).toBe(1);
  });
});
