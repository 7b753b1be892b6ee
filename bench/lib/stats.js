/** Small numeric helpers: medians, timers, units. */

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds since `start` (a performance.now() reading). */
export function since(start) {
  return performance.now() - start;
}

/** Runs `work` and resolves with [its result, milliseconds taken]. */
export async function timed(work) {
  const start = performance.now();
  const result = await work();
  return [result, since(start)];
}

export const MiB = 1024 * 1024;

/** Bytes per millisecond as MB/s (10^6 bytes, as curl and most tools report). */
export function mbPerSecond(bytes, ms) {
  return bytes / 1e6 / (ms / 1000);
}

/** "1.23 s", "456 ms". */
export function formatMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** "123 MiB" from kibibytes (getrusage units). */
export function formatKiB(kib) {
  return `${Math.round(kib / 1024)} MiB`;
}
