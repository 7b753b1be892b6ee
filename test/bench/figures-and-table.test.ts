/** The arithmetic and layout behind the benchmark table. */
import { describe, expect, it } from 'vitest';

interface Stats {
  median(values: number[]): number;
  mbPerSecond(bytes: number, ms: number): number;
}
interface Table {
  markdownTable(header: string[], rows: string[][]): string;
  formatBytes(bytes: number): string;
}

const statsPath = '../../bench/lib/stats.js';
const tablePath = '../../bench/lib/table.js';
const { median, mbPerSecond } = (await import(statsPath)) as Stats;
const { markdownTable, formatBytes } = (await import(tablePath)) as Table;

describe('bench figures', () => {
  it('takes the middle of an odd count and the mean of the middle two of an even one', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('reports MB/s in decimal megabytes', () => {
    expect(mbPerSecond(50_000_000, 1000)).toBe(50);
  });

  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2.0 GiB');
    expect(formatBytes(264 * 1024 ** 2)).toBe('264 MiB');
  });

  it('aligns every column of the Markdown table', () => {
    const lines = markdownTable(['a', 'bb'], [['long cell', 'x']]).split('\n');

    expect(lines).toEqual(['| a         | bb |', '| --------- | -- |', '| long cell | x  |']);
  });
});
