/** `bidrop init [FILE] [--force]`: writes a commented bidrop.yaml that validates as it is. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { ConfigError } from '../../core/index.js';
import { ExitCode, type CliContext } from '../context.js';

interface Options {
  force?: boolean;
}

/** The starting configuration; every secret comes from the environment. */
export const initialConfig = `# bidrop configuration. Values written \${LIKE_THIS} are read from the environment,
# so no secret needs to be written in this file. Check it with: bidrop run --dry-run
#
# To try everything on this machine first, start the stand-ins with \`bidrop emulate\` and set:
#   BI_URL=<the BI emulator URL it prints>/biprws   BI_USER=Administrator
#   BI_PASSWORD=Demo-Password-1                     DROPBOX_APP_KEY=<the demo app key it prints>
# then point the dropbox destination's endpoints at the Dropbox emulator (see below).

bi:
  url: \${BI_URL}               # e.g. http://bo.example.com:6405/biprws
  username: \${BI_USER}
  password: \${BI_PASSWORD}
  auth: secEnterprise          # or secLDAP, secWinAD, secSAPR3
  sessions: 4                  # never more BI sessions at once than this (they are licensed)

destinations:
  team-dropbox:
    type: dropbox
    appKey: \${DROPBOX_APP_KEY} # authorise once with: bidrop auth dropbox
    # endpoints:               # for the Dropbox emulator, its URL for all three:
    #   authorize: http://127.0.0.1:PORT
    #   api: http://127.0.0.1:PORT
    #   content: http://127.0.0.1:PORT
  local:
    type: folder
    path: ./delivered          # relative to this file

publications:
  daily-sales:
    schedule: "0 6 * * 1-5"    # cron, for bidrop serve: 06:00 Monday to Friday
    documents:
      - folder: /Sales/Daily   # every Web Intelligence document in it (recursive: true for subfolders)
      # - id: 12345            # or by id, cuid, path, or a CMS query
    formats: [pdf]             # pdf, xlsx, xls, csv
    prompts:
      Region: [EMEA, APAC, AMER] # a list bursts: one file per value
    # Tokens: {publication} {document} {id} {cuid} {report} {format} {ext} {time} {date},
    # {date:yyyy-MM}, {date-1d}, {month-start} ... and each prompt's name, e.g. {Region}.
    to: local:/Reports/{publication}/{date}/{document} - {Region}.{ext}
    whenUnchanged: skip        # upload nothing when the same content is already there
    conflict: overwrite        # or add (name (1).pdf), or fail
    sharedLink: false
    skipEmpty: false           # true: deliver nothing for a report without data rows
`;

export default async function init(
  ctx: CliContext,
  args: string[],
  options: Options,
): Promise<number> {
  const file = path.resolve(args[0] ?? ctx.configPath ?? 'bidrop.yaml');
  try {
    await writeFile(file, initialConfig, { flag: options.force ? 'w' : 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new ConfigError('USAGE_FILE_EXISTS', `${file} already exists`, {
      hint: 'Pass --force to overwrite it, or give another file name.',
    });
  }

  ctx.stdout.write(
    `Wrote ${file}.\nSet BI_URL, BI_USER, BI_PASSWORD and DROPBOX_APP_KEY, then try: bidrop run --dry-run\n`,
  );
  return ExitCode.ok;
}
