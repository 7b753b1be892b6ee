import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runWorkflow, type WorkflowEvent } from '../../src/workflow/index.js';
import { reply, startServer, tempDir, type TestServer } from './helpers.js';

const TOKEN = 'host:6400@{3&2=575842,U3&2v=host:6400}';

const LOGON_BODY = `<entry xmlns="http://www.w3.org/2005/Atom">
  <title type="text">Logon Result</title>
  <content type="application/xml">
    <attrs xmlns="http://www.sap.com/rws/bip">
      <attr name="logonToken" type="string">${TOKEN.replace(/&/g, '&amp;')}</attr>
    </attrs>
  </content>
</entry>`;

const DOCUMENTS = `<documents>
  <document><id>11</id><name>Sales</name></document>
  <document><id>12</id><name>Stock</name></document>
</documents>`;

let server: TestServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = req.url.split('?')[0];
    if (path === '/biprws/logon/long') {
      reply(res, 200, LOGON_BODY, {
        'Content-Type': 'application/xml;charset=utf-8',
        'X-SAP-LogonToken': `"${TOKEN}"`,
      });
    } else if (path === '/biprws/raylight/v1/documents') {
      reply(res, 200, DOCUMENTS, { 'Content-Type': 'text/xml' });
    } else if (path === '/json') {
      reply(res, 200, '{"answer":"forty-two"}', { 'Content-Type': 'application/json' });
    } else {
      reply(res, 200, 'ok', { 'Content-Type': 'text/plain' });
    }
  });
  tmp = await tempDir({
    'flow.xml': `<workflow name="flow">
  <context>
    <variable id="bo" value="${server.url}/biprws"/>
    <variable id="docs" value="\${bo}/raylight/v1/documents" report="true"/>
  </context>
  <call name="Logon as \${user}">
    <request url="\${bo}/logon/long" method="POST">
      <header name="Content-Type" value="application/xml"/>
      <content><![CDATA[
        <attrs xmlns="http://www.sap.com/rws/bip">
          <attr name="userName" type="string">\${user}</attr>
          <attr name="password" type="string">\${password}</attr>
        </attrs>
      ]]></content>
      <content>a second content is not sent</content>
    </request>
    <response>
      <variable id="quoted" value="\${header:X-SAP-LogonToken}"/>
      <variable id="bodyToken" value="\${xpath-eval://attr[@name='logonToken']}"/>
      <variable id="code" value="\${meta:HttpCode}" report="true"/>
      <variable id="statusLine" value="\${meta:Status}" report="true"/>
      <variable id="bare" value="\${azot-replace:'\${header:X-SAP-LogonToken}','&quot;',''}"/>
    </response>
  </call>
  <call name="List">
    <request url="\${docs}">
      <header name="X-SAP-LogonToken" value="\${quoted}"/>
    </request>
    <response>
      <variable id="ids" value="\${xpath-expr://document/id/text()}" report="true"/>
      <variable id="firstName" value="\${xpath-eval:string(//document[id='\${first}']/name)}" report="true"/>
    </response>
  </call>
  <call name="Namespaces">
    <request url="\${bo}/logon/long" method="POST"/>
    <response namespaceAware="true">
      <variable id="atomPrefix" value="\${meta:NameSpace:http://www.w3.org/2005/Atom}" report="true"/>
      <variable id="title" value="\${xpath-eval:string(//azotns0:title)}" report="true"/>
    </response>
  </call>
  <call name="Json">
    <request url="${server.url}/json"/>
    <response>
      <variable id="json" value="\${meta:Content}" report="true"/>
      <variable id="replaced" value="\${azot-replace:'\${meta:Content}','forty-two','42'}" report="true"/>
    </response>
  </call>
  <call name="Echo">
    <request url="${server.url}/echo?ids=\${ids}&amp;bare=\${bare}&amp;body=\${bodyToken}" method="PUT">
      <header name="X-Ids" value="\${ids}"/>
      <header name="X-Unknown" value="\${nobody}"/>
    </request>
  </call>
</workflow>`,
  });
});

afterAll(async () => {
  await server?.close();
  await tmp?.cleanup();
});

describe('calls feed their captures to the next ones', () => {
  it('sends each request and captures headers, XPath, meta values and replacements', async () => {
    const events: WorkflowEvent[] = [];
    const result = await runWorkflow('flow.xml', {
      cwd: tmp.dir,
      args: ['user=Administrator', 'password=Pass=word1', 'first=12'],
      onEvent: (event) => events.push(event),
    });

    expect(result.calls.map((c) => [c.name, c.outcome, c.status])).toEqual([
      ['Logon as Administrator', 'success', 200],
      ['List', 'success', 200],
      ['Namespaces', 'success', 200],
      ['Json', 'success', 200],
      ['Echo', 'success', 200],
    ]);
    expect(result.ok).toBe(true);

    const [logon, list, , , echo] = server.requests;
    expect(logon?.method).toBe('POST');
    expect(logon?.headers['content-type']).toBe('application/xml');
    // The first <content> only, trimmed, with the variables in it; the '=' inside the password kept.
    expect(logon?.body.toString()).toMatch(/^<attrs xmlns=/);
    expect(logon?.body.toString()).toContain(
      '<attr name="password" type="string">Pass=word1</attr>',
    );
    expect(logon?.body.toString()).not.toContain('second content');

    expect(list?.url).toBe('/biprws/raylight/v1/documents');
    expect(list?.headers['x-sap-logontoken']).toBe(`"${TOKEN}"`);

    const query = new URL(echo?.url ?? '', server.url).searchParams;
    expect(query.get('ids')).toBe('11 12');
    expect(query.get('bare')).toBe(TOKEN.split('&')[0]);
    expect(decodeURI(echo?.url ?? '')).toContain(`bare=${TOKEN}&`);
    expect(decodeURI(echo?.url ?? '')).toContain(`body=${TOKEN}`);
    expect(echo?.method).toBe('PUT');
    expect(echo?.headers['x-ids']).toBe('11 12');
    // An unknown variable outside the URL is left as written, as Azot does.
    expect(echo?.headers['x-unknown']).toBe('${nobody}');

    expect(result.properties).toEqual({
      docs: `${server.url}/biprws/raylight/v1/documents`,
      code: '200',
      statusLine: 'HTTP/1.1 200 OK',
      ids: '11 12',
      firstName: 'Stock',
      atomPrefix: 'azotns0',
      title: 'Logon Result',
      json: '{"answer":"forty-two"}',
      replaced: '{"answer":"42"}',
    });
    expect(events.filter((e) => e.type === 'call-end')).toHaveLength(5);
    expect(events[0]).toMatchObject({ type: 'workflow-start', name: 'flow', depth: 0 });
  });
});
