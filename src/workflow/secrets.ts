/**
 * Which workflow values are secrets. Azot has no notion of one, so bidrop infers it: a variable
 * whose name says so, a value sent in or received from a secret header, a value captured from
 * one, or a variable marked `bidrop:secret="true"`. Each is registered with core/redact.ts, so
 * every line, report and error bidrop prints has it masked.
 */
import { registerSecret, secretHeaders } from '../core/index.js';

const SECRET_NAME = /pass(word|wd)?|pwd|secret|token|credential|api[-_]?key|authorization/i;

/** Whether a variable named `id` holds a secret by its name alone. */
export function isSecretName(id: string): boolean {
  return SECRET_NAME.test(id);
}

/** Whether a capture expression reads a secret response header. */
export function readsSecretHeader(expression: string): boolean {
  return [...expression.matchAll(/\$\{header:([^}]+)\}/g)].some((m) =>
    secretHeaders.has((m[1] ?? '').toLowerCase()),
  );
}

/**
 * Registers `value` and the forms it travels in: without the quotes BI puts around its token,
 * XML-escaped as in a logon response body, and without an `Authorization` scheme.
 */
export function rememberSecret(value: string): void {
  const forms = new Set([value, value.replace(/^"(.*)"$/s, '$1')]);
  for (const form of [...forms]) {
    forms.add(form.replace(/&/g, '&amp;'));
    forms.add(form.replace(/^(Bearer|Basic|Negotiate)\s+/i, ''));
  }
  for (const form of forms) registerSecret(form);
}

/** Registers the values of secret headers, sent or received. */
export function rememberHeaderSecrets(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (secretHeaders.has(name.toLowerCase())) rememberSecret(value);
  }
}
