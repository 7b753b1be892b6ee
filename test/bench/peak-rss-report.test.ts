/**
 * The benchmark's peak-RSS figures come from a hook preloaded into the measured process
 * (bench/child/report-rss.js); these tests check that it reports the high-water mark, not the
 * memory at exit.
 */
import { describe, expect, it } from 'vitest';

interface Measured {
  code: number;
  maxRssKiB: number;
  vmHwmKiB: number;
}
type Spawn = (args: string[]) => Promise<Measured>;

const modulePath = '../../bench/lib/spawn.js';
const { runNodeMeasured } = (await import(modulePath)) as { runNodeMeasured: Spawn };

describe('peak RSS report', () => {
  it('sees a peak that was freed before exit', async () => {
    // 200 MiB touched, dropped, then collected: RSS at exit is far below the peak.
    const code =
      'let b = Buffer.alloc(200 * 1024 * 1024, 1); b = undefined; globalThis.gc?.();' +
      'setTimeout(() => {}, 50);';
    const result = await runNodeMeasured(['--expose-gc', '-e', code]);

    expect(result.code).toBe(0);
    expect(result.maxRssKiB).toBeGreaterThan(200 * 1024);
    expect(Math.abs(result.vmHwmKiB - result.maxRssKiB)).toBeLessThan(2 * 1024);
  });

  it('reports a small process as small', async () => {
    const result = await runNodeMeasured(['-e', '0']);

    expect(result.code).toBe(0);
    expect(result.maxRssKiB).toBeGreaterThan(10 * 1024);
    expect(result.maxRssKiB).toBeLessThan(150 * 1024);
  });
});
