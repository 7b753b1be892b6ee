import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startDropboxEmulator } from '../../../src/emulators/dropbox/index.js';

describe('startDropboxEmulator', () => {
  it('listens on loopback, and close() is idempotent and removes its own temporary folder', async () => {
    const emu = await startDropboxEmulator();
    expect(emu.url).toBe(`http://127.0.0.1:${emu.port}`);
    expect(emu.demoApp.key).toBe('bidrop-demo-app');
    expect(existsSync(emu.dataDir)).toBe(true);
    await Promise.all([emu.close(), emu.close()]);
    await emu.close();
    expect(existsSync(emu.dataDir)).toBe(false);
  });

  it('fails with EMU_DROPBOX_LISTEN_FAILED on a taken port', async () => {
    const emu = await startDropboxEmulator();
    try {
      await expect(startDropboxEmulator({ port: emu.port })).rejects.toMatchObject({
        code: 'EMU_DROPBOX_LISTEN_FAILED',
      });
    } finally {
      await emu.close();
    }
  });

  it('fails with EMU_DROPBOX_BAD_OPTION on a nonsense option', async () => {
    await expect(startDropboxEmulator({ bytesPerSecond: 0 })).rejects.toMatchObject({
      code: 'EMU_DROPBOX_BAD_OPTION',
    });
    await expect(startDropboxEmulator({ quotaBytes: -1 })).rejects.toMatchObject({
      code: 'EMU_DROPBOX_BAD_OPTION',
    });
  });

  it('answers unknown routes 404 and wrong methods 405', async () => {
    const emu = await startDropboxEmulator();
    try {
      expect((await fetch(`${emu.url}/2/files/nope`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${emu.url}/2/files/get_metadata`)).status).toBe(405);
    } finally {
      await emu.close();
    }
  });
});
