import { describe, expect, it } from 'vitest';

import { DropboxContentHasher, dropboxContentHash } from '../../src/dropbox/index.js';

const MiB = 1024 * 1024;

// Reference values from api/dropbox.md §6.
const vectors: Array<[string, Buffer, string]> = [
  ['empty', Buffer.alloc(0), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  [
    'hello',
    Buffer.from('hello'),
    '9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50',
  ],
  [
    '4 MiB of 0x1E',
    Buffer.alloc(4 * MiB, 0x1e),
    '1114501b241325c24970e0cd0b6416d80284085151e2980747ccecc4e0c156e6',
  ],
  [
    '4 MiB+1 of 0x1E',
    Buffer.alloc(4 * MiB + 1, 0x1e),
    '5b1d15f99119b9138a887c27d1b246cf6c584621fc75c42edd27c3d962835d4f',
  ],
  [
    '8 MiB of 0x1E',
    Buffer.alloc(8 * MiB, 0x1e),
    'aa562efb265c604214e4626717330e15be16f2daaabfe5d7d2c22f3e88cbc268',
  ],
  ['A x1', Buffer.from('A'), '1cd6ef71e6e0ff46ad2609d403dc3fee244417089aa4461245a4e4fe23a55e42'],
  [
    'A x4194304',
    Buffer.alloc(4 * MiB, 'A'),
    'd4d63bac5b866c71620185392a8a6218ac1092454a2d16f820363b69852befa3',
  ],
  [
    'A x8388609',
    Buffer.alloc(8 * MiB + 1, 'A'),
    '02c8a4aefc2bfc9036f89a7098001865885938ca580e5c9e5db672385edd303c',
  ],
];

async function* pieces(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

describe('Dropbox content hash', () => {
  it.each(vectors)(
    'matches the reference value for %s, whatever the chunking',
    async (_name, data, expected) => {
      const whole = new DropboxContentHasher();
      whole.update(data);
      expect(whole.digest()).toBe(expected);

      // Pieces that straddle the 4 MiB block boundary must give the same result.
      expect(await dropboxContentHash(pieces(data, 1_000_003))).toBe(expected);
      expect(await dropboxContentHash(pieces(data, 3 * MiB))).toBe(expected);
    },
  );

  it('refuses to be used after digest()', () => {
    const hasher = new DropboxContentHasher();
    hasher.digest();
    expect(() => hasher.update(Buffer.from('x'))).toThrow(TypeError);
    expect(() => hasher.digest()).toThrow(TypeError);
  });
});
