import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { WorkflowError } from '../../src/core/index.js';
import { parseWorkflow, runWorkflow } from '../../src/workflow/index.js';
import { tempDir } from './helpers.js';

function failure(text: string): WorkflowError {
  try {
    parseWorkflow(text, 'wf.xml');
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowError);
    return error as WorkflowError;
  }
  throw new Error('expected the workflow to be refused');
}

describe('an invalid workflow is refused with its file and line', () => {
  it('reports malformed XML at the line of the fault', () => {
    const error = failure('<workflow name="w">\n  <call name="a">\n  </cal>\n</workflow>');
    expect(error.code).toBe('WORKFLOW_INVALID_XML');
    expect(error.message).toMatch(/^wf\.xml:3: invalid XML/);
  });

  it('refuses a DOCTYPE before parsing it (no entities, no external DTD)', () => {
    const error = failure(
      '<?xml version="1.0"?>\n<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<workflow name="&x;"/>',
    );
    expect(error.code).toBe('WORKFLOW_DTD_REFUSED');
    expect(error.message).toMatch(/^wf\.xml:2: /);
  });

  it('names an unknown element', () => {
    const error = failure(
      '<workflow name="w">\n  <call name="a">\n    <request url="http://x/"/>\n    <body/>\n  </call>\n</workflow>',
    );
    expect(error.code).toBe('WORKFLOW_UNKNOWN_ELEMENT');
    expect(error.message).toMatch(/^wf\.xml:4: unexpected element <body>/);
  });

  it('refuses <azot> as the root', () => {
    const error = failure('<azot name="w"/>');
    expect(error.code).toBe('WORKFLOW_UNKNOWN_ELEMENT');
    expect(error.message).toMatch(/^wf\.xml:1: unexpected element <azot>/);
  });

  it('names an unknown attribute, and one in the bidrop namespace it does not define', () => {
    const plain = failure('<workflow name="w">\n\n  <call name="a" timeout="5"/>\n</workflow>');
    expect(plain.code).toBe('WORKFLOW_UNKNOWN_ATTRIBUTE');
    expect(plain.message).toMatch(/^wf\.xml:3: unknown attribute "timeout" on <call>/);

    const extension = failure(
      '<workflow name="w" xmlns:bidrop="https://bidrop.dev/azot-extensions">\n' +
        '  <call name="a"><request url="http://x/" bidrop:save-to="a.pdf"/></call>\n</workflow>',
    );
    expect(extension.code).toBe('WORKFLOW_UNKNOWN_ATTRIBUTE');
    expect(extension.message).toMatch(
      /^wf\.xml:2: unknown attribute "bidrop:save-to" on <request>/,
    );
  });

  it('names a missing required attribute and a bad boolean', () => {
    const missing = failure('<workflow name="w">\n  <loop variableId="v"/>\n</workflow>');
    expect(missing.code).toBe('WORKFLOW_MISSING_ATTRIBUTE');
    expect(missing.message).toMatch(/^wf\.xml:2: <loop> needs a "in" attribute/);

    const bad = failure(
      '<workflow name="w">\n  <workflow filename="x.xml" fork="yes"/>\n</workflow>',
    );
    expect(bad.code).toBe('WORKFLOW_INVALID_ATTRIBUTE');
    expect(bad.message).toMatch(/^wf\.xml:2: "fork" must be true or false/);
  });

  it('refuses a Java plugin, which it cannot run, before any call', () => {
    const error = failure('<workflow name="w">\n  <plugin name="sign"/>\n</workflow>');
    expect(error.code).toBe('WORKFLOW_PLUGIN_UNSUPPORTED');
    expect(error.message).toMatch(/^wf\.xml:2: <plugin name="sign">/);
  });

  it('requires <context> to come first', () => {
    const error = failure(
      '<workflow name="w">\n  <call name="a"><request url="http://x/"/></call>\n  <context/>\n</workflow>',
    );
    expect(error.code).toBe('WORKFLOW_UNKNOWN_ELEMENT');
    expect(error.message).toMatch(/^wf\.xml:3: <context> must come first/);
  });
});

describe('included files are checked before the first call', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => cleanup?.());

  it('names the including file and line when the included file is missing', async () => {
    const tmp = await tempDir({
      'main.xml':
        '<workflow name="m">\n  <call name="a"><request url="http://127.0.0.1:9/"/></call>\n  <workflow filename="missing.xml"/>\n</workflow>',
    });
    cleanup = tmp.cleanup;
    const run = runWorkflow('main.xml', { cwd: tmp.dir });
    await expect(run).rejects.toMatchObject({ code: 'WORKFLOW_FILE_NOT_FOUND' });
    await expect(run).rejects.toThrow(`${join(tmp.dir, 'main.xml')}:3: cannot read workflow`);
  });

  it('reports an error inside an included file with that file and line', async () => {
    const tmp = await tempDir({
      'main.xml': '<workflow name="m">\n  <workflow filename="child.xml"/>\n</workflow>',
      'child.xml': '<workflow name="c">\n\n  <cal name="x"/>\n</workflow>',
    });
    cleanup = tmp.cleanup;
    await expect(runWorkflow('main.xml', { cwd: tmp.dir })).rejects.toThrow(
      `${join(tmp.dir, 'child.xml')}:3: unexpected element <cal>`,
    );
  });

  it('refuses an include cycle', async () => {
    const tmp = await tempDir({
      'a.xml': '<workflow name="a">\n  <workflow filename="b.xml"/>\n</workflow>',
      'b.xml': '<workflow name="b">\n  <workflow filename="a.xml"/>\n</workflow>',
    });
    cleanup = tmp.cleanup;
    await expect(runWorkflow('a.xml', { cwd: tmp.dir })).rejects.toMatchObject({
      code: 'WORKFLOW_INCLUDE_CYCLE',
    });
  });
});
