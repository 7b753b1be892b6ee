/** docs/troubleshooting.md explains every error code bidrop can print, and only those. */
import { describe, expect, it } from 'vitest';

import { codesInSource, codesInTables } from './error-codes.js';
import { readPage } from './markdown.js';

const page = readPage('troubleshooting.md');
const documented = codesInTables(page);
const thrown = codesInSource();

describe('docs/troubleshooting.md', () => {
  it('finds the codes in src/ (the search itself works)', () => {
    expect(thrown).toEqual(
      expect.arrayContaining(['BI_LOGON_FAILED', 'DROPBOX_INSUFFICIENT_SPACE', 'CONFIG_INVALID']),
    );
    expect(thrown).not.toContain('SI_ID');
  });

  it('has a row for every code thrown in src/', () => {
    expect(thrown.filter((code) => !documented.includes(code))).toEqual([]);
  });

  it('documents no code that src/ no longer has, and none twice', () => {
    expect(documented.filter((code) => !thrown.includes(code))).toEqual([]);
    expect(documented.filter((code, i) => documented.indexOf(code) !== i)).toEqual([]);
  });

  it('gives every code a meaning and something to do', () => {
    for (const row of page.split('\n').filter((l) => /^\| `[A-Z]/.test(l))) {
      const cells = row.split(' | ');
      expect(cells.length, row).toBe(3);
      expect(
        cells.every((c) => c.replace(/[|\s]/g, '').length > 2),
        row,
      ).toBe(true);
    }
  });

  it('names the BI and Dropbox remote codes an operator sees', () => {
    for (const remote of ['FWB 00008', 'WSR 00400', 'WSR 00402', 'insufficient_space']) {
      expect(page).toContain(remote);
    }
  });
});
