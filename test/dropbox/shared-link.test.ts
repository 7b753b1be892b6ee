import { afterEach, describe, expect, it } from 'vitest';

import { bytes, deliverDefaults, harness, streamOf, type Harness } from './setup.js';

let h: Harness;
afterEach(() => h?.cleanup());

const withLink = { ...deliverDefaults, sharedLink: true };

describe('shared links', () => {
  it('creates a link on request', async () => {
    h = await harness();
    const delivered = await h.destination.deliver('/l/a.pdf', streamOf(bytes(10)), withLink);
    expect(delivered.link).toMatch(/^https:\/\/www\.dropbox\.com\/scl\/fi\//);
    expect(h.fake.count('/2/sharing/create_shared_link_with_settings')).toBe(1);
  });

  it('reuses the existing link from shared_link_already_exists metadata', async () => {
    h = await harness();
    const first = await h.destination.deliver('/l/b.pdf', streamOf(bytes(10)), withLink);
    const second = await h.destination.deliver('/l/b.pdf', streamOf(bytes(10)), {
      ...withLink,
      skipUnchanged: true,
    });
    expect(second.status).toBe('unchanged');
    expect(second.link).toBe(first.link);
    expect(h.fake.count('/2/sharing/list_shared_links')).toBe(0);
  });

  it('falls back to list_shared_links when the error carries no metadata', async () => {
    h = await harness();
    h.fake.linkExistsShape = 'bare';
    const first = await h.destination.deliver('/l/c.pdf', streamOf(bytes(10)), withLink);
    const second = await h.destination.deliver('/l/c.pdf', streamOf(bytes(11)), withLink);
    expect(second.link).toBe(first.link);
    expect(h.fake.count('/2/sharing/list_shared_links')).toBe(1);
    expect(h.fake.calls.find((c) => c.route === '/2/sharing/list_shared_links')!.arg).toEqual({
      path: '/l/c.pdf',
      direct_only: true,
    });
  });

  it('no link unless asked', async () => {
    h = await harness();
    const delivered = await h.destination.deliver('/l/d.pdf', streamOf(bytes(10)), deliverDefaults);
    expect(delivered.link).toBeUndefined();
  });
});
