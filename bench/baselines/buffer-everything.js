/**
 * The buffer-everything peer, run as its own process so its memory can be measured: the way
 * popular integrations deliver a report (a workflow tool's Dropbox node, the SDK examples) — read
 * the whole export into memory, then upload it. A single `files/upload` stops at 150 MiB, so a
 * larger file goes through an upload session in 128 MiB slices of the in-memory copy.
 *
 * Usage: node buffer-everything.js '{"biUrl":…,"dropboxUrl":…,"id":…,"accept":…,"path":…}'
 * with BENCH_BI_USER, BENCH_BI_PASSWORD and BENCH_DROPBOX_TOKEN in the environment.
 */
import { exportDocument, logoff, logon, uploadWhole } from './hand-made.js';

const SINGLE_UPLOAD_LIMIT = 150 * 1024 * 1024;
const SLICE = 128 * 1024 * 1024;

async function post(url, token, arg, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/octet-stream',
      'dropbox-api-arg': JSON.stringify(arg),
    },
    body,
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

async function uploadInSlices(dropboxUrl, token, path, bytes) {
  const { session_id: id } = await post(`${dropboxUrl}/2/files/upload_session/start`, token, {});
  let offset = 0;
  for (; offset + SLICE < bytes.length; offset += SLICE) {
    const cursor = { session_id: id, offset };
    await post(
      `${dropboxUrl}/2/files/upload_session/append_v2`,
      token,
      { cursor },
      bytes.subarray(offset, offset + SLICE),
    );
  }
  return post(
    `${dropboxUrl}/2/files/upload_session/finish`,
    token,
    { cursor: { session_id: id, offset }, commit: { path, mode: 'overwrite', mute: true } },
    bytes.subarray(offset),
  );
}

const task = JSON.parse(process.argv[2]);
const {
  BENCH_BI_USER: user,
  BENCH_BI_PASSWORD: password,
  BENCH_DROPBOX_TOKEN: dropboxToken,
} = process.env;

const started = performance.now();
const biToken = await logon(task.biUrl, user, password);
let bytes;
try {
  bytes = await exportDocument(task.biUrl, biToken, task.id, task.accept);
} finally {
  await logoff(task.biUrl, biToken);
}
const metadata =
  bytes.length <= SINGLE_UPLOAD_LIMIT
    ? await uploadWhole(task.dropboxUrl, dropboxToken, task.path, bytes)
    : await uploadInSlices(task.dropboxUrl, dropboxToken, task.path, bytes);
if (metadata.size !== bytes.length) throw new Error(`stored ${metadata.size} of ${bytes.length}`);
process.stdout.write(
  `${JSON.stringify({ bytes: bytes.length, ms: performance.now() - started })}\n`,
);
