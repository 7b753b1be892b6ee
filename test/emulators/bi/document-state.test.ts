import { describe, expect, it } from 'vitest';

import { answer, call, callJson, emulator, logon } from './helpers.js';

describe('document state and closing', () => {
  it('opens on GET (Original), counts open documents per session, closes with state Unused', async () => {
    const emu = await emulator();
    const a = await logon(emu);
    const b = await logon(emu);
    const details = await callJson(emu, a, '/raylight/v1/documents/6003');
    expect(details.body.document.state).toBe('Original');
    await callJson(emu, b, '/raylight/v1/documents/6003');
    expect(emu.stats().openDocuments).toBe(2);

    // Another session sees its own state, not ours.
    await call(emu, b, '/raylight/v1/documents/6003', {
      method: 'PUT',
      body: { document: { state: 'Unused' } },
    });
    const listed = await callJson(emu, b, '/raylight/v1/documents?limit=5');
    expect(listed.body.documents.document.find((d: { id: number }) => d.id === 6003).state).toBe(
      'Unused',
    );
    const mine = await callJson(emu, a, '/raylight/v1/documents?limit=5');
    expect(mine.body.documents.document.find((d: { id: number }) => d.id === 6003).state).toBe(
      'Original',
    );

    const closed = await callJson(emu, a, '/raylight/v1/documents/6003', {
      method: 'PUT',
      body: { document: { state: 'Unused' } },
    });
    expect(closed.status).toBe(200);
    expect(closed.body.success).toEqual({
      message: 'The resource of type "document" with identifier "6003" has not been modified.',
      id: '6003',
    });
    expect(emu.stats().openDocuments).toBe(0);
  });

  it('closes a refreshed (Modified) document with the XML body, discarding the changes', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    await answer(emu, token, 6004, { 0: 'EMEA' });
    const details = await callJson(emu, token, '/raylight/v1/documents/6004');
    expect(details.body.document.state).toBe('Modified');

    const res = await call(emu, token, '/raylight/v1/documents/6004', {
      method: 'PUT',
      accept: 'application/xml',
      body: '<?xml version="1.0"?>\n<document>\n  <state>Unused</state>\n</document>\n',
    });
    expect(await res.text()).toContain('has been successfully updated.</message><id>6004</id>');
    expect(emu.stats().openDocuments).toBe(0);
  });

  it('closes through occurrence 0 with {"occurrence":{"state":{"$":"Unused"}}}', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    await callJson(emu, token, '/raylight/v1/documents/6003');
    const res = await callJson(emu, token, '/raylight/v1/documents/6003/occurrences/0', {
      method: 'PUT',
      body: { occurrence: { state: { $: 'Unused' } } },
    });
    expect(res.status).toBe(200);
    expect(emu.stats().openDocuments).toBe(0);
  });

  it('refuses any other target state with 400 WSR 00103', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    await callJson(emu, token, '/raylight/v1/documents/6003');
    for (const body of [
      { document: { state: 'saved' } },
      { document: { state: 'Unused', name: 'x' } },
    ]) {
      const res = await callJson(emu, token, '/raylight/v1/documents/6003', {
        method: 'PUT',
        body,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.error_code).toBe('WSR 00103');
    }
    expect(emu.stats().openDocuments).toBe(1);
  });

  it('an empty PUT saves a Modified document and leaves an Original one alone', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    await callJson(emu, token, '/raylight/v1/documents/6003');
    const untouched = await callJson(emu, token, '/raylight/v1/documents/6003', { method: 'PUT' });
    expect(untouched.body.success.message).toMatch(/has not been modified/);

    await callJson(emu, token, '/raylight/v1/documents/6003/parameters', { method: 'PUT' });
    const saved = await callJson(emu, token, '/raylight/v1/documents/6003', { method: 'PUT' });
    expect(saved.body.success.message).toMatch(/successfully updated/);
    const details = await callJson(emu, token, '/raylight/v1/documents/6003');
    expect(details.body.document.state).toBe('Original');
  });
});
