import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runWorkflow } from '../../src/workflow/index.js';
import { reply, startServer, tempDir, type TestServer } from './helpers.js';

let server: TestServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/missing')
      reply(res, 404, '<error><error_code>WSR 00400</error_code></error>', {
        'Content-Type': 'application/xml',
      });
    else if (req.url === '/boom') reply(res, 503, 'try later', { 'Content-Type': 'text/plain' });
    else reply(res, 200, '<ok><value>7</value></ok>', { 'Content-Type': 'application/xml' });
  });
  tmp = await tempDir();
});

afterAll(async () => {
  await server?.close();
  await tmp?.cleanup();
});

async function run(body: string) {
  const file = join(tmp.dir, `wf-${Math.random().toString(36).slice(2)}.xml`);
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, `<workflow name="checks">\n${body}\n</workflow>`);
  return { file, result: await runWorkflow(file, { cwd: tmp.dir }) };
}

describe('asserts and HTTP statuses decide each call', () => {
  it('passes an assert that holds and fails the first one that does not, with its line', async () => {
    const { file, result } = await run(`  <call name="good">
    <request url="${server.url}/ok"/>
    <response>
      <assert expected="7" actual="\${xpath-eval://value}"/>
      <assert expected="\${meta:HttpCode}" actual="200"/>
    </response>
  </call>
  <call name="bad">
    <request url="${server.url}/ok"/>
    <response>
      <assert expected="8" actual="\${xpath-expr://value/text()}"/>
      <assert expected="never" actual="checked"/>
    </response>
  </call>`);
    expect(result.calls.map((c) => c.outcome)).toEqual(['success', 'failure']);
    expect(result.calls[1]).toMatchObject({
      code: 'WORKFLOW_ASSERT_FAILED',
      message: `${file}:12: assert failed: expected "8", actual "7"`,
    });
    expect(result.ok).toBe(false);
  });

  it('fails a 4xx or 5xx the workflow does not assert, and goes on to the next call', async () => {
    const { file, result } = await run(`  <call name="missing">
    <request url="${server.url}/missing"/>
  </call>
  <call name="down">
    <request url="${server.url}/boom" method="POST"/>
    <response><variable id="v" value="\${xpath-eval://not-xml}"/></response>
  </call>
  <call name="after">
    <request url="${server.url}/ok"/>
  </call>`);
    expect(result.calls.map((c) => [c.outcome, c.status])).toEqual([
      ['failure', 404],
      ['failure', 503],
      ['success', 200],
    ]);
    expect(result.calls[0]?.code).toBe('WORKFLOW_HTTP_STATUS');
    expect(result.calls[0]?.message).toBe(
      `${file}:2: HTTP 404 from GET /missing: <error><error_code>WSR 00400</error_code></error>`,
    );
    expect(result.calls[1]?.message).toBe(`${file}:5: HTTP 503 from POST /boom: try later`);
  });

  it('accepts an error status the workflow asserts', async () => {
    const { result } = await run(`  <call name="expected 404">
    <request url="${server.url}/missing"/>
    <response>
      <variable id="remote" value="\${xpath-eval://error_code}"/>
      <assert expected="404" actual="\${meta:HttpCode}"/>
      <assert expected="WSR 00400" actual="\${remote}"/>
    </response>
  </call>`);
    expect(result.calls[0]).toMatchObject({ outcome: 'success', status: 404 });
  });

  it('counts a network error as an error of that call, not a success', async () => {
    const closed = await startServer(() => undefined);
    const url = closed.url;
    await closed.close();
    const { file, result } = await run(`  <call name="refused">
    <request url="${url}/x"/>
    <response><assert expected="\${meta:HttpCode}" actual="\${meta:HttpCode}"/></response>
  </call>
  <call name="next"><request url="${server.url}/ok"/></call>`);
    expect(result.calls[0]).toMatchObject({ outcome: 'error', code: 'WORKFLOW_NETWORK_ERROR' });
    expect(result.calls[0]?.message).toBe(`${file}:3: GET ${url}/x failed: ECONNREFUSED`);
    expect(result.calls[1]?.outcome).toBe('success');
  });

  it('stops a call whose URL uses an unknown variable, naming the line', async () => {
    const { file, result } = await run(`  <call name="typo">

    <request url="${server.url}/\${documnet}/x"/>
  </call>`);
    expect(result.calls[0]).toMatchObject({
      outcome: 'error',
      code: 'WORKFLOW_UNKNOWN_VARIABLE',
      message: `${file}:4: the URL uses \${documnet}, which no variable defines`,
    });
    expect(server.requests.some((r) => r.url.includes('documnet'))).toBe(false);
  });

  it('reports an XPath capture on a response that is not XML', async () => {
    const { file, result } = await run(`  <call name="text">
    <request url="${server.url}/boom"/>
    <response>
      <assert expected="503" actual="\${meta:HttpCode}"/>
      <variable id="x" value="\${xpath-eval://a}"/>
    </response>
  </call>`);
    expect(result.calls[0]).toMatchObject({ outcome: 'error', code: 'WORKFLOW_RESPONSE_NOT_XML' });
    expect(result.calls[0]?.message).toMatch(new RegExp(`^${file.replace(/[.\\/]/g, '\\$&')}:6: `));
  });
});
