import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, type BiSource } from '../../src/bi/index.js';
import { connectionTo, quickRetry, startFakeBi, type FakeBi } from './fake-bi.js';
import { installFakeDocument } from './fake-document.js';

let fake: FakeBi;
let source: BiSource;

afterEach(async () => {
  await source.close();
  expect(fake.sessions.size).toBe(0);
  await fake.close();
});

async function setUp() {
  fake = await startFakeBi();
  const doc = installFakeDocument(fake);
  source = createBiSource(connectionTo(fake), { retry: quickRetry });
  return doc;
}

const exportWith = (prompts: Record<string, string[]>) =>
  source.export({ document: { kind: 'id', id: 101 }, format: 'pdf', prompts });

describe('prompt answers', () => {
  it('lists prompts with their lists of values and the cascading dependency', async () => {
    const doc = await setUp();
    expect(await source.listPrompts({ kind: 'id', id: 101 })).toEqual([
      { name: 'Country', id: '0', multiple: false, mandatory: true, values: ['France', 'Spain'] },
      {
        name: 'City',
        id: '1',
        multiple: true,
        mandatory: true,
        values: [],
        dependsOn: ['Country'],
      },
    ]);
    expect(await source.listReports({ kind: 'id', id: 101 })).toEqual(['Summary', 'Detail']);
    expect(doc.open.size).toBe(0);
  });

  it('refuses a missing mandatory answer before refreshing', async () => {
    const doc = await setUp();
    await expect(exportWith({ Country: ['France'] })).rejects.toMatchObject({
      code: 'BI_PROMPT_MISSING',
      message: 'Prompt "City" needs an answer (no answer was given)',
    });
    expect(doc.puts).toHaveLength(0);
    expect(doc.open.size).toBe(0);
  });

  it('refuses an answer to a prompt the document does not have', async () => {
    const doc = await setUp();
    await expect(
      exportWith({ Country: ['France'], City: ['Paris'], Region: ['EMEA'] }),
    ).rejects.toMatchObject({
      code: 'BI_PROMPT_UNKNOWN',
      hint: 'Its prompts are: "Country", "City".',
    });
    expect(doc.open.size).toBe(0);
  });

  it('refuses several values for a single-value prompt', async () => {
    await setUp();
    await expect(
      exportWith({ Country: ['France', 'Spain'], City: ['Paris'] }),
    ).rejects.toMatchObject({ code: 'BI_PROMPT_INVALID' });
  });

  it('decodes the server refusing an answer (WSR 00100) as BI_PROMPT_INVALID', async () => {
    await setUp();
    await expect(exportWith({ Country: ['Spain'], City: ['Paris'] })).rejects.toMatchObject({
      code: 'BI_PROMPT_INVALID',
      remoteCode: 'WSR 00100',
      status: 400,
      method: 'PUT',
      endpoint: '/raylight/v1/documents/101/parameters',
    });
  });

  it('matches prompt names loosely (case, trailing colon)', async () => {
    const doc = await setUp();
    const exported = await exportWith({ 'country:': ['France'], CITY: ['Lyon'] });
    await exported.release();
    expect(doc.answers).toEqual({ Country: ['France'], City: ['Lyon'] });
  });
});
