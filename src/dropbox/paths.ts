/**
 * Dropbox path rules (api/dropbox.md §7.8), checked before any byte is sent so that a path Dropbox
 * would refuse fails at once with the reason, and a report title can always become a safe name.
 */
import { DropboxError } from '../core/index.js';

/**
 * Characters Dropbox refuses or mangles in a name: NUL and other controls, DEL, the separators
 * (`/` splits a name, `\` is refused), per §7.8 and rclone's Dropbox encoding.
 */
// eslint-disable-next-line no-control-regex
const forbidden = /[\u0000-\u001f\u007f/\\]/;

/** Names Dropbox ignores or refuses (`disallowed_name`), compared case-insensitively (§7.8). */
const disallowedNames = new Set([
  'desktop.ini',
  'thumbs.db',
  '.ds_store',
  'icon\r',
  '.dropbox',
  '.dropbox.attr',
]);

/** One component's limit, counted in UTF-16 units as Dropbox appears to (§7.8). */
export const MAX_NAME_LENGTH = 255;

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function malformed(path: string, reason: string): DropboxError {
  return new DropboxError(
    'DROPBOX_MALFORMED_PATH',
    `Dropbox would refuse the path ${JSON.stringify(path)}: ${reason}`,
    {
      hint: 'Change the target path or the template that built it.',
    },
  );
}

/** Throws DROPBOX_MALFORMED_PATH, naming the reason, when `path` is not a valid file path. */
export function validateDropboxPath(path: string): void {
  if (!path.startsWith('/')) throw malformed(path, 'it must start with "/"');
  if (path === '/') throw malformed(path, 'it names the root folder, not a file');
  if (path.endsWith('/')) throw malformed(path, 'it must not end with "/"');
  if (/\s$/.test(path)) throw malformed(path, 'it must not end with whitespace');
  if (loneSurrogate.test(path)) throw malformed(path, 'it contains invalid Unicode');

  for (const name of path.slice(1).split('/')) {
    if (name === '') throw malformed(path, 'it contains an empty component ("//")');
    if (name === '.' || name === '..') throw malformed(path, `it contains a "${name}" component`);
    if (disallowedNames.has(name.toLowerCase())) {
      throw malformed(path, `"${printable(name)}" is a name Dropbox does not store`);
    }
    if (forbidden.test(name)) {
      throw malformed(path, `"${printable(name)}" contains a control character or a backslash`);
    }
    if (name.endsWith(' ')) throw malformed(path, `"${name}" ends with a space`);
    if (name.length > MAX_NAME_LENGTH) {
      throw malformed(path, `a component is longer than ${MAX_NAME_LENGTH} characters`);
    }
  }
}

// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u001f\u007f]/g;

function printable(name: string): string {
  return name.replace(controls, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Turns any text (a report title, a prompt value) into one safe path component: separators and
 * controls become `_`, surrounding spaces go, `.`/`..`/empty and reserved names are made inert,
 * and the result fits in 255 units with the extension kept.
 */
export function sanitizePathSegment(name: string): string {
  let out = name
    .normalize('NFC')
    .replace(new RegExp(loneSurrogate.source, 'g'), '_')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f/\\]/g, '_')
    .trim();

  if (out === '' || /^\.+$/.test(out)) out = out.replace(/\./g, '_') || '_';
  if (disallowedNames.has(out.toLowerCase())) out = `_${out}`;
  return truncate(out, MAX_NAME_LENGTH).trimEnd() || '_';
}

/** Shortens to `max` UTF-16 units, keeping a short extension and never splitting a pair. */
function truncate(name: string, max: number): string {
  if (name.length <= max) return name;

  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let stem = name.slice(0, max - ext.length);
  if (/[\ud800-\udbff]$/.test(stem)) stem = stem.slice(0, -1);
  return stem + ext;
}
