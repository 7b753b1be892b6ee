/**
 * curl moving the same bytes on the same loopback: the export downloaded from the BI emulator to
 * /dev/null, and a file uploaded to the Dropbox emulator through an upload session (one request
 * may carry at most 150 MiB, dropbox.md §5.1). Tokens go to curl in a 0600 header file
 * (`-H @file`), never on its command line, where other users could read them.
 */
import { createReadStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';

import { expectSuccess, run } from '../lib/spawn.js';

/** curl's own upload requests: 128 MiB each, the largest power of two under the 150 MiB limit. */
export const CURL_PIECE_BYTES = 128 * 1024 * 1024;

async function withHeaderFile(file, lines, work) {
  await writeFile(file, `${lines.join('\r\n')}\r\n`, { mode: 0o600 });
  try {
    return await work();
  } finally {
    await rm(file, { force: true });
  }
}

/** Downloads document `id`'s export as `accept` to /dev/null; resolves with { bytes, ms }. */
export async function curlDownload({ biUrl, token, id, accept, headerFile }) {
  return withHeaderFile(
    headerFile,
    [`X-SAP-LogonToken: "${token}"`, `Accept: ${accept}`],
    async () => {
      const result = expectSuccess(
        await run('curl', [
          '-sS',
          '--fail',
          '-o',
          '/dev/null',
          '-w',
          '%{size_download}',
          '-H',
          `@${headerFile}`,
          `${biUrl}/raylight/v1/documents/${id}`,
        ]),
        'curl download',
      );
      return { bytes: Number(result.stdout.trim()), ms: result.ms };
    },
  );
}

async function curlPost(url, headerFile, arg, input) {
  const args = ['-sS', '--fail-with-body', '-X', 'POST', '-H', `@${headerFile}`];
  args.push('-H', 'Content-Type: application/octet-stream', '-H', 'Expect:');
  args.push('-H', `Dropbox-API-Arg: ${JSON.stringify(arg)}`);
  args.push(...(input ? ['-T', '-'] : ['--data-binary', '']), url);
  const result = expectSuccess(await run('curl', args, input ? { input } : {}), `curl ${url}`);
  return result.stdout ? JSON.parse(result.stdout) : null;
}

/**
 * Uploads `file` (`size` bytes) to `path` through an upload session, one curl per request: start
 * (empty), append_v2 per 128 MiB piece (each streamed to curl's stdin), finish (empty). Resolves
 * with { bytes, ms, metadata }.
 */
export async function curlUpload({ dropboxUrl, accessToken, file, size, path, headerFile }) {
  return withHeaderFile(headerFile, [`Authorization: Bearer ${accessToken}`], async () => {
    const started = performance.now();
    const { session_id: id } = await curlPost(
      `${dropboxUrl}/2/files/upload_session/start`,
      headerFile,
      {},
    );
    for (let offset = 0; offset < size; offset += CURL_PIECE_BYTES) {
      const end = Math.min(size, offset + CURL_PIECE_BYTES) - 1;
      await curlPost(
        `${dropboxUrl}/2/files/upload_session/append_v2`,
        headerFile,
        { cursor: { session_id: id, offset }, close: false },
        createReadStream(file, { start: offset, end, highWaterMark: 1024 * 1024 }),
      );
    }
    const metadata = await curlPost(`${dropboxUrl}/2/files/upload_session/finish`, headerFile, {
      cursor: { session_id: id, offset: size },
      commit: { path, mode: 'overwrite', mute: true },
    });
    if (metadata.size !== size) throw new Error(`curl upload stored ${metadata.size} bytes`);
    return { bytes: size, ms: performance.now() - started, metadata };
  });
}
