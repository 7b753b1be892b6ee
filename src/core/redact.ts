/**
 * Redaction of secrets. Two nets: names (headers, fields, config keys known to hold secrets) and
 * values (every secret bidrop learns is registered, and any text can be scrubbed of them).
 */

export const REDACTED = '[redacted]';

/** Header names whose values are secrets, lower case. */
export const secretHeaders: ReadonlySet<string> = new Set([
  'authorization',
  'x-sap-logontoken',
  'cookie',
  'set-cookie',
  'proxy-authorization',
]);

/** Field names (JSON, forms, config) whose values are secrets, lower case. */
export const secretFields: ReadonlySet<string> = new Set([
  'password',
  'secret',
  'appsecret',
  'client_secret',
  'access_token',
  'refresh_token',
  'accesstoken',
  'refreshtoken',
  'logontoken',
  'token',
  'code_verifier',
  'code',
]);

const knownSecrets = new Set<string>();

/**
 * Remembers a secret value so that `redact()` removes it from any text. Short values are ignored:
 * scrubbing "ab" from every message would destroy more than it protects.
 */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) knownSecrets.add(value);
}

/** Replaces every registered secret, and every `name=value` of a secret field, with a mark. */
export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out.replace(
    /\b(password|client_secret|access_token|refresh_token|code_verifier|logonToken)(["']?\s*[=:]\s*["']?)([^\s"'&,}]+)/gi,
    (_match, name: string, sep: string) => `${name}${sep}${REDACTED}`,
  );
}

/** A copy of `headers` with secret values masked, for debug output. */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = secretHeaders.has(name.toLowerCase()) ? REDACTED : redact(String(value));
  }
  return out;
}

/** A deep copy of `value` with secret fields masked, for logs and JSON output. */
export function redactObject<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => redactObject(item)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = secretFields.has(key.toLowerCase()) ? REDACTED : redactObject(item);
    }
    return out as T;
  }
  return (typeof value === 'string' ? redact(value) : value) as T;
}
