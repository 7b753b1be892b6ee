import { describe, expect, it } from 'vitest';

import { parseConfig, parseDuration } from '../../src/config/index.js';

const base = (extra: string) => `
bi:
  url: http://127.0.0.1:1/biprws
  username: Administrator
  password: x
destinations:
  out:
    type: folder
    path: ./out
publications:
  nightly:
    documents:
      - id: 12345
        from: schedule
        scheduleTimeout: 2h30m
        keepInstance: true
    to: out:/{document}.{ext}
${extra}`;

describe('config keys of the other ways out', () => {
  it('reads durations with units, and refuses bare numbers and nonsense', () => {
    expect(parseDuration('26h')).toBe(26 * 3_600_000);
    expect(parseDuration('2d')).toBe(2 * 86_400_000);
    expect(parseDuration('1h30m')).toBe(90 * 60_000);
    expect(parseDuration(' 90 s ')).toBe(90_000);
    expect(parseDuration('1.5h')).toBe(90 * 60_000);
    expect(parseDuration('1w')).toBe(7 * 86_400_000);
    expect(parseDuration('500ms')).toBe(500);
    for (const bad of ['26', '', 'h', '2 days', '-1h', '0h']) {
      expect(parseDuration(bad), bad).toBeUndefined();
    }
  });

  it('takes from, maxAge, keepInstance and scheduleTimeout on publications and documents', () => {
    const config = parseConfig(
      base('    from: latest-instance\n    maxAge: 26h\n'),
      'bidrop.yaml',
      {},
    );
    const publication = config.publications.nightly!;
    expect(publication).toMatchObject({ from: 'latest-instance', maxAge: 26 * 3_600_000 });
    expect(publication.documents[0]).toMatchObject({
      from: 'schedule',
      scheduleTimeout: 150 * 60_000,
      keepInstance: true,
    });
  });

  it('names the place of a bad duration or an unknown way out', () => {
    expect(() => parseConfig(base('    maxAge: "26"\n'), 'bidrop.yaml', {})).toThrow(
      /maxAge[\s\S]*is not a duration/,
    );
    expect(() => parseConfig(base('    from: opendocument\n'), 'bidrop.yaml', {})).toThrow(/from/);
  });
});
