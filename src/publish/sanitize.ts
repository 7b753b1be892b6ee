/**
 * Making untrusted text (document names, report titles, prompt values) safe inside one path
 * component, for Dropbox and for the file systems the folder destination writes to
 * (DESIGN.md, "Untrusted text stays inert").
 */

// Separators, controls, and the characters Windows refuses in a name.
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u001f\u007f/\\:*?"<>|]/g;

/** Windows device names, with or without an extension; refused or misread by SMB shares. */
const deviceName = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

/** Names Dropbox will not store (api/dropbox.md §7.8). */
const dropboxIgnored = new Set([
  'desktop.ini',
  'thumbs.db',
  '.ds_store',
  '.dropbox',
  '.dropbox.attr',
]);

/** Longest component Dropbox accepts, in UTF-16 units. */
const maxComponent = 255;

/** One value for a template: no separator, no control character, never `.` or `..`. */
export function sanitizeValue(value: string): string {
  const out = value
    .normalize('NFC')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '_')
    .replace(unsafe, '_')
    .trim();
  return /^\.+$/.test(out) ? out.replace(/\./g, '_') : out;
}

/**
 * A whole rendered component: trailing dots and spaces go (Windows drops them silently, Dropbox
 * refuses a trailing space), reserved names get a `_` prefix, and the length fits.
 */
export function sanitizeComponent(component: string): string {
  let out = component.trim().replace(/[. ]+$/, '');
  if (out === '') return '';

  if (deviceName.test(out) || dropboxIgnored.has(out.toLowerCase())) out = `_${out}`;
  if (out.length > maxComponent) {
    const dot = out.lastIndexOf('.');
    const ext = dot > 0 && out.length - dot <= 16 ? out.slice(dot) : '';
    let stem = out.slice(0, maxComponent - ext.length).trimEnd();
    if (/[\ud800-\udbff]$/.test(stem)) stem = stem.slice(0, -1);
    out = stem + ext;
  }
  return out;
}
