/** Test files of a given size, written without holding them in memory. */
import { open } from 'node:fs/promises';

import { MiB } from './stats.js';

/** Writes `bytes` of incompressible-looking data to `file` (a 1 MiB block, varied per MiB). */
export async function makeFile(file, bytes) {
  const handle = await open(file, 'w', 0o600);
  try {
    const block = Buffer.alloc(MiB);
    for (let i = 0; i < MiB; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
    for (let offset = 0; offset < bytes; offset += MiB) {
      block.writeUInt32LE(offset / MiB, 0);
      await handle.write(block, 0, Math.min(MiB, bytes - offset));
    }
  } finally {
    await handle.close();
  }
}
