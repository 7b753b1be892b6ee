import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runWorkflow } from '../../src/workflow/index.js';
import { reply, startServer, tempDir, type TestServer } from './helpers.js';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3 * 1024 * 1024)]);
const REPORT = Buffer.from('col1;col2\n1;2\n');

let server: TestServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/export') reply(res, 200, PDF, { 'Content-Type': 'application/pdf' });
    else if (req.url === '/gone')
      reply(res, 404, 'no such document', { 'Content-Type': 'text/plain' });
    else reply(res, 200, '{"ok":true}', { 'Content-Type': 'application/json' });
  });
  tmp = await tempDir({ 'report.csv': REPORT, 'note.txt': 'hello' });
});

afterAll(async () => {
  await server?.close();
  await tmp?.cleanup();
});

async function write(name: string, body: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(
    join(tmp.dir, name),
    `<workflow name="files" xmlns:bidrop="https://bidrop.dev/azot-extensions">\n${body}\n</workflow>`,
  );
}

describe('binary bodies go to and come from files', () => {
  it('saves an export with bidrop:save-to and uploads a file with bidrop:body-file', async () => {
    await write(
      'transfer.xml',
      `  <call name="Export">
    <request url="${server.url}/export"><header name="Accept" value="application/pdf"/></request>
    <response bidrop:save-to="out/\${name}.pdf">
      <variable id="pdf" value="\${azot-dump-filepath}"/>
    </response>
  </call>
  <call name="Upload">
    <request url="${server.url}/upload" method="POST" bidrop:body-file="\${pdf}">
      <header name="Content-Type" value="application/octet-stream"/>
      <header name="Dropbox-API-Arg" value='{"path":"/Reports/\${name}.pdf"}'/>
    </request>
  </call>
  <call name="Not saved on error">
    <request url="${server.url}/gone"/>
    <response bidrop:save-to="out/gone.pdf"/>
  </call>`,
    );
    const result = await runWorkflow('transfer.xml', { cwd: tmp.dir, args: ['name=sales'] });

    const saved = join(tmp.dir, 'out', 'sales.pdf');
    expect(result.calls[0]).toMatchObject({
      outcome: 'success',
      savedPath: saved,
      bytes: PDF.length,
    });
    expect((await readFile(saved)).equals(PDF)).toBe(true);

    const upload = server.requests.find((r) => r.url === '/upload');
    expect(upload?.headers['content-length']).toBe(String(PDF.length));
    expect(upload?.headers['dropbox-api-arg']).toBe('{"path":"/Reports/sales.pdf"}');
    expect(upload?.body.equals(PDF)).toBe(true);

    expect(result.calls[2]).toMatchObject({ outcome: 'failure', code: 'WORKFLOW_HTTP_STATUS' });
    expect(existsSync(join(tmp.dir, 'out', 'gone.pdf'))).toBe(false);
    expect(existsSync(join(tmp.dir, 'out', 'gone.pdf.partial'))).toBe(false);
  });

  it('sends <content> and <external-content> as a well-formed multipart body', async () => {
    await write(
      'multipart.xml',
      `  <call name="Multipart">
    <request url="${server.url}/form" method="POST">
      <header name="Content-Type" value="multipart/form-data"/>
      <content name="meta" type="application/json">{"doc":"\${doc}"}</content>
      <external-content name="file" type="text/csv" filename="report.csv"/>
    </request>
  </call>`,
    );
    const result = await runWorkflow('multipart.xml', { cwd: tmp.dir, args: ['doc=7'] });
    expect(result.ok).toBe(true);

    const form = server.requests.find((r) => r.url === '/form');
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(
      form?.headers['content-type'] ?? '',
    )?.[1];
    expect(boundary).toBeDefined();
    expect(form?.body.toString()).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n{"doc":"7"}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="report.csv"\r\nContent-Type: text/csv\r\n\r\n${REPORT.toString()}\r\n` +
        `--${boundary}--\r\n`,
    );
    expect(form?.headers['content-length']).toBe(String(form?.body.length));
  });

  it('names the line of a file to send that does not exist', async () => {
    await write(
      'missing.xml',
      `  <call name="Upload">\n    <request url="${server.url}/upload" method="POST" bidrop:body-file="nope.pdf"/>\n  </call>`,
    );
    const result = await runWorkflow('missing.xml', { cwd: tmp.dir });
    expect(result.calls[0]).toMatchObject({ outcome: 'error', code: 'WORKFLOW_FILE_NOT_FOUND' });
    expect(result.calls[0]?.message).toBe(
      `${join(tmp.dir, 'missing.xml')}:3: the file to send does not exist: ${join(tmp.dir, 'nope.pdf')}`,
    );
  });

  it('dumps every response body and the report with azot-dump and azot-report, as the original does', async () => {
    await write(
      'dump.xml',
      `  <call name="Export"><request url="${server.url}/export"/>
    <response><variable id="path" value="\${azot-dump-filepath}" report="true"/></response>
  </call>
  <call name="Json"><request url="${server.url}/json"/></call>`,
    );
    const result = await runWorkflow('dump.xml', {
      cwd: tmp.dir,
      args: ['azot-dump=true', 'azot-report=true', 'azot-output-directory=dumps'],
    });
    const [folder] = await readdir(join(tmp.dir, 'dumps'));
    expect(folder).toMatch(/^workflow_\d+$/);
    const files = (await readdir(join(tmp.dir, 'dumps', folder ?? ''))).sort();
    expect(files).toEqual(['call_0_response.pdf', 'call_1_response.out', 'report.xml']);
    const report = await readFile(join(tmp.dir, 'dumps', folder ?? '', 'report.xml'), 'utf8');
    expect(report).toMatch(/<testsuite errors="0" failures="0" [^>]*name="files" tests="2"/);
    expect(result.properties.path).toBe(
      join(tmp.dir, 'dumps', folder ?? '', 'call_0_response.pdf'),
    );
    expect(
      await readFile(join(tmp.dir, 'dumps', folder ?? '', 'call_1_response.out'), 'utf8'),
    ).toBe('{"ok":true}');
  });
});
