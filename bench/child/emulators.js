/**
 * Runs both emulators in a process of their own, so that neither bidrop nor a baseline shares an
 * event loop (or a core's time slice) with the servers it talks to. Options come as JSON in
 * argv[2]; the parent talks to it over the IPC channel (see lib/host.js).
 */
import { startBiEmulator } from '../../dist/emulators/bi/index.js';
import { startDropboxEmulator } from '../../dist/emulators/dropbox/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const bi = await startBiEmulator(options.bi ?? {});
const dropbox = await startDropboxEmulator(options.dropbox ?? {});

const commands = {
  biStats: () => bi.stats(),
  dropboxStats: () => dropbox.stats(),
  listFiles: () => dropbox.listFiles(),
  close: async () => {
    await Promise.allSettled([bi.close(), dropbox.close()]);
    setImmediate(() => process.exit(0));
    return null;
  },
};

process.on('message', async ({ id, command }) => {
  try {
    const result = await commands[command]();
    process.send({ id, result });
  } catch (error) {
    process.send({ id, error: String(error?.message ?? error) });
  }
});

// The parent going away (a crashed or interrupted bench) must not leave servers behind.
process.on('disconnect', () => {
  void Promise.allSettled([bi.close(), dropbox.close()]).then(() => process.exit(0));
});

process.send({
  ready: true,
  biUrl: bi.url,
  dropboxUrl: dropbox.url,
  demoApp: dropbox.demoApp,
});
