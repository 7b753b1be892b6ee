import { describe, expect, it } from 'vitest';

import { sanitizePathSegment, validateDropboxPath } from '../../src/dropbox/index.js';

function reason(path: string): string {
  try {
    validateDropboxPath(path);
  } catch (error) {
    expect((error as { code: string }).code).toBe('DROPBOX_MALFORMED_PATH');
    return (error as Error).message;
  }
  return 'accepted';
}

describe('Dropbox path validation', () => {
  it('accepts ordinary paths, Unicode included', () => {
    expect(reason('/Reports/2026/Sales – Q1 (EMEA).pdf')).toBe('accepted');
    expect(reason('/Résumé/😀 report.xlsx')).toBe('accepted');
    expect(reason(`/${'a'.repeat(255)}`)).toBe('accepted');
  });

  it.each([
    ['Reports/a.pdf', 'must start with "/"'],
    ['/', 'root folder'],
    ['/Reports/', 'must not end with "/"'],
    ['/Reports/a.pdf ', 'whitespace'],
    ['/Reports//a.pdf', 'empty component'],
    ['/Reports/../etc/a.pdf', '".." component'],
    ['/Reports/./a.pdf', '"." component'],
    ['/Reports/a\u0000b.pdf', 'control character'],
    ['/Reports/a\nb.pdf', 'control character'],
    ['/Reports/a\\b.pdf', 'backslash'],
    ['/Reports /a.pdf', 'ends with a space'],
    [`/${'a'.repeat(256)}`, 'longer than 255'],
    ['/Reports/desktop.ini', 'does not store'],
    ['/Reports/.DS_Store', 'does not store'],
    ['/Reports/a\ud800.pdf', 'invalid Unicode'],
  ])('refuses %j with the reason', (path, expected) => {
    expect(reason(path)).toContain(expected);
  });
});

describe('path segment sanitising', () => {
  it.each([
    ['Sales / Q1', 'Sales _ Q1'],
    ['..', '__'],
    ['.', '_'],
    ['', '_'],
    ['   ', '_'],
    ['a\\b\u0001c\u007fd', 'a_b_c_d'],
    ['  padded  ', 'padded'],
    ['Thumbs.db', '_Thumbs.db'],
    ['e\u0301t\u00e9', '\u00e9t\u00e9'],
  ])('turns %j into %j', (input, expected) => {
    expect(sanitizePathSegment(input)).toBe(expected);
  });

  it('always yields a component that passes validation, shortened with its extension kept', () => {
    const long = `${'😀'.repeat(200)}.pdf`;
    const out = sanitizePathSegment(long);
    expect(out.length).toBeLessThanOrEqual(255);
    expect(out.endsWith('.pdf')).toBe(true);
    for (const name of [long, '../../etc/passwd', '\u0000', 'x ', 'icon\r', 'a\ud800b']) {
      expect(() => validateDropboxPath(`/Reports/${sanitizePathSegment(name)}`)).not.toThrow();
    }
  });
});
