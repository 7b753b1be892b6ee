/** Every YAML example in docs/ is a configuration bidrop accepts, as it is shown. */
import { describe, expect, it } from 'vitest';

import { initialConfig } from '../../src/cli/commands/init.js';
import { parseConfig } from '../../src/config/index.js';
import { fragmentBase, sampleEnv } from './fragment-base.js';
import { blocks, pages, type Block } from './markdown.js';

const yamlBlocks = pages()
  .flatMap((page) => blocks(page))
  .filter((b) => b.lang === 'yaml' || b.lang === 'yml');

function configText(block: Block): string {
  return block.flags.includes('publications') ? fragmentBase() + block.text : block.text;
}

describe('YAML examples in docs/', () => {
  it('there are examples to check', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(8);
  });

  it.each(yamlBlocks.map((b) => [`${b.page}:${b.line}`, b] as const))(
    '%s validates with parseConfig',
    (_where, block) => {
      const text = configText(block);
      expect(() => parseConfig(text, `/docs/${block.page}`, sampleEnv(text))).not.toThrow();
    },
  );

  it('the file bidrop init writes validates, as getting-started.md says', () => {
    expect(() =>
      parseConfig(initialConfig, '/docs/init.yaml', sampleEnv(initialConfig)),
    ).not.toThrow();
  });

  it('a fragment is checked for real: a wrong key in one fails', () => {
    const text = fragmentBase() + 'publications:\n  p:\n    documents: [{ id: 1 }]\n    too: x\n';
    expect(() => parseConfig(text, '/docs/x.md', sampleEnv(text))).toThrow(/unknown key "too"/);
  });
});
