/**
 * The hand-made way, written from the API notes (bi4-rest.md §2, §3.4; dropbox.md §4) with raw
 * fetch calls and none of bidrop's code: for each document, log on, export, log off, upload the
 * whole file in one request, next. The document ids are handed to it (such scripts hard-code
 * them), so it does no listing: that favours the baseline.
 */
const json = 'application/json';

async function check(response, what) {
  if (response.ok) return response;
  const text = await response.text().catch(() => '');
  throw new Error(`${what} answered ${response.status}: ${text.slice(0, 200)}`);
}

/** POST /logon/long with a JSON body; the token is in the body (and in a header). */
export async function logon(biUrl, username, password) {
  const response = await fetch(`${biUrl}/logon/long`, {
    method: 'POST',
    headers: { accept: json, 'content-type': json },
    body: JSON.stringify({ userName: username, password, auth: 'secEnterprise' }),
  });
  await check(response, 'logon');
  const { logonToken } = await response.json();
  return logonToken;
}

/** POST /logoff with the token. */
export async function logoff(biUrl, token) {
  const response = await fetch(`${biUrl}/logoff`, {
    method: 'POST',
    headers: { accept: json, 'x-sap-logontoken': `"${token}"` },
  });
  await check(response, 'logoff');
  await response.arrayBuffer();
}

/** The whole-document export: GET /raylight/v1/documents/{id} with the format's Accept. */
export async function exportDocument(biUrl, token, id, accept = 'application/pdf') {
  const response = await fetch(`${biUrl}/raylight/v1/documents/${id}`, {
    headers: { accept, 'x-sap-logontoken': `"${token}"` },
  });
  await check(response, `export of ${id}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** POST /2/files/upload: the whole file in one request (at most 150 MiB, dropbox.md §4). */
export async function uploadWhole(dropboxUrl, accessToken, path, bytes) {
  const response = await fetch(`${dropboxUrl}/2/files/upload`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/octet-stream',
      'dropbox-api-arg': JSON.stringify({ path, mode: 'overwrite', mute: true }),
    },
    body: bytes,
  });
  await check(response, `upload of ${path}`);
  return response.json();
}

/**
 * Delivers `documents` ([{ id, path }]) one at a time. Resolves with the time spent in export
 * calls (the export work a bound is computed from) and the bytes moved.
 */
export async function handMadeRun({
  biUrl,
  username,
  password,
  dropboxUrl,
  accessToken,
  documents,
}) {
  let exportMs = 0;
  let bytes = 0;
  for (const document of documents) {
    const token = await logon(biUrl, username, password);
    let body;
    try {
      const started = performance.now();
      body = await exportDocument(biUrl, token, document.id);
      exportMs += performance.now() - started;
    } finally {
      await logoff(biUrl, token);
    }
    await uploadWhole(dropboxUrl, accessToken, document.path, body);
    bytes += body.length;
  }
  return { exportMs, bytes };
}
