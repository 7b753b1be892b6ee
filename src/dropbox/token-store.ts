/**
 * Dropbox tokens at rest: one file per destination under `<stateDir>/tokens/`, encrypted with
 * AES-256-GCM, mode 0600, written atomically (temp file + rename) so a reader never sees half a
 * file. The key comes from BIDROP_SECRET_KEY, else from `<stateDir>/secret.key` (32 random bytes,
 * 0600, created on first use). The destination name is the GCM additional data, so a file copied
 * to another destination's name does not decrypt.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

import { DropboxError, registerSecret } from '../core/index.js';

export interface StoredTokens {
  accessToken: string;
  refreshToken?: string;
  /** Milliseconds since the epoch; Number.MAX_SAFE_INTEGER for a token without expiry. */
  expiresAt: number;
  /** How long the access token was issued for, in milliseconds, when the server said. */
  lifetimeMs?: number;
  accountId?: string;
  email?: string;
  name?: string;
  scope?: string;
}

interface SealedFile {
  v: 1;
  alg: 'aes-256-gcm';
  iv: string;
  tag: string;
  data: string;
}

const KEY_FILE = 'secret.key';

/** Encrypted token files in the state folder. */
export class TokenStore {
  private key: Buffer | undefined;

  constructor(
    private readonly stateDir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The tokens saved for `destination`, or undefined when it was never authorised. */
  async load(destination: string): Promise<StoredTokens | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileOf(destination), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw storeError(
        'DROPBOX_TOKEN_STORE_UNREADABLE',
        `Cannot read the token file of ${destination}`,
        error,
      );
    }

    const tokens = this.open(destination, text, await this.getKey());
    registerSecret(tokens.accessToken);
    registerSecret(tokens.refreshToken);
    return tokens;
  }

  /** Replaces the tokens of `destination`. */
  async save(destination: string, tokens: StoredTokens): Promise<void> {
    registerSecret(tokens.accessToken);
    registerSecret(tokens.refreshToken);
    const key = await this.getKey();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(destination, 'utf8'));
    const data = Buffer.concat([cipher.update(JSON.stringify(tokens), 'utf8'), cipher.final()]);
    const sealed: SealedFile = {
      v: 1,
      alg: 'aes-256-gcm',
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    await writePrivate(this.fileOf(destination), `${JSON.stringify(sealed)}\n`);
  }

  /** Forgets the tokens of `destination`; nothing happens when there are none. */
  async remove(destination: string): Promise<void> {
    await rm(this.fileOf(destination), { force: true });
  }

  /** The file that holds `destination`'s tokens (for messages and tests). */
  fileOf(destination: string): string {
    const safe = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,100}$/.test(destination)
      ? destination
      : createHash('sha256').update(destination).digest('hex').slice(0, 32);
    return path.join(this.stateDir, 'tokens', `dropbox-${safe}.json`);
  }

  private open(destination: string, text: string, key: Buffer): StoredTokens {
    try {
      const sealed = JSON.parse(text) as SealedFile;
      if (sealed.v !== 1 || sealed.alg !== 'aes-256-gcm') throw new Error('unknown format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(destination, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      const plain = Buffer.concat([
        decipher.update(Buffer.from(sealed.data, 'base64')),
        decipher.final(),
      ]);
      const tokens = JSON.parse(plain.toString('utf8')) as StoredTokens;
      if (typeof tokens.accessToken !== 'string' || typeof tokens.expiresAt !== 'number') {
        throw new Error('missing fields');
      }
      return tokens;
    } catch {
      // The cause is deliberately dropped: a decryption error could echo key or content material.
      throw new DropboxError(
        'DROPBOX_TOKEN_STORE_UNREADABLE',
        `The saved Dropbox tokens of ${destination} cannot be decrypted`,
        {
          hint: `The key changed (BIDROP_SECRET_KEY or ${KEY_FILE}) or the file is damaged: run \`bidrop auth dropbox --destination ${destination}\` again.`,
        },
      );
    }
  }

  private async getKey(): Promise<Buffer> {
    this.key ??= this.env.BIDROP_SECRET_KEY
      ? keyFromSecret(this.env.BIDROP_SECRET_KEY)
      : await this.keyFile();
    return this.key;
  }

  /** Reads the key file, creating it on first use; two processes racing both end with one key. */
  private async keyFile(): Promise<Buffer> {
    const file = path.join(this.stateDir, KEY_FILE);
    await mkdir(this.stateDir, { recursive: true, mode: 0o700 });
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(`${randomBytes(32).toString('base64')}\n`);
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw storeError('DROPBOX_TOKEN_STORE_UNREADABLE', `Cannot create ${file}`, error);
      }
    }
    for (let attempt = 0; ; attempt++) {
      const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
      if (key.length === 32) return key;
      // Another process may be between creating and writing the file.
      if (attempt >= 20) {
        throw new DropboxError(
          'DROPBOX_TOKEN_STORE_UNREADABLE',
          `${file} does not hold a 32-byte key`,
          {
            hint: 'Delete it and authorise again, or set BIDROP_SECRET_KEY.',
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/**
 * BIDROP_SECRET_KEY: 64 hex digits or 44 base64 characters are used as the raw 32-byte key; any
 * other text is a passphrase stretched with scrypt (fixed salt: the key must be reproducible on
 * every machine that shares the state folder).
 */
export function keyFromSecret(secret: string): Buffer {
  const text = secret.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const base64 = /^[A-Za-z0-9+/]{43}=?$/.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (base64?.length === 32) return base64;
  return scryptSync(text, 'bidrop token store v1', 32);
}

async function writePrivate(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The umask cannot widen 0600, but an existing file's mode is kept by rename: set it explicitly.
  await chmod(temp, 0o600);
  await rename(temp, file);
}

function storeError(code: string, message: string, cause: unknown): DropboxError {
  return new DropboxError(code, message, {
    hint: 'Check the permissions of the state folder (BIDROP_HOME or `state:` in bidrop.yaml).',
    cause,
  });
}
