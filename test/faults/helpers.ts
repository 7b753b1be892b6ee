/**
 * Shared set-up of the fault suite: both emulators with a user and an app of the test's own (so
 * their secrets are random and can be searched for), a bidrop.yaml pointing at them, Dropbox
 * authorised through the real consent flow, and `node bin/bidrop.js` spawned as an operator would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createBiSource, type BiEvent, type BiSourceOptions } from '../../src/bi/index.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createDestination } from '../../src/destinations/index.js';
import {
  authorize,
  TokenStore,
  type DropboxEvent,
  type StoredTokens,
} from '../../src/dropbox/index.js';
import {
  startBiEmulator,
  type BiEmulator,
  type BiEmulatorOptions,
} from '../../src/emulators/bi/index.js';
import {
  startDropboxEmulator,
  type DropboxEmulator,
  type DropboxEmulatorOptions,
} from '../../src/emulators/dropbox/index.js';
import { runPublication, type RunEvent, type RunResult } from '../../src/publish/index.js';
import { openHistory, type DeliveryRow } from '../../src/store/index.js';

/** The destination name every config of this suite uses. */
export const DESTINATION = 'faults-dropbox';

/** Secrets of one test world: random, so finding one anywhere is never a coincidence. */
export interface Secrets {
  biUser: string;
  biPassword: string;
  appKey: string;
  appSecret: string;
  /** BIDROP_SECRET_KEY for the token store (64 hex digits). */
  storeKey: string;
}

export interface World {
  bi: BiEmulator;
  dropbox: DropboxEmulator;
  secrets: Secrets;
  /** A temporary folder for this test: bidrop.yaml lives here, the state under `state/`. */
  dir: string;
  stateDir: string;
  /** The environment bidrop needs: the ${VAR}s of bidrop.yaml and the store key. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface WorldOptions {
  bi?: BiEmulatorOptions;
  dropbox?: DropboxEmulatorOptions;
}

/** Starts both emulators (faults off until the test sets them) and a temporary folder. */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const secrets: Secrets = {
    biUser: 'fault-suite',
    biPassword: `bi-pw-${hex(12)}`,
    appKey: `faults-app-${hex(4)}`,
    appSecret: `app-secret-${hex(12)}`,
    storeKey: hex(32),
  };
  const bi = await startBiEmulator({
    ...options.bi,
    users: { [secrets.biUser]: secrets.biPassword },
  });
  const dropbox = await startDropboxEmulator({
    ...options.dropbox,
    apps: [
      {
        key: secrets.appKey,
        secret: secrets.appSecret,
        redirectUris: ['http://127.0.0.1/oauth/callback'],
      },
    ],
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'bidrop-faults-'));
  const env = {
    FAULTS_BI_URL: bi.url,
    FAULTS_BI_USER: secrets.biUser,
    FAULTS_BI_PASSWORD: secrets.biPassword,
    FAULTS_APP_KEY: secrets.appKey,
    FAULTS_APP_SECRET: secrets.appSecret,
    BIDROP_SECRET_KEY: secrets.storeKey,
  };

  return {
    bi,
    dropbox,
    secrets,
    dir,
    stateDir: path.join(dir, 'state'),
    env,
    async close() {
      await Promise.allSettled([bi.close(), dropbox.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface PublicationSpec {
  /** YAML lines of the publication's `documents:` list, e.g. `- folder: /Generated`. */
  documents: string[];
  formats?: string[];
  /** Prompt name -> values (a list bursts). */
  prompts?: Record<string, string[]>;
  to: string;
  whenUnchanged?: 'skip' | 'upload';
}

export interface ConfigSpec {
  publications: Record<string, PublicationSpec>;
  sessions?: number;
  sessionWaitSeconds?: number;
  concurrency?: number;
  chunkSizeMiB?: number;
}

/** Writes `<dir>/bidrop.yaml` (secrets only as ${VAR}s) and returns its path. */
export async function writeConfig(world: World, spec: ConfigSpec): Promise<string> {
  const lines = [
    'bi:',
    '  url: ${FAULTS_BI_URL}',
    '  username: ${FAULTS_BI_USER}',
    '  password: ${FAULTS_BI_PASSWORD}',
    `  sessions: ${spec.sessions ?? 4}`,
    ...(spec.sessionWaitSeconds ? [`  sessionWaitSeconds: ${spec.sessionWaitSeconds}`] : []),
    `state: ${JSON.stringify(world.stateDir)}`,
    'destinations:',
    `  ${DESTINATION}:`,
    '    type: dropbox',
    '    appKey: ${FAULTS_APP_KEY}',
    '    appSecret: ${FAULTS_APP_SECRET}',
    `    concurrency: ${spec.concurrency ?? 4}`,
    ...(spec.chunkSizeMiB ? [`    chunkSizeMiB: ${spec.chunkSizeMiB}`] : []),
    '    endpoints:',
    `      authorize: ${world.dropbox.url}`,
    `      api: ${world.dropbox.url}`,
    `      content: ${world.dropbox.url}`,
    'publications:',
  ];
  for (const [name, p] of Object.entries(spec.publications)) {
    lines.push(`  ${name}:`, '    documents:', ...p.documents.map((d) => `      ${d}`));
    lines.push(`    formats: [${(p.formats ?? ['csv']).join(', ')}]`);
    if (p.prompts) {
      lines.push('    prompts:');
      for (const [prompt, values] of Object.entries(p.prompts)) {
        lines.push(`      ${JSON.stringify(prompt)}: ${JSON.stringify(values)}`);
      }
    }
    lines.push(`    to: ${JSON.stringify(`${DESTINATION}:${p.to}`)}`);
    lines.push(`    whenUnchanged: ${p.whenUnchanged ?? 'skip'}`);
  }
  const file = path.join(world.dir, 'bidrop.yaml');
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

/** Loads the config the way the CLI does, with the world's environment. */
export function loadWorldConfig(world: World, file: string): Promise<Readonly<Config>> {
  return loadConfig(file, { ...world.env });
}

export interface InProcessRun {
  result: RunResult;
  /** The run's delivery rows as history holds them after the run. */
  rows: DeliveryRow[];
  biEvents: BiEvent[];
  dropboxEvents: DropboxEvent[];
  runEvents: RunEvent[];
}

/**
 * Runs a publication in this process as `bidrop run` does: the config's BI connection and
 * destination, history in the state folder, the lower of the two concurrencies, the default
 * retry policy.
 */
export async function runInProcess(
  world: World,
  file: string,
  name: string,
  options: { bi?: BiSourceOptions; signal?: AbortSignal; onEvent?: (e: RunEvent) => void } = {},
): Promise<InProcessRun> {
  const config = await loadWorldConfig(world, file);
  const publication = config.publications[name]!;
  const destinationConfig = config.destinations[DESTINATION]!;
  const biEvents: BiEvent[] = [];
  const dropboxEvents: DropboxEvent[] = [];
  const runEvents: RunEvent[] = [];
  const source = createBiSource(config.bi!, {
    onEvent: (e) => biEvents.push(e),
    ...options.bi,
  });
  const destination = createDestination(DESTINATION, destinationConfig, {
    stateDir: config.stateDir,
    env: world.env,
    onEvent: (e) => dropboxEvents.push(e),
  });
  const history = openHistory(config.stateDir);
  try {
    const result = await runPublication({
      name,
      publication,
      source,
      destination,
      history,
      concurrency: Math.min(config.bi!.sessions, destinationConfig.concurrency),
      onEvent: (e) => {
        runEvents.push(e);
        options.onEvent?.(e);
      },
      ...(options.signal && { signal: options.signal }),
    });
    const rows = history.deliveries(result.runId);
    return { result, rows, biEvents, dropboxEvents, runEvents };
  } finally {
    history.close();
  }
}

/**
 * Authorises the destination through the real OAuth flow: authorize() opens its loopback
 * receiver, and its `openUrl` plays the user (load the consent page, post the form with
 * decision=allow, follow the redirect to the receiver). The tokens are saved encrypted.
 */
export async function authorizeDropbox(world: World): Promise<StoredTokens> {
  let consent: Promise<void> | undefined;
  const tokens = await authorize({
    appKey: world.secrets.appKey,
    appSecret: world.secrets.appSecret,
    endpoints: { authorize: world.dropbox.url, api: world.dropbox.url, content: world.dropbox.url },
    redirectUri: 'http://127.0.0.1:0/oauth/callback',
    timeoutMs: 10_000,
    openUrl: (url) => {
      // Not awaited here: authorize() starts waiting for the redirect only once this returns.
      consent = allowOnConsentPage(url);
      consent.catch(() => {});
      return Promise.resolve();
    },
  });
  await consent;
  await new TokenStore(world.stateDir, world.env).save(DESTINATION, tokens);
  return tokens;
}

/** Loads the consent page, posts its form with decision=allow, follows the redirect. */
async function allowOnConsentPage(url: string): Promise<void> {
  const page = await fetch(url);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${html}`);

  const form = /<form\b[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error('no form on the consent page');
  const body = new URLSearchParams();
  for (const input of form[2]!.matchAll(/<input\b[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
    const value = /\bvalue="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name !== undefined) body.set(unescapeHtml(name), unescapeHtml(value));
  }
  body.set('decision', 'allow');

  const answer = await fetch(new URL(unescapeHtml(form[1]!), url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  if (!location) throw new Error(`consent answered ${answer.status} without a redirect`);
  await (await fetch(location)).text();
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export const bin = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../bin/bidrop.js',
);

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns `node bin/bidrop.js ...args` with the world's environment (and nothing else). */
export function startCli(
  world: World,
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: world.dir,
    env: { PATH: process.env.PATH ?? '', ...world.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Runs the CLI to its end; `env` adds to or overrides the world's environment. */
export function runCli(
  world: World,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return startCli(world, args, env).done;
}

/** Logs on to the BI emulator directly, as another client would; returns the raw token. */
export async function logonDirectly(world: World): Promise<string> {
  const res = await fetch(`${world.bi.url}/logon/long`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      userName: world.secrets.biUser,
      password: world.secrets.biPassword,
      auth: 'secEnterprise',
    }),
  });
  const body = (await res.json()) as { logonToken?: string };
  if (res.status !== 200 || !body.logonToken) throw new Error(`logon answered ${res.status}`);
  return body.logonToken;
}

/** Logs a token off directly. */
export async function logoffDirectly(world: World, token: string): Promise<void> {
  const res = await fetch(`${world.bi.url}/logoff`, {
    method: 'POST',
    headers: { 'x-sap-logontoken': `"${token}"`, accept: 'application/json' },
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`logoff answered ${res.status}`);
}

/** Polls `check` every 20 ms until it holds or `timeoutMs` passes. */
export async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export { startBiProxy, type BiProxy } from './bi-proxy.js';
