import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { junitReport, runWorkflow, type WorkflowEvent } from '../../src/workflow/index.js';
import { reply, startServer, tempDir, type TestServer } from './helpers.js';

const SESSION = 'JSESSIONID-7781-ABCDEF';
const MARKED = 'plain-looking-value-42';
const API_KEY = 'key-0123456789';
const BASIC = Buffer.from('svc:hunter2-long').toString('base64');

let server: TestServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  server = await startServer((req, res) =>
    reply(res, 200, `<r><echo>${req.headers.authorization ?? ''}</echo><v>${MARKED}</v></r>`, {
      'Content-Type': 'application/xml',
      'Set-Cookie': SESSION,
    }),
  );
  tmp = await tempDir({
    'secrets.xml': `<workflow name="secrets" xmlns:bidrop="https://bidrop.dev/azot-extensions">
  <context><variable id="apiKey" value="${API_KEY}" report="true"/></context>
  <call name="Call">
    <request url="${server.url}/a"><header name="Authorization" value="Basic ${BASIC}"/></request>
    <response>
      <variable id="cookie" value="\${header:Set-Cookie}" report="true"/>
      <variable id="plain" value="\${xpath-eval://v}" bidrop:secret="true" report="true"/>
      <variable id="echo" value="\${xpath-eval://echo}" report="true"/>
      <assert expected="" actual="\${meta:Content} \${apiKey}"/>
    </response>
  </call>
</workflow>`,
  });
});

afterAll(async () => {
  await server?.close();
  await tmp?.cleanup();
});

describe('values bidrop infers to be secrets are redacted everywhere', () => {
  it('masks secret names, secret headers and bidrop:secret in events, results and the report', async () => {
    const events: WorkflowEvent[] = [];
    const result = await runWorkflow('secrets.xml', {
      cwd: tmp.dir,
      onEvent: (e) => events.push(e),
      args: [`notice=me`, 'azot-interactive=true'],
    });

    expect(result.properties).toEqual({
      apiKey: '[redacted]',
      cookie: '[redacted]',
      plain: '[redacted]',
      echo: '[redacted]',
    });
    const text = JSON.stringify(events) + JSON.stringify(result) + junitReport(result);
    for (const secret of [SESSION, MARKED, API_KEY, BASIC]) expect(text).not.toContain(secret);
    expect(result.calls[0]?.message).toContain('actual "<r><echo>[redacted]</echo>');
    expect(events).toContainEqual({
      type: 'notice',
      message: 'azot-interactive is not supported by bidrop and is ignored',
    });
  });
});
