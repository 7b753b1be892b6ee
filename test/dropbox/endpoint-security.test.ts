import { describe, expect, it } from 'vitest';

import { resolveEndpoints } from '../../src/dropbox/index.js';

describe('Dropbox endpoints', () => {
  it('defaults to Dropbox’s hosts', () => {
    expect(resolveEndpoints({})).toEqual({
      authorize: 'https://www.dropbox.com',
      api: 'https://api.dropboxapi.com',
      content: 'https://content.dropboxapi.com',
    });
  });

  it('accepts plain http on loopback only', () => {
    const local = resolveEndpoints({
      endpoints: {
        api: 'http://127.0.0.1:8080/',
        content: 'http://[::1]:9/',
        authorize: 'http://localhost:1',
      },
    });
    expect(local.api).toBe('http://127.0.0.1:8080');
    expect(local.content).toBe('http://[::1]:9');
    expect(resolveEndpoints({ endpoints: { api: 'https://dropbox.example.com' } }).api).toBe(
      'https://dropbox.example.com',
    );

    for (const url of ['http://dropbox.example.com', 'http://10.0.0.5:8080', 'http://128.0.0.1']) {
      expect(() => resolveEndpoints({ endpoints: { api: url } })).toThrow(
        expect.objectContaining({ code: 'CONFIG_INSECURE_ENDPOINT' }),
      );
    }
  });
});
