import { describe, expect, it } from 'vitest';

import { demoCredentials } from '../../../src/emulators/bi/index.js';
import { call, emulator, JSON_HEADERS } from './helpers.js';

const xmlLogon = (user: string, password: string, auth = 'secEnterprise'): string =>
  `<attrs xmlns="http://www.sap.com/rws/bip"><attr name="userName" type="string">${user}</attr>` +
  `<attr name="password" type="string">${password}</attr>` +
  `<attr name="auth" type="string" possibilities="secEnterprise,secLDAP,secWinAD,secSAPR3">${auth}</attr></attrs>`;

describe('logon', () => {
  it('returns the token quoted in the header and bare in the JSON body', async () => {
    const emu = await emulator();
    const res = await fetch(`${emu.url}/logon/long`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        userName: 'Administrator',
        password: demoCredentials.password,
        auth: 'secEnterprise',
      }),
    });
    expect(res.status).toBe(200);
    const header = res.headers.get('x-sap-logontoken') ?? '';
    const body = (await res.json()) as { logonToken: string };
    expect(header).toBe(`"${body.logonToken}"`);
    expect(body.logonToken).toMatch(/@\{.*secEnterprise:Administrator/);
    expect(emu.stats()).toMatchObject({ openSessions: 1, logons: 1 });
  });

  it('serves the XML template and logs on with an XML body, answering an Atom entry', async () => {
    const emu = await emulator();
    const template = await fetch(`${emu.url}/logon/long`);
    const text = await template.text();
    expect(template.headers.get('content-type')).toMatch(/application\/xml/);
    expect(text).toContain('<attr name="userName" type="string"/>');
    expect(text).toContain('possibilities="secEnterprise,secLDAP,secWinAD,secSAPR3"');

    const res = await fetch(`${emu.url}/logon/long`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml', Accept: 'application/xml' },
      body: xmlLogon('Administrator', demoCredentials.password),
    });
    const xml = await res.text();
    expect(res.status).toBe(200);
    expect(xml).toContain('<title type="text">Logon Result</title>');
    const bodyToken = /<attr name="logonToken" type="string">([^<]+)<\/attr>/.exec(xml)?.[1] ?? '';
    // The body copy is XML-escaped; the header copy is not.
    const header = res.headers.get('x-sap-logontoken') ?? '';
    expect(bodyToken).toContain('&amp;');
    expect(header).toBe(`"${bodyToken.replace(/&amp;/g, '&')}"`);
  });

  it('sniffs an XML body sent without Content-Type and answers XML without Accept', async () => {
    const emu = await emulator();
    const res = await fetch(`${emu.url}/v1/logon/long`, {
      method: 'POST',
      body: xmlLogon('Administrator', demoCredentials.password, 'secLDAP'),
      headers: { 'Content-Type': '' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<entry xmlns="http://www.w3.org/2005/Atom">');
  });

  it.each(['secEnterprise', 'secLDAP', 'secWinAD', 'secSAPR3'])('accepts auth %s', async (auth) => {
    const emu = await emulator({ users: { alice: 's3cret' } });
    const res = await call(emu, undefined, '/logon/long', {
      method: 'POST',
      body: { userName: 'alice', password: 's3cret', auth },
    });
    expect(res.status).toBe(200);
  });

  it('refuses a bad password with 401 FWB 00008 in the platform envelope (JSON and XML)', async () => {
    const emu = await emulator();
    const res = await call(emu, undefined, '/logon/long', {
      method: 'POST',
      body: { userName: 'Administrator', password: 'wrong', auth: 'secEnterprise' },
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, string>;
    expect(body.error_code).toBe('FWB 00008');
    expect(body.message).toMatch(/logon information is correct\. \(FWB 00008\)$/);
    expect(JSON.stringify(body)).not.toContain('wrong');

    const xml = await fetch(`${emu.url}/logon/long`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml', Accept: 'application/xml' },
      body: xmlLogon('Administrator', 'wrong'),
    });
    expect(xml.status).toBe(401);
    expect(await xml.text()).toMatch(/<error><error_code>FWB 00008<\/error_code><message>/);
    expect(emu.stats()).toMatchObject({ openSessions: 0, logons: 0 });
  });

  it('refuses an unknown user and an unknown auth type', async () => {
    const emu = await emulator();
    for (const body of [
      { userName: 'nobody', password: demoCredentials.password },
      { userName: 'Administrator', password: demoCredentials.password, auth: 'secOther' },
    ]) {
      const res = await call(emu, undefined, '/logon/long', { method: 'POST', body });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error_code: string }).error_code).toBe('FWB 00008');
    }
  });

  it('reads an XML password exactly: entities decoded, spaces kept', async () => {
    const emu = await emulator({ users: { bob: ' p&ss <1> ' } });
    const send = (password: string): Promise<Response> =>
      fetch(`${emu.url}/logon/long`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/xml' },
        body: `<attrs xmlns="http://www.sap.com/rws/bip">\n  <attr name="userName" type="string">bob</attr>\n  <attr name="password" type="string">${password}</attr>\n</attrs>`,
      });
    expect((await send(' p&amp;ss &lt;1&gt; ')).status).toBe(200);
    expect((await send('p&amp;ss &lt;1&gt;')).status).toBe(401);
  });

  it('defaults auth to secEnterprise when omitted', async () => {
    const emu = await emulator();
    const res = await call(emu, undefined, '/logon/long', {
      method: 'POST',
      body: { userName: 'Administrator', password: demoCredentials.password },
    });
    expect(res.status).toBe(200);
  });
});
