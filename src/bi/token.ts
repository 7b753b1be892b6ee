/**
 * The logon token on the wire (bi4-rest.md §2.3): logon returns it already wrapped in double
 * quotes in the header and bare in the body; every later call sends it quoted exactly once.
 */

/** The token without one surrounding pair of double quotes. */
export function unquoteToken(value: string): string {
  const trimmed = value.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1)
    : trimmed;
}

/** The header value for a token: quoted exactly once, whatever form it came in. */
export function quoteToken(token: string): string {
  return `"${unquoteToken(token)}"`;
}
