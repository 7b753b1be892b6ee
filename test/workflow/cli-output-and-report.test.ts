import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { reply, startServer, tempDir, type TestServer } from './helpers.js';

const run = promisify(execFile);
const BIN = resolve('bin/bidrop.js');
const PASSWORD = 'Sup3r-Secret-Pw';
const TOKEN = 'host:6400@{3&2=9911,U3&2v=host:6400,UP&66=60}';
const ACCESS = 'sl.u.AAAABBBBCCCCDDDD';

let server: TestServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/logon/long') {
      reply(
        res,
        200,
        `<attrs xmlns="http://www.sap.com/rws/bip"><attr name="logonToken">${TOKEN.replace(/&/g, '&amp;')}</attr></attrs>`,
        { 'Content-Type': 'application/xml', 'X-SAP-LogonToken': `"${TOKEN}"` },
      );
    } else {
      const echoed = String(req.headers['x-sap-logontoken'] ?? '').replace(/&/g, '&amp;');
      reply(res, 200, `<echo>${echoed}</echo>`, {
        'Content-Type': 'application/xml',
      });
    }
  });
  tmp = await tempDir({
    'login.xml': `<workflow name="login">
  <context><variable id="bo" value="${server.url}" report="true"/></context>
  <call name="Logon">
    <request url="\${bo}/logon/long" method="POST">
      <content><![CDATA[<attrs><attr name="password">\${password}</attr></attrs>]]></content>
    </request>
    <response>
      <variable id="session" value="\${header:X-SAP-LogonToken}" report="true"/>
    </response>
  </call>
  <call name="Use">
    <request url="\${bo}/use">
      <header name="X-SAP-LogonToken" value="\${session}"/>
      <header name="Authorization" value="Bearer \${dropbox}"/>
    </request>
    <response>
      <assert expected="nothing" actual="\${meta:Content}"/>
    </response>
  </call>
</workflow>`,
  });
});

afterAll(async () => {
  await server?.close();
  await tmp?.cleanup();
});

function leaks(text: string): string[] {
  const secrets = [PASSWORD, TOKEN, TOKEN.replace(/&/g, '&amp;'), ACCESS, '9911'];
  return secrets.filter((secret) => text.includes(secret));
}

describe('bidrop workflow run', () => {
  it('prints each call, exits 1 on a failed call, writes the JUnit report, and leaks no secret', async () => {
    const failed = await run(
      process.execPath,
      [
        BIN,
        '--debug',
        'workflow',
        'run',
        'login.xml',
        `password=${PASSWORD}`,
        `dropbox=${ACCESS}`,
        '--report',
        'junit.xml',
      ],
      { cwd: tmp.dir },
    ).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    const stdout = failed?.stdout ?? '';
    expect(stdout).toMatch(
      /ok {3}000 Logon\s+POST {3}200 {2}\d+ ms {2}http:\/\/127\.0\.0\.1:\d+\/logon\/long/,
    );
    expect(stdout).toMatch(/FAIL 001 Use\s+GET {4}200/);
    expect(stdout).toContain('WORKFLOW_ASSERT_FAILED: ');
    expect(stdout).toContain(
      'login.xml:17: assert failed: expected "nothing", actual "<echo>[redacted]</echo>"',
    );
    expect(stdout).toContain('2 calls: 1 passed, 1 failed, 0 errors');

    // The server did receive the real values.
    expect(server.requests[0]?.body.toString()).toContain(PASSWORD);
    expect(server.requests[1]?.headers.authorization).toBe(`Bearer ${ACCESS}`);

    const report = await readFile(join(tmp.dir, 'junit.xml'), 'utf8');
    expect(leaks(stdout)).toEqual([]);
    expect(leaks(failed?.stderr ?? '')).toEqual([]);
    expect(leaks(report)).toEqual([]);
    expect(failed?.stderr).toContain('variable captured');

    const suite = new DOMParser().parseFromString(report, 'text/xml').documentElement as Element;
    expect(suite.nodeName).toBe('testsuite');
    expect(['name', 'tests', 'failures', 'errors'].map((a) => suite.getAttribute(a))).toEqual([
      'login',
      '2',
      '1',
      '0',
    ]);
    const cases = suite.getElementsByTagName('testcase');
    expect(cases.length).toBe(2);
    expect(cases[0]?.getAttribute('classname')).toBe('login.000_Logon');
    expect(cases[0]?.getAttribute('callName')).toBe('Logon');
    expect(cases[0]?.getAttribute('name')).toBe(`${server.url}/logon/long`);
    expect(Number(cases[1]?.getAttribute('callEndTime'))).toBeGreaterThanOrEqual(
      Number(cases[1]?.getAttribute('callStartTime')),
    );
    const failure = cases[1]?.getElementsByTagName('failure')[0];
    expect(failure?.getAttribute('type')).toBe('WORKFLOW_ASSERT_FAILED');
    const properties = [...Array.from(suite.getElementsByTagName('property'))].map((p) => [
      p.getAttribute('name'),
      p.getAttribute('value'),
    ]);
    expect(properties).toEqual([
      ['bo', server.url],
      ['session', '[redacted]'],
    ]);
  });

  it('exits with the coded error and its line for an invalid workflow', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      join(tmp.dir, 'bad.xml'),
      '<workflow name="bad">\n  <call name="x" retries="3"/>\n</workflow>',
    );
    const error = await run(process.execPath, [BIN, 'workflow', 'run', 'bad.xml'], {
      cwd: tmp.dir,
    }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(1);
    expect(error?.stderr).toContain(
      `bidrop: WORKFLOW_UNKNOWN_ATTRIBUTE: ${join(tmp.dir, 'bad.xml')}:2: unknown attribute "retries" on <call>`,
    );
  });
});
