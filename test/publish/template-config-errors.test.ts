import { describe, expect, it } from 'vitest';

import { ConfigFileError, parseConfig } from '../../src/config/index.js';

/** Each broken publication (lines 9 on) and the exact problem line it must produce. */
const head = `bi:
  url: http://127.0.0.1:1/biprws
  username: u
  password: p
destinations:
  out:
    type: folder
    path: ./out
publications:
`;

const corpus: Array<[string, string, string]> = [
  [
    'an unknown token',
    `  daily:
    documents: [{ id: 1 }]
    to: out:/R/{documnet}.{ext}`,
    'x.yaml:12:9 publications.daily.to: names unknown token "{documnet}" (known: {publication}, {document}, {id}, {cuid}, {report}, {format}, {ext}, {time}, {date}, {date:FORMAT})',
  ],
  [
    'a prompt that is not declared',
    `  daily:
    documents: [{ id: 1 }]
    prompts:
      Region: [EMEA]
    to: out:/R/{Country}.{ext}`,
    'x.yaml:14:9 publications.daily.to: names unknown token "{Country}" (known: {publication}, {document}, {id}, {cuid}, {report}, {format}, {ext}, {time}, {date}, {date:FORMAT}, {Region})',
  ],
  [
    'an unbalanced brace',
    `  daily:
    documents: [{ id: 1 }]
    to: out:/R/{document.{ext}`,
    'x.yaml:12:9 publications.daily.to: has an unbalanced "{" or "}"',
  ],
  [
    'a closing brace alone',
    `  daily:
    documents: [{ id: 1 }]
    to: out:/R/document}.pdf`,
    'x.yaml:12:9 publications.daily.to: has an unbalanced "{" or "}"',
  ],
  [
    'a ".." component',
    `  daily:
    documents: [{ id: 1 }]
    to: out:/R/../{document}.{ext}`,
    'x.yaml:12:9 publications.daily.to: must not contain a ".." component',
  ],
  [
    'a bad date offset',
    `  daily:
    documents: [{ id: 1 }]
    to: out:/R/{date-1q}/{document}.{ext}`,
    'x.yaml:12:9 publications.daily.to: names unknown token "{date-1q}" (known: {publication}, {document}, {id}, {cuid}, {report}, {format}, {ext}, {time}, {date}, {date:FORMAT})',
  ],
  [
    'a prompt value with an unknown token',
    `  daily:
    documents: [{ id: 1 }]
    prompts:
      Day: "{yesterday}"
    to: out:/R/{document}.{ext}`,
    'x.yaml:13:12 publications.daily.prompts.Day: "{yesterday}" is not a date token',
  ],
  [
    'a document prompt list with an unknown token',
    `  daily:
    documents:
      - id: 1
        prompts:
          Day: ["{date}", "{tomorrow}"]
    to: out:/R/{document} {Day}.{ext}`,
    'x.yaml:14:27 publications.daily.documents[0].prompts.Day[1]: "{tomorrow}" is not a date token',
  ],
];

describe('configuration errors in templates and prompt values', () => {
  it.each(corpus)('%s', (_name, body, expected) => {
    const error = (() => {
      try {
        parseConfig(head + body, 'x.yaml', {});
      } catch (e) {
        return e;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(ConfigFileError);
    expect((error as ConfigFileError).code).toBe('CONFIG_INVALID');
    const lines = (error as Error).message.split('\n').map((l) => l.trim());
    expect(lines.some((l) => l.startsWith(expected))).toBe(true);
  });

  it('accepts prompt names declared on a document only, date tokens and formats', () => {
    const config = parseConfig(
      head +
        `  daily:
    documents:
      - id: 1
        prompts:
          Region: [EMEA, APAC]
    prompts:
      Day: "{date-1d:dd.MM.yyyy}"
    to: out:/R/{date:yyyy}/{month-start}/{document} {Region} {Day} {time:HHmm}.{ext}`,
      'x.yaml',
      {},
    );
    expect(Object.keys(config.publications)).toEqual(['daily']);
  });
});
