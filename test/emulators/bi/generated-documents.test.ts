import { describe, expect, it } from 'vitest';

import { callJson, emulator, logon } from './helpers.js';

describe('generated documents', () => {
  it('serves thousands of documents in /Generated without slowing lookups down', async () => {
    const emu = await emulator({ generatedDocuments: 5000 });
    const token = await logon(emu);
    const started = Date.now();

    const last = await callJson(emu, token, '/raylight/v1/documents?offset=5004&limit=50');
    expect(last.body.documents.document).toMatchObject({ name: 'Store Performance' });
    const found = await callJson(emu, token, '/v1/cmsquery?pagesize=10', {
      method: 'POST',
      body: { query: "SELECT SI_ID FROM CI_INFOOBJECTS WHERE SI_NAME='Generated Report 04999'" },
    });
    expect(found.body.entries).toEqual([{ SI_ID: 104999 }]);
    const all = await callJson(emu, token, '/v1/cmsquery?page=100&pagesize=50', {
      method: 'POST',
      body: { query: "SELECT SI_ID FROM CI_INFOOBJECTS WHERE SI_ANCESTOR=23 AND SI_KIND='Webi'" },
    });
    expect(all.body.entries).toHaveLength(50);
    expect(all.body.next.__deferred.uri).toMatch(/page=101&pagesize=50$/);
    const details = await callJson(emu, token, '/raylight/v1/documents/cuid_AgGENERATEDdOC.02500');
    expect(details.body.document).toMatchObject({ id: 102500, path: 'Public Folders/Generated' });

    expect(Date.now() - started).toBeLessThan(2000);
  });
});
