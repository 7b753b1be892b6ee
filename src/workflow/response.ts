/**
 * Judges a call's response: its captures (stored in the scope), its asserts, and the status
 * check bidrop adds (a 4xx or 5xx fails the call unless an assert reads the status).
 */
import { redact } from '../core/index.js';
import { ResponseReader } from './capture.js';
import type { CallResult } from './events.js';
import type { Received } from './http.js';
import type { CallStep, VariableDecl } from './model.js';
import type { Scope } from './scope.js';
import { at } from './xml.js';

/** Captures, then asserts, then the status check; the first failure decides the outcome. */
export function judgeResponse(
  step: CallStep,
  received: Received,
  scope: Scope,
  name: string,
  result: CallResult,
  hooks: { captured: (decl: VariableDecl, value: string) => void },
): void {
  const response = step.response;
  const reader = new ResponseReader(received, response?.namespaceAware ?? false, name);
  const responseLookup = reader.lookup();
  const lookup = (id: string): string | undefined => responseLookup(id) ?? scope.get(id);

  const checksStatus = (response?.asserts ?? []).some((a) =>
    /meta:(HttpCode|Status)/.test(a.actual + a.expected),
  );
  // Checked first: captures and asserts on an error page would only add a confusing second error.
  if (received.status >= 400 && !checksStatus) {
    const body = (received.text ?? '').replace(/\s+/g, ' ').trim().slice(0, 300);
    result.outcome = 'failure';
    result.code = 'WORKFLOW_HTTP_STATUS';
    result.message = redact(
      `${at(step)}: HTTP ${received.status} from ${result.method} ${pathOf(result.url)}` +
        (body ? `: ${body}` : ''),
    );
    return;
  }

  for (const decl of response?.variables ?? []) {
    if (!decl.overwrite && scope.has(decl.id)) continue;
    const value = reader.evaluate(decl.value, lookup, decl);
    scope.set(decl.id, value);
    hooks.captured(decl, value);
  }

  for (const check of response?.asserts ?? []) {
    const actual = reader.evaluate(check.actual, lookup, check);
    const expected = reader.evaluate(check.expected, lookup, check);
    if (actual !== expected) {
      result.outcome = 'failure';
      result.code = 'WORKFLOW_ASSERT_FAILED';
      result.message = redact(
        `${at(check)}: assert failed: expected "${expected}", actual "${actual}"`,
      );
      return;
    }
  }
}

/** The path of `url`, never its query (which may hold a secret). */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}
