/** What a `/2/` route declares, and what its handler receives. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Check } from './args.js';
import type { EmulatorState } from './state.js';
import type { AccessToken } from './tokens.js';

/** Route styles of note §1: how the argument and the result travel. */
export type RouteStyle = 'rpc' | 'upload' | 'download';

export interface Call<A> {
  state: EmulatorState;
  req: IncomingMessage;
  res: ServerResponse;
  arg: A;
  /** The caller's token (user-auth routes). */
  token: AccessToken | undefined;
}

export interface RouteDef<A = unknown> {
  style: RouteStyle;
  /** `user`: Bearer token; `app`: HTTP Basic app key and secret. */
  auth: 'user' | 'app';
  scope?: string;
  /** Argument check; `null` for Void-argument routes. */
  arg: Check<A> | null;
  /** Writes that count as write operations (429 fault body says too_many_write_operations). */
  writes?: boolean;
  /**
   * RPC and upload routes return the JSON result (undefined = `null`); download routes write the
   * response themselves.
   */
  handle(call: Call<A>): Promise<unknown>;
}

/** Declares a route; its argument type is inferred from the check (given first for that). */
export function route<A>(arg: Check<A> | null, def: Omit<RouteDef<A>, 'arg'>): RouteDef<unknown> {
  return { ...def, arg } as unknown as RouteDef<unknown>;
}
