import { describe, expect, it } from 'vitest';
import { ContentHasher } from '../../../src/emulators/dropbox/content-hash.js';

function hash(data: Buffer, pieces = 1): string {
  const hasher = new ContentHasher();
  const step = Math.ceil(data.length / pieces) || 1;
  for (let at = 0; at < data.length; at += step) hasher.update(data.subarray(at, at + step));
  return hasher.digest();
}

const MiB4 = 4 * 1024 * 1024;

// Vectors from the API note §6.
describe('emulator content hash', () => {
  it.each([
    ['empty', Buffer.alloc(0), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    [
      'hello',
      Buffer.from('hello'),
      '9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50',
    ],
    [
      '4 MiB of 0x1E',
      Buffer.alloc(MiB4, 0x1e),
      '1114501b241325c24970e0cd0b6416d80284085151e2980747ccecc4e0c156e6',
    ],
    [
      '4 MiB+1 of 0x1E',
      Buffer.alloc(MiB4 + 1, 0x1e),
      '5b1d15f99119b9138a887c27d1b246cf6c584621fc75c42edd27c3d962835d4f',
    ],
    [
      'A x 8388609',
      Buffer.alloc(2 * MiB4 + 1, 'A'),
      '02c8a4aefc2bfc9036f89a7098001865885938ca580e5c9e5db672385edd303c',
    ],
  ])('%s', (_name, data, expected) => {
    expect(hash(data)).toBe(expected);
    // Chunk boundaries that do not line up with blocks give the same hash.
    expect(hash(data, 7)).toBe(expected);
  });
});
