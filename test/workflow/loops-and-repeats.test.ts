import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runWorkflow } from '../../src/workflow/index.js';
import { reply, startServer, tempDir, type TestServer } from './helpers.js';

let server: TestServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/folder') {
      reply(res, 200, '<docs><doc id="4"/><doc id="5"/><doc id="6"/></docs>', {
        'Content-Type': 'application/xml',
      });
    } else {
      reply(res, 200, `<echo>${req.url}</echo>`, { 'Content-Type': 'application/xml' });
    }
  });
  tmp = await tempDir({
    'loops.xml': `<workflow name="loops">
  <context><variable id="n" value="2"/></context>
  <call name="Folder">
    <request url="${server.url}/folder"/>
    <response><variable id="ids" value="\${xpath-expr://doc/@id}"/></response>
  </call>
  <loop in="\${ids}" variableId="doc">
    <call name="Doc \${doc}">
      <request url="${server.url}/doc/\${doc}" method="POST">
        <header name="X-Doc" value="\${doc}"/>
        <content>id=\${doc}</content>
      </request>
      <response><variable id="last" value="\${xpath-eval://echo}"/></response>
    </call>
    <repeat times="\${n}" variableId="page">
      <call name="Page \${doc}.\${page}">
        <request url="${server.url}/doc/\${doc}/page/\${page}"/>
      </call>
    </repeat>
  </loop>
  <call name="After">
    <request url="${server.url}/after?last=\${last}"/>
    <response><variable id="leftover" value="\${doc}" report="true"/></response>
  </call>
</workflow>`,
    'bad-repeat.xml': `<workflow name="bad">
  <repeat times="\${count}" variableId="i">
    <call name="x"><request url="${server.url}/x"/></call>
  </repeat>
</workflow>`,
  });
});

afterAll(async () => {
  await server?.close();
  await tmp?.cleanup();
});

describe('loop and repeat', () => {
  it('iterates over a captured list and a counted range, expanding every value per turn', async () => {
    const result = await runWorkflow('loops.xml', { cwd: tmp.dir });

    expect(result.calls.map((c) => c.name)).toEqual([
      'Folder',
      'Doc 4',
      'Page 4.0',
      'Page 4.1',
      'Doc 5',
      'Page 5.0',
      'Page 5.1',
      'Doc 6',
      'Page 6.0',
      'Page 6.1',
      'After',
    ]);
    expect(result.calls.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    // Headers and bodies follow the loop variable (the original kept the first turn's values).
    const posts = server.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => [r.headers['x-doc'], r.body.toString()])).toEqual([
      ['4', 'id=4'],
      ['5', 'id=5'],
      ['6', 'id=6'],
    ]);
    // A capture made inside the loop outlives it; the loop variable does not.
    expect(server.requests.at(-1)?.url).toBe('/after?last=/doc/6');
    expect(result.properties).toEqual({ leftover: '${doc}' });
  });

  it('refuses a repeat count that is not a number, with its line', async () => {
    await expect(runWorkflow('bad-repeat.xml', { cwd: tmp.dir })).rejects.toMatchObject({
      code: 'WORKFLOW_INVALID_NUMBER',
      message: expect.stringMatching(
        /bad-repeat\.xml:2: <repeat times="\$\{count\}"> is "\$\{count\}"/,
      ),
    });
    await expect(
      runWorkflow('bad-repeat.xml', { cwd: tmp.dir, args: ['count=1'] }),
    ).resolves.toMatchObject({ ok: true });
  });
});
