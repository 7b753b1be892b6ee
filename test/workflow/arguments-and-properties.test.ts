import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { argumentVariables, parseProperties, runWorkflow } from '../../src/workflow/index.js';
import { reply, startServer, tempDir, type TestServer } from './helpers.js';

describe('command-line arguments', () => {
  it('keeps every "=" after the first in a value and names bare values by position', () => {
    const vars = argumentVariables('wf.xml', ['token=a=b==', 'positional', 'x=', '=odd']);
    expect([...vars]).toEqual([
      ['0', 'wf.xml'],
      ['token', 'a=b=='],
      ['2', 'positional'],
      ['x', ''],
      ['4', '=odd'],
    ]);
  });
});

describe('azot.properties', () => {
  it('reads the Java properties format', () => {
    const props = parseProperties(
      '# comment\n! also a comment\nbo = http://h:6405/biprws\nuser:Administrator\nspaced value\n' +
        'multi=one \\\n    two\nescaped=a\\tb\\u0041\\\\\nkey\\=with=equals\n',
    );
    expect(Object.fromEntries(props)).toEqual({
      bo: 'http://h:6405/biprws',
      user: 'Administrator',
      spaced: 'value',
      multi: 'one two',
      escaped: 'a\tbA\\',
      'key=with': 'equals',
    });
  });
});

describe('where variables come from, and which wins', () => {
  let server: TestServer;
  let tmp: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    server = await startServer((_req, res) =>
      reply(res, 200, 'ok', { 'Content-Type': 'text/plain' }),
    );
    tmp = await tempDir({
      'azot.properties': `base=${server.url}\nfromProps=props\nfixed=props\ndefaulted=props\n`,
      'wf.xml': `<workflow name="sources">
  <context>
    <variable id="fixed" value="context"/>
    <variable id="defaulted" value="context" overwrite="false" report="true"/>
    <variable id="derived" value="\${fromProps}+\${1}"/>
  </context>
  <call name="Show">
    <request url="\${base}/show">
      <header name="X-Values" value="\${fromProps} \${fromArgs} \${fixed} \${defaulted} \${derived} \${0}"/>
    </request>
    <response>
      <variable id="fixed" value="captured" overwrite="false"/>
      <variable id="fromArgs" value="captured"/>
    </response>
  </call>
  <call name="Again">
    <request url="\${base}/again">
      <header name="X-Values" value="\${fixed} \${fromArgs}"/>
    </request>
  </call>
</workflow>`,
    });
  });

  afterAll(async () => {
    await server?.close();
    await tmp?.cleanup();
  });

  it('applies properties, then arguments, then the context (overwrite="false" yields)', async () => {
    const result = await runWorkflow('wf.xml', {
      cwd: tmp.dir,
      args: ['first', 'fromArgs=args', 'defaulted=args'],
    });
    expect(result.ok).toBe(true);
    expect(server.requests[0]?.headers['x-values']).toBe(
      'props args context args props+first wf.xml',
    );
    expect(server.requests[1]?.headers['x-values']).toBe('context captured');
    // A declaration that yields still reports the value it yielded to.
    expect(result.properties).toEqual({ defaulted: 'args' });
  });
});
