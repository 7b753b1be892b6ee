/**
 * What the Dropbox client reports while it works. Library code emits these instead of logging;
 * the CLI and the server decide the level (request/chunk at debug, retry at warn). None carries a
 * token, a query string or file content.
 */
export type DropboxEvent =
  | {
      type: 'request';
      /** Route path, e.g. `/2/files/upload_session/append_v2` or `/oauth2/token`. */
      route: string;
      /** HTTP status; 0 when no response arrived (dropped connection). */
      status: number;
      ms: number;
      /** The decoded error code when the call failed. */
      error?: string;
    }
  | { type: 'retry'; route: string; attempt: number; delayMs: number; reason: string }
  | { type: 'refresh'; destination: string; reason: 'expiring' | 'expired_access_token' }
  | { type: 'chunk'; path: string; offset: number; bytes: number };

export type DropboxEventListener = (event: DropboxEvent) => void;

/** Calls the listener, never letting its failure break an upload. */
export function emitter(listener: DropboxEventListener | undefined): DropboxEventListener {
  if (!listener) return () => undefined;
  return (event) => {
    try {
      listener(event);
    } catch {
      // A broken listener must not turn a delivered file into a failure.
    }
  };
}
