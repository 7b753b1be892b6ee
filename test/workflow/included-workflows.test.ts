import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runWorkflow } from '../../src/workflow/index.js';
import { reply, startServer, tempDir, type TestServer } from './helpers.js';

let server: TestServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  server = await startServer(async (req, res) => {
    if (req.url.startsWith('/slow')) await new Promise((r) => setTimeout(r, 100));
    reply(res, 200, '<r><v>from-child</v></r>', { 'Content-Type': 'application/xml' });
  });
  tmp = await tempDir({
    'main.xml': `<workflow name="main">
  <context>
    <variable id="base" value="${server.url}"/>
    <variable id="shared" value="parent"/>
  </context>
  <workflow filename="child.xml">
    <variable id="doc" value="\${shared}-42"/>
  </workflow>
  <call name="Parent sees">
    <request url="\${base}/parent?shared=\${shared}">
      <header name="X-Own" value="\${own}"/>
    </request>
  </call>
  <workflow filename="slow.xml" fork="true"/>
  <call name="Parent goes on">
    <request url="\${base}/fast"/>
  </call>
</workflow>`,
    'child.xml': `<workflow name="child">
  <context>
    <variable id="doc" value="child default" overwrite="false"/>
    <variable id="own" value="mine"/>
  </context>
  <call name="Child">
    <request url="\${base}/child?doc=\${doc}"/>
    <response>
      <variable id="shared" value="\${xpath-eval://v}"/>
      <variable id="own" value="changed"/>
    </response>
  </call>
</workflow>`,
    'slow.xml': `<workflow name="slow">
  <call name="Forked"><request url="\${base}/slow?shared=\${shared}"/></call>
</workflow>`,
  });
});

afterAll(async () => {
  await server?.close();
  await tmp?.cleanup();
});

describe('<workflow filename> includes another workflow', () => {
  it('passes variables down, shares inherited ones, and waits for forks', async () => {
    const result = await runWorkflow('main.xml', { cwd: tmp.dir });
    const urls = server.requests.map((r) => decodeURIComponent(r.url));

    // overwrite="false" in the child lets the value passed down by the parent win.
    expect(urls[0]).toBe('/child?doc=parent-42');
    // A write to an inherited variable reaches the parent; the child's own variable does not.
    expect(urls[1]).toBe('/parent?shared=from-child');
    expect(server.requests[1]?.headers['x-own']).toBe('${own}');
    // The fork runs alongside: "Parent goes on" finished while the forked call was still waiting,
    // and the run waited for the fork before returning.
    expect([...urls.slice(2)].sort()).toEqual(['/fast', '/slow?shared=from-child']);
    const forked = result.calls.find((c) => c.name === 'Forked');
    const parent = result.calls.find((c) => c.name === 'Parent goes on');
    expect(forked?.endTime).toBeGreaterThanOrEqual((parent?.endTime ?? 0) + 50);
    expect(result.endTime).toBeGreaterThanOrEqual(forked?.endTime ?? Infinity);
    expect(result.calls.map((c) => [c.workflow, c.name])).toEqual([
      ['child', 'Child'],
      ['main', 'Parent sees'],
      ['slow', 'Forked'],
      ['main', 'Parent goes on'],
    ]);
    expect(result.ok).toBe(true);
  });
});
