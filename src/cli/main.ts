/**
 * The `bidrop` command line. This file only declares commands and options; each command lives in
 * `commands/<name>.ts` and is imported when it runs, so `bidrop --help` stays fast.
 */
import { Command, CommanderError, Option } from 'commander';

import { BidropError, ConfigError, AbortedError, describeError } from '../core/index.js';
import { ExitCode, type CliContext } from './context.js';
import { createLogger } from './logger.js';

type CommandModule = {
  default: (ctx: CliContext, args: string[], options: Record<string, unknown>) => Promise<number>;
};

interface GlobalOptions {
  config?: string;
  debug?: boolean;
  logLevel?: string;
  jsonLogs?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The BI connection flags of the commands that may run without bidrop.yaml. */
function withBiConnection(command: Command): Command {
  return command
    .option('--bi-url <url>', 'BI RESTful web services URL, e.g. http://bo:6405/biprws')
    .option('--bi-user <name>', 'BI user name')
    .option('--bi-auth <type>', 'secEnterprise, secLDAP, secWinAD or secSAPR3')
    .option('--bi-password <password>', 'BI password (prefer BIDROP_BI_PASSWORD)');
}

/** The "Examples" block under a command's help; docs/commands.md shows the same ones. */
function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}

export async function main(
  argv: string[],
  io: Partial<Pick<CliContext, 'stdout' | 'stderr'>> = {},
): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const controller = new AbortController();
  let exitCode: number = ExitCode.ok;
  let debug = argv.includes('--debug');

  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    stderr.write(`\nbidrop: ${signal} received, stopping (logging off BI sessions)...\n`);
    controller.abort(new AbortedError(`Stopped by ${signal}.`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const program = new Command('bidrop')
    .description('Deliver SAP BusinessObjects Web Intelligence documents to Dropbox.')
    .option('-c, --config <file>', 'configuration file (default: ./bidrop.yaml)')
    .option('--debug', 'log every call at debug level and show stack traces')
    .addOption(
      new Option('--log-level <level>', 'log level').choices([
        'debug',
        'info',
        'warn',
        'error',
        'silent',
      ]),
    )
    .option('--json-logs', 'write logs as JSON lines')
    .configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      examples(
        'bidrop init',
        'bidrop auth dropbox',
        'bidrop run --dry-run',
        'bidrop run daily-sales',
      ) +
        '\nExit codes: 0 done, 1 some work failed, 2 bad configuration or usage, 130 stopped.\n' +
        'Environment: BIDROP_CONFIG, BIDROP_HOME, BIDROP_SECRET_KEY, BIDROP_LOG_LEVEL,\n' +
        '  BIDROP_BI_URL, BIDROP_BI_USER, BIDROP_BI_PASSWORD, BIDROP_BI_AUTH,\n' +
        '  BIDROP_DROPBOX_REDIRECT_URI (see docs/configuration.md).\n' +
        'Documentation: docs/README.md\n',
    );

  const action =
    (name: string) =>
    async (...received: unknown[]): Promise<void> => {
      const command = received.at(-1) as Command;
      const options = command.opts<Record<string, unknown>>();
      const args = received.slice(0, -2).flat() as string[];
      const globals = program.opts<GlobalOptions>();
      debug = Boolean(globals.debug);
      const logger = createLogger({
        level: (debug
          ? 'debug'
          : (globals.logLevel ??
            process.env.BIDROP_LOG_LEVEL ??
            (name === 'serve' ? 'info' : 'warn'))) as 'warn',
        json: Boolean(globals.jsonLogs) || name === 'serve',
        stream: stderr,
      });
      const ctx: CliContext = {
        logger,
        stdout,
        stderr,
        signal: controller.signal,
        debug,
        configPath: globals.config,
      };
      const module = (await import(`./commands/${name}.js`)) as CommandModule;
      exitCode = await module.default(ctx, args, options);
    };

  program
    .command('init')
    .description('write a commented bidrop.yaml to start from')
    .option('-f, --force', 'overwrite an existing file')
    .argument('[file]', 'where to write it', 'bidrop.yaml')
    .addHelpText('after', examples('bidrop init', 'bidrop init /etc/bidrop/bidrop.yaml --force'))
    .action(action('init'));

  const auth = program
    .command('auth')
    .description('authorise bidrop to reach Dropbox')
    .addHelpText('after', examples('bidrop auth dropbox', 'bidrop auth status'));
  auth
    .command('dropbox')
    .description('authorise a Dropbox destination (OAuth 2 with PKCE)')
    .option('-d, --destination <name>', 'destination in bidrop.yaml')
    .option('--no-browser', 'print the URL and paste the code instead of opening a browser')
    .addHelpText(
      'after',
      examples(
        'bidrop auth dropbox',
        'bidrop auth dropbox --destination team-dropbox --no-browser',
      ),
    )
    .action(action('auth-dropbox'));
  auth
    .command('status')
    .description('show which accounts are authorised and until when (never the tokens)')
    .option('-d, --destination <name>', 'destination in bidrop.yaml')
    .addHelpText(
      'after',
      examples('bidrop auth status', 'bidrop auth status --destination team-dropbox'),
    )
    .action(action('auth-status'));
  auth
    .command('revoke')
    .description('revoke the Dropbox tokens and forget them')
    .option('-d, --destination <name>', 'destination in bidrop.yaml')
    .addHelpText('after', examples('bidrop auth revoke --destination team-dropbox'))
    .action(action('auth-revoke'));

  const docs = program
    .command('docs')
    .description('list Web Intelligence documents on the BI platform')
    .option('--folder <path>', 'only documents in this folder, e.g. "/Sales/Daily"')
    .option('--query <cms-query>', 'a CMS query, e.g. "SELECT ... FROM CI_INFOOBJECTS WHERE ..."')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples(
        'bidrop docs --folder "/Sales/Daily"',
        `bidrop docs --query "SELECT SI_ID, SI_NAME FROM CI_INFOOBJECTS WHERE SI_KIND = 'Webi'"`,
        'bidrop docs --json',
      ),
    )
    .action(action('docs'));
  withBiConnection(docs);

  const exportCommand = program
    .command('export')
    .description('export one document to a file')
    .argument('<document>', 'document id, CUID or folder path')
    .addOption(
      new Option('-f, --format <format>', 'export format')
        .choices(['pdf', 'xlsx', 'xls', 'csv'])
        .default('pdf'),
    )
    .option('-r, --report <name>', 'export one report (tab) instead of the whole document')
    .option('-p, --prompt <name=value>', 'answer a prompt (repeat for more values)', collect)
    .requiredOption('-o, --output <file>', 'file to write')
    .addHelpText(
      'after',
      examples(
        'bidrop export 6003 --format xlsx -o revenue.xlsx',
        'bidrop export 6001 -p "Region=EMEA" -p "Product Line=Bikes" -o daily-sales.pdf',
        'bidrop export "/Finance/Monthly Revenue" --report Costs --format csv -o costs.csv',
      ),
    )
    .action(action('export'));
  withBiConnection(exportCommand);

  program
    .command('upload')
    .description('upload a file to a Dropbox destination')
    .argument('<file>', 'local file')
    .argument('<target>', 'destination:/path, e.g. team-dropbox:/Reports/sales.pdf')
    .addOption(
      new Option('--conflict <policy>', 'when the file exists')
        .choices(['overwrite', 'add', 'fail'])
        .default('overwrite'),
    )
    .option('--skip-unchanged', 'upload nothing when the same content is already there')
    .option('--shared-link', 'create (or reuse) a shared link and print it')
    .addHelpText(
      'after',
      examples(
        'bidrop upload sales.pdf team-dropbox:/Reports/sales.pdf --skip-unchanged --shared-link',
      ),
    )
    .action(action('upload'));

  program
    .command('run')
    .description('run publications now')
    .argument('[publications...]', 'publication names (default: all)')
    .option('--dry-run', 'print what would be delivered where, and do nothing')
    .option('--resume', 'finish the last interrupted run instead of starting a new one')
    .option('--json', 'print JSON lines instead of a progress display')
    .addHelpText(
      'after',
      examples('bidrop run --dry-run', 'bidrop run daily-sales', 'bidrop run daily-sales --resume'),
    )
    .action(action('run'));

  program
    .command('history')
    .description('show past runs and what each delivered')
    .argument('[publication]', 'only this publication')
    .option('--run <id>', 'one run, with its deliveries')
    .option('-n, --limit <n>', 'how many runs', '20')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples(
        'bidrop history',
        'bidrop history daily-sales --limit 5',
        'bidrop history --run 42 --json',
      ),
    )
    .action(action('history'));

  program
    .command('serve')
    .description('run publications on their schedules until stopped')
    .addHelpText('after', examples('bidrop --config /etc/bidrop/bidrop.yaml serve'))
    .action(action('serve'));

  program
    .command('emulate')
    .description('start local stand-ins for the BI platform and Dropbox')
    .argument('[which]', 'bi, dropbox or both', 'both')
    .option('--port <n>', 'port (default: any free port)')
    .option('--bi-port <n>', 'BI emulator port when starting both')
    .option('--dropbox-port <n>', 'Dropbox emulator port when starting both')
    .option('--data <dir>', 'where the Dropbox emulator keeps its files')
    .addHelpText(
      'after',
      examples('bidrop emulate', 'bidrop emulate dropbox --port 8790 --data ./dropbox-data'),
    )
    .action(action('emulate'));

  program
    .command('demo')
    .description('the whole flow against the bundled emulators, on this machine')
    .option('--keep', 'keep the emulators running at the end')
    .addHelpText('after', examples('bidrop demo', 'bidrop demo --keep'))
    .action(action('demo'));

  const importSchedules = program
    .command('import')
    .description('bring definitions from the BI platform into bidrop.yaml')
    .addHelpText('after', examples('bidrop import schedules'))
    .command('schedules')
    .description('turn the recurring schedules on the BI platform into publications')
    .option('--folder <path>', 'only schedules of documents in this folder, e.g. "/Sales"')
    .addOption(
      new Option('--from <way>', 'how the publications get the documents')
        .choices(['latest-instance', 'schedule'])
        .default('latest-instance'),
    )
    .option('--write', 'add them to bidrop.yaml (default: print the YAML)')
    .addHelpText(
      'after',
      examples('bidrop import schedules --folder /Sales', 'bidrop import schedules --write'),
    )
    .action(action('import-schedules'));
  withBiConnection(importSchedules);

  const workflow = program
    .command('workflow')
    .description('run Azot XML workflows')
    .addHelpText('after', examples('bidrop workflow run logon.xml user=Administrator'));
  workflow
    .command('run')
    .description('run an Azot workflow, unchanged')
    .argument('<file>', 'workflow XML file')
    .argument('[arguments...]', 'name=value arguments, or positional values')
    .option('--report <file>', 'write a JUnit XML report')
    .addHelpText(
      'after',
      examples('bidrop workflow run examples/bi-export-to-dropbox.xml doc=6003 --report junit.xml'),
    )
    .action(action('workflow-run'));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, stderr, debug);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function reportError(error: unknown, stderr: NodeJS.WritableStream, debug: boolean): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof AbortedError) {
    stderr.write(`bidrop: ${error.message}\n`);
    return ExitCode.interrupted;
  }
  if (error instanceof BidropError) {
    stderr.write(`bidrop: ${describeError(error)}\n`);
    if (debug && error.stack) stderr.write(`${error.stack}\n`);
    return error instanceof ConfigError ? ExitCode.usage : ExitCode.failed;
  }
  stderr.write(
    `bidrop: unexpected error: ${describeError(error)}\n` +
      (debug
        ? `${(error as Error)?.stack ?? ''}\n`
        : 'Run again with --debug for details, and please report it.\n'),
  );
  return ExitCode.failed;
}
