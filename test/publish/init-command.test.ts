import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseConfig } from '../../src/config/index.js';
import { runCli } from '../bi/run-cli.js';

describe('bidrop init', () => {
  it('writes a commented bidrop.yaml that validates once its variables are set', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bidrop-init-'));
    const result = await runCli(['init'], {}, dir);

    expect(result.code).toBe(0);
    const file = path.join(dir, 'bidrop.yaml');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('# bidrop configuration');
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const config = parseConfig(text, file, {
      BI_URL: 'http://127.0.0.1:6405/biprws',
      BI_USER: 'Administrator',
      BI_PASSWORD: 'Demo-Password-1',
      DROPBOX_APP_KEY: 'demo-key',
    });
    expect(Object.keys(config.publications)).toEqual(['daily-sales']);
    expect(() => parseConfig(text, file, {})).toThrow(/environment variable BI_URL is not set/);
  });

  it('refuses to overwrite without --force (exit 2), and overwrites with it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bidrop-init-'));
    await writeFile(path.join(dir, 'mine.yaml'), 'keep: me\n');

    const refused = await runCli(['init', 'mine.yaml'], {}, dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('USAGE_FILE_EXISTS');
    expect(await readFile(path.join(dir, 'mine.yaml'), 'utf8')).toBe('keep: me\n');

    const forced = await runCli(['init', 'mine.yaml', '--force'], {}, dir);
    expect(forced.code).toBe(0);
    expect(await readFile(path.join(dir, 'mine.yaml'), 'utf8')).toContain('publications:');
  });
});
