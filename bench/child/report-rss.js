/**
 * Preloaded with `node --import` into a process whose memory a benchmark measures. At exit it
 * writes the process's peak resident set size to the file named by BIDROP_BENCH_RSS_FILE:
 * getrusage's ru_maxrss (process.resourceUsage().maxRSS, KiB), which is what /proc/<pid>/status
 * reports as VmHWM, the high-water mark of resident memory. Both are read for a cross-check.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.env.BIDROP_BENCH_RSS_FILE;
const started = performance.timeOrigin;

function vmHwmKiB() {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

if (file) {
  process.on('exit', (code) => {
    writeFileSync(
      file,
      JSON.stringify({
        maxRssKiB: process.resourceUsage().maxRSS,
        vmHwmKiB: vmHwmKiB(),
        exitCode: code,
        lifeMs: Date.now() - started,
      }),
    );
  });
}
