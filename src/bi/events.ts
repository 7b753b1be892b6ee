/**
 * What the client reports while it works. Library code never logs: the CLI and the server turn
 * these events into log lines (`biEventLevel` says at which level). No event carries a token or a
 * password; paths never carry a query string.
 */

export type BiEvent =
  | { type: 'logon'; session: number; ms: number }
  | { type: 'logoff'; session: number; ok: boolean; code?: string }
  | { type: 'request'; method: string; path: string; status: number; ms: number }
  | { type: 'retry'; method: string; path: string; attempt: number; delayMs: number; code: string }
  | { type: 'relogon'; session: number }
  | { type: 'licence-wait'; delayMs: number; openSessions: number }
  | { type: 'cleanup-failed'; step: string; code: string; message: string }
  | { type: 'schedule'; instance: number; status: string };

/** The log level an event deserves: per-request detail at debug, back-off and leaks at warn. */
export function biEventLevel(event: BiEvent): 'debug' | 'info' | 'warn' {
  switch (event.type) {
    case 'retry':
    case 'licence-wait':
    case 'cleanup-failed':
      return 'warn';
    case 'relogon':
    case 'schedule':
      return 'info';
    default:
      return 'debug';
  }
}

/** A one-line description of an event, for human logs. */
export function describeBiEvent(event: BiEvent): string {
  switch (event.type) {
    case 'logon':
      return `BI logon (session ${event.session}, ${event.ms} ms)`;
    case 'logoff':
      return `BI logoff (session ${event.session}${event.ok ? '' : `, failed: ${event.code}`})`;
    case 'request':
      return `BI ${event.method} ${event.path} -> ${event.status} (${event.ms} ms)`;
    case 'retry':
      return `BI ${event.method} ${event.path}: ${event.code}, retry ${event.attempt} in ${event.delayMs} ms`;
    case 'relogon':
      return `BI session ${event.session} expired, logging on again`;
    case 'licence-wait':
      return `BI licences in use, waiting ${event.delayMs} ms for a free session`;
    case 'cleanup-failed':
      return `BI ${event.step} failed: ${event.code}: ${event.message}`;
    case 'schedule':
      return `BI run ${event.instance}: ${event.status}`;
  }
}
