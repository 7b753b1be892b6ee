/** Starts the emulators in a child process (child/emulators.js) and talks to it over IPC. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../child/emulators.js', import.meta.url));

/**
 * Starts a BI and a Dropbox emulator with `options` ({ bi, dropbox }: their start options) and
 * resolves once both listen.
 */
export async function startEmulators(options = {}) {
  const child = fork(script, [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let nextId = 1;

  const ready = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`emulator host exited early (${code})`)));
    child.on('message', (message) => {
      if (message.ready) return resolve(message);
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    });
  });
  child.removeAllListeners('exit');

  const call = (command) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, command });
    });

  let closing;
  return {
    biUrl: ready.biUrl,
    dropboxUrl: ready.dropboxUrl,
    demoApp: ready.demoApp,
    pid: child.pid,
    biStats: () => call('biStats'),
    dropboxStats: () => call('dropboxStats'),
    listFiles: () => call('listFiles'),
    close() {
      closing ??= new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        call('close').catch(() => child.kill());
      });
      return closing;
    },
  };
}
