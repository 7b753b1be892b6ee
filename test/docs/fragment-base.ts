/**
 * What a ```yaml publications``` fragment in the docs is added to: the `bi` and `destinations`
 * sections the pages set up first (getting-started.md, try-it.md), with the same names.
 */

/** The part of bidrop.yaml a publications fragment assumes; `dropboxUrl` for the emulator. */
export function fragmentBase(dropboxUrl?: string): string {
  const endpoints = dropboxUrl
    ? `    endpoints: { authorize: "${dropboxUrl}", api: "${dropboxUrl}", content: "${dropboxUrl}" }\n`
    : '';
  return (
    'bi:\n' +
    '  url: ${BI_URL}\n' +
    '  username: ${BI_USER}\n' +
    '  password: ${BI_PASSWORD}\n' +
    'destinations:\n' +
    '  team-dropbox:\n' +
    '    type: dropbox\n' +
    '    appKey: ${DROPBOX_APP_KEY}\n' +
    endpoints +
    '  local:\n' +
    '    type: folder\n' +
    '    path: ./delivered\n'
  );
}

/** A value for every `${NAME}` in `text`: URLs for names ending in URL, a word otherwise. */
export function sampleEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, name] of text.matchAll(/(?<!\$)\$\{([^}]+)\}/g)) {
    env[name!.trim()] = /URL$/.test(name!.trim())
      ? 'https://bo.example.com:6405/biprws'
      : 'sample-value';
  }
  return env;
}
