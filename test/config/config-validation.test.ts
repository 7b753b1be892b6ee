import { describe, expect, it } from 'vitest';

import { ConfigFileError, parseConfig } from '../../src/config/index.js';

const valid = `
bi:
  url: http://bo.example.com:6405/biprws
  username: \${BI_USER}
  password: \${BI_PASSWORD}
destinations:
  team-dropbox:
    type: dropbox
    appKey: abc
publications:
  daily-sales:
    schedule: "0 6 * * 1-5"
    documents:
      - id: 12345
      - folder: /Sales/Daily
    formats: [pdf, xlsx]
    prompts:
      Region: [EMEA, APAC, AMER]
    to: team-dropbox:/Reports/{publication}/{document} - {Region}.{ext}
`;

const env = { BI_USER: 'admin', BI_PASSWORD: 'pw-from-env' };

function problemsOf(text: string, environment: NodeJS.ProcessEnv = env): string[] {
  try {
    parseConfig(text, 'bidrop.yaml', environment);
  } catch (error) {
    if (error instanceof ConfigFileError) {
      return error.problems.map((p) => `${p.line}:${p.column} ${p.key}: ${p.message}`);
    }
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration validation', () => {
  it('accepts the example from the design, with defaults filled and env read', () => {
    const config = parseConfig(valid, 'bidrop.yaml', env);
    expect(config.bi).toMatchObject({ username: 'admin', password: 'pw-from-env', sessions: 4 });
    expect(config.publications['daily-sales']).toMatchObject({
      whenUnchanged: 'skip',
      conflict: 'overwrite',
      prompts: { Region: ['EMEA', 'APAC', 'AMER'] },
    });
    expect(Object.isFrozen(config.publications)).toBe(true);
  });

  it('names the line of an unknown key, a wrong type and a bad cron expression together', () => {
    const text = valid
      .replace('  sessions', '  sessions')
      .replace('    appKey: abc', '    appKey: abc\n    apKey: typo')
      .replace('formats: [pdf, xlsx]', 'formats: [pdf, docx]')
      .replace('"0 6 * * 1-5"', '"every morning"');
    expect(problemsOf(text)).toEqual([
      '10:5 destinations.team-dropbox.apKey: unknown key "apKey"; check its spelling against docs/configuration.md',
      '13:15 publications.daily-sales.schedule: is not a cron expression that parses (e.g. "0 6 * * 1-5")',
      '17:20 publications.daily-sales.formats[1]: must be one of "pdf", "xlsx", "xls", "csv"',
    ]);
  });

  it('reports an unset environment variable where it is used', () => {
    expect(problemsOf(valid, { BI_USER: 'admin' })).toEqual([
      '5:13 bi.password: environment variable BI_PASSWORD is not set',
    ]);
  });

  it('refuses an empty prompt list and an unknown destination', () => {
    const text = valid
      .replace('Region: [EMEA, APAC, AMER]', 'Region: []')
      .replace('to: team-dropbox:', 'to: team-dropbx:');
    expect(problemsOf(text)).toEqual([
      '18:15 publications.daily-sales.prompts.Region: a prompt list must not be empty',
    ]);
    expect(problemsOf(valid.replace('to: team-dropbox:', 'to: team-dropbx:'))).toEqual([
      '19:9 publications.daily-sales.to: names destination "team-dropbx", which is not declared under destinations (declared: team-dropbox)',
    ]);
  });

  it('reports YAML syntax errors with their place', () => {
    expect(problemsOf('bi:\n  url: [unclosed\n')[0]).toMatch(/^\d+:\d+ : /);
  });
});
