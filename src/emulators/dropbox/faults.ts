/**
 * Fault injection on `/2/` routes: 429 with `Retry-After` (note §8.4), 5xx, a connection dropped
 * while the body is read, or a response lost after the call took effect.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { drain, loseResponse, sendJson, sendText } from './http-io.js';
import type { EmulatorState } from './state.js';

export type Fault = 'drop' | '429' | '5xx' | 'lose';

/** Which fault, if any, this call gets; one draw per call from the seeded generator. */
export function decideFault(state: EmulatorState, path: string): Fault | undefined {
  const faults = state.faults;
  const routes = faults.routes ?? state.faultRoutes;
  if (routes ? !routes.includes(path) : !path.startsWith('/2/')) return undefined;

  const draw = state.faultRandom();
  let edge = 0;
  for (const [fault, share] of [
    ['drop', faults.dropRate],
    ['429', faults.rate429],
    ['5xx', faults.rate5xx],
    ['lose', faults.dropResponseRate],
  ] as const) {
    edge += share ?? 0;
    if (draw < edge) return fault;
  }
  return undefined;
}

/** Carries a fault out; true when the call is over, false when it should go on. */
export async function injectFault(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  fault: Fault,
  writes: boolean,
): Promise<boolean> {
  if (fault === 'lose') {
    loseResponse(res);
    return false;
  }
  if (fault === 'drop') {
    await readPartway(req);
    req.socket.destroy();
    return true;
  }

  drain(req);
  if (fault === '5xx') {
    const status = state.faultRandom() < 0.5 ? 500 : 503;
    sendText(res, status, status === 500 ? 'Internal Server Error' : 'Service Unavailable');
    return true;
  }

  // Write routes contend for the namespace lock; others hit the per-user rate limit (§8.4).
  const retryAfter = state.faults.retryAfterSec ?? 1;
  const reason = writes ? 'too_many_write_operations' : 'too_many_requests';
  sendJson(
    res,
    429,
    { error_summary: `${reason}/`, error: { reason: { '.tag': reason }, retry_after: retryAfter } },
    { 'Retry-After': String(retryAfter) },
  );
  return true;
}

/** Reads about half of a body (or its first chunk when the length is unknown), then stops. */
function readPartway(req: IncomingMessage): Promise<void> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared === 0 || (req.headers['transfer-encoding'] === undefined && !(declared > 0))) {
    return Promise.resolve();
  }
  const enough = Number.isFinite(declared) ? Math.max(1, Math.floor(declared / 2)) : 1;
  return new Promise((resolve) => {
    let seen = 0;
    const stop = () => {
      req.off('data', onData);
      req.pause();
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen >= enough) stop();
    };
    req.on('data', onData);
    req.once('end', stop);
    req.once('error', stop);
  });
}
