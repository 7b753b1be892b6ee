import { describe, expect, it } from 'vitest';

import { answer, call, callJson, emulator, list, logon } from './helpers.js';

describe('prompts and refresh', () => {
  it('lists a single-value and a multi-value prompt with their lists of values', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const { status, body } = await callJson(emu, token, '/raylight/v1/documents/6001/parameters');
    expect(status).toBe(200);
    const [region, productLine] = list(body.parameters.parameter);
    expect(region).toMatchObject({
      '@optional': 'false',
      '@type': 'prompt',
      '@dpId': 'DP0',
      id: 0,
      name: 'Region',
      answer: { '@type': 'Text', info: { '@cardinality': 'Single' } },
    });
    expect(list(region.answer.info.lov.values.value)).toContainEqual({ '@id': '0', $: 'EMEA' });
    expect(productLine.answer.info['@cardinality']).toBe('Multiple');

    const noLov = await callJson(
      emu,
      token,
      '/raylight/v1/documents/6001/parameters?lovInfo=false',
    );
    expect(list(noLov.body.parameters.parameter)[0].answer.info.lov).toBeUndefined();
  });

  it('gives an empty parameters element for a document without prompts', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const res = await call(emu, token, '/raylight/v1/documents/6003/parameters', {
      accept: 'application/xml',
    });
    expect(await res.text()).toMatch(/<parameters\/>$/);
  });

  it('answers the pending prompts until all are answered, then success', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const partial = await answer(emu, token, 6001, { 0: 'EMEA' });
    expect(partial.status).toBe(200);
    expect(partial.body.parameters.parameter).toMatchObject({ id: 1, name: 'Product Line' });

    const done = await answer(emu, token, 6001, { 1: ['Bikes', 'Services'] });
    expect(done.body.success).toMatchObject({
      id: '6001',
      details: { property: [{ '@key': 'allDataprovidersRefreshed', $: 'true' }] },
    });
  });

  it('answers a PUT without body on a prompted document with its parameters', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const res = await callJson(emu, token, '/raylight/v1/documents/6004/parameters', {
      method: 'PUT',
    });
    expect(res.status).toBe(200);
    expect(res.body.parameters.parameter.name).toBe('Region');
  });

  it('refuses an empty answer to a mandatory prompt with 400 WSR 00100', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const res = await callJson(emu, token, '/raylight/v1/documents/6004/parameters', {
      method: 'PUT',
      body: { parameters: { parameter: { id: 0, answer: {} } } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.error_code).toBe('WSR 00100');
    expect(res.body.error.message).toMatch(/"Region" has no answer/);
  });

  it('refuses two values for a single-value prompt (WSR 00100) and an unknown prompt (WSR 00101)', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const two = await answer(emu, token, 6004, { 0: ['EMEA', 'APAC'] });
    expect(two.status).toBe(400);
    expect(two.body.error.error_code).toBe('WSR 00100');
    const unknown = await answer(emu, token, 6004, { 7: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.error_code).toBe('WSR 00101');
  });

  it('takes XML answers (no Content-Type) and LOV entries by id', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const res = await fetch(`${emu.url}/raylight/v1/documents/6001/parameters`, {
      method: 'PUT',
      headers: { 'X-SAP-LogonToken': token, Accept: 'application/xml', 'Content-Type': '' },
      body:
        '<parameters><parameter><id>0</id><answer><values><value>APAC</value></values></answer></parameter>' +
        '<parameter><id>1</id><answer><values><value id="1"/><value>Clothing</value></values></answer></parameter></parameters>',
    });
    expect(await res.text()).toContain('<success>');

    const params = await callJson(emu, token, '/raylight/v1/documents/6001/parameters');
    const [region, productLine] = list(params.body.parameters.parameter);
    expect(region.answer.values.value).toBe('APAC');
    expect(productLine.answer.values.value).toEqual(['Bikes', 'Clothing']);
  });

  it('refuses an XML body with a document type declaration', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const res = await call(emu, token, '/raylight/v1/documents/6004/parameters', {
      method: 'PUT',
      body:
        '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>' +
        '<parameters><parameter><id>0</id><answer><values><value>&x;</value></values></answer></parameter></parameters>',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { error_code: string } }).error.error_code).toBe(
      'WSR 00102',
    );
  });
});
