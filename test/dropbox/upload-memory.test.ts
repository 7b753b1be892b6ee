/**
 * Peak memory of one large upload, measured in a child process of its own (so the test runner's
 * heap is not counted): a 192 MiB generated stream through the built client into the fake
 * Dropbox, with 16 MiB chunks. Two chunk buffers plus socket buffers and collector slack measure
 * 3.5 to 4.2 chunks of growth; the bound is five. The fetch path that copied every body grew by
 * about seven (bench/README.md, chunk table: 202 MiB peak at 16 MiB over a ~90 MiB base).
 */
import { spawn } from 'node:child_process';

import { afterEach, describe, expect, it } from 'vitest';

import { env, harness, type Harness } from './setup.js';

const MiB = 1024 * 1024;
const chunk = 16 * MiB;
const total = 192 * MiB;

const child = `
import { Readable } from 'node:stream';
import { createDropboxDestination } from './dist/dropbox/index.js';
const { config, stateDir, env, chunk, total } = JSON.parse(process.argv[1]);
const destination = createDropboxDestination('team', config, { stateDir, env, chunkSizeBytes: chunk });
// One piece yielded again and again: the source itself allocates nothing while it streams.
const piece = Buffer.alloc(1024 * 1024, 7);
async function* generated() {
  for (let at = 0; at < total; at += piece.length) yield piece;
}
const options = { conflict: 'overwrite', skipUnchanged: false, sharedLink: false };
// A small delivery first, so loading and compiling the HTTP client is not counted as growth.
await destination.deliver('/warm-up.csv', Readable.from([piece]), options);
const before = process.memoryUsage().rss;
const delivered = await destination.deliver('/big.csv', Readable.from(generated()), options);
const peak = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({ bytes: delivered.bytes, growth: peak - before }));
`;

let h: Harness;
afterEach(() => h?.cleanup());

describe('upload memory', () => {
  it('a 192 MiB stream grows peak RSS by less than five 16 MiB chunks', async () => {
    h = await harness({ chunkSizeBytes: chunk });
    const input = JSON.stringify({ config: h.config, stateDir: h.stateDir, env, chunk, total });
    const out = await new Promise<string>((resolve, reject) => {
      const proc = spawn(process.execPath, ['--input-type=module', '-e', child, input], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      proc.stdout.on('data', (d: Buffer) => (text += d.toString()));
      proc.on('error', reject);
      proc.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}`))));
    });

    const { bytes, growth } = JSON.parse(out) as { bytes: number; growth: number };
    expect(bytes).toBe(total);
    expect(h.fake.files.get('/big.csv')!.bytes.length).toBe(total);
    expect(growth).toBeLessThan(5 * chunk);
  }, 30_000);
});
