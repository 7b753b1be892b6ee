/**
 * The HTTP server: parses each request into an exchange, counts it, adds latency, injects faults,
 * routes it, and turns thrown wire errors into the envelope of the layer they belong to.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { layerOf, sendRaw, type EmulatorState, type Exchange } from './exchange.js';
import { acceptKind } from './export.js';
import { buildCatalog } from './fixtures.js';
import { handleCmsQuery, handleInfostore } from './infostore.js';
import { handleLogoff, handleLogon } from './logon.js';
import { sampleInstanceRecords } from './instance-fixtures.js';
import { InstanceStore } from './instances.js';
import { handleRaylight } from './raylight.js';
import { DEFAULT_RIGHTS } from './rights.js';
import { DEFAULT_CMS_DATE_FORMAT } from './cms-values.js';
import { SessionStore } from './sessions.js';
import type { BiEmulator, BiEmulatorFaults, BiEmulatorOptions, BiEmulatorStats } from './types.js';
import { errorBody, negotiate, WireError } from './wire.js';

/** The demo account; the password is a fixed demo value, fine to print. */
export const demoCredentials: {
  username: 'Administrator';
  password: string;
  auth: 'secEnterprise';
} = { username: 'Administrator', password: 'Demo-Password-1', auth: 'secEnterprise' };

const BASE_PATH = '/biprws';
const DEFAULT_MAX_SESSIONS = 10;
const DEFAULT_TIMEOUT_MS = 20 * 60 * 1000;
const DEFAULT_LARGE_EXPORT_BYTES = 64 * 1024 * 1024;
// Above the sample objects (61xx) and instances (62xx), so new instances sort after them.
const FIRST_RUNTIME_ID = 7001;

/** mulberry32: a tiny seeded generator, so a fault pattern can be replayed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `GET /raylight/v1/documents/{id}`-style key: ids, CUIDs and data provider ids become `{id}`. */
function endpointKey(method: string, segments: string[]): string {
  const shape = segments.map((s, i) => {
    if (/^\d+$/.test(s) || s.startsWith('cuid_') || /^DP\d+$/.test(s)) return '{id}';
    if (segments[i - 1] === 'infostore' && s !== 'children' && s !== 'folder') return '{id}';
    if (segments[i - 1] === 'folder' && segments[i - 2] === 'infostore') return '{id}';
    return s;
  });
  return `${method} /${shape.join('/')}`;
}

/** Strips the `/v1` alias of platform calls (`/v1/logon/long`, `/v1/logoff`, `/v1/cmsquery`). */
function platformRoute(segments: string[]): string[] {
  return segments[0] === 'v1' ? segments.slice(1) : segments;
}

async function route(ex: Exchange): Promise<void> {
  if (ex.segments[0] === 'raylight' && ex.segments[1] === 'v1') return handleRaylight(ex);

  const [first, second, third] = platformRoute(ex.segments);
  if (first === 'logon' && second === 'long' && third === undefined) return handleLogon(ex);
  if (first === 'logoff' && second === undefined) return handleLogoff(ex);
  if (first === 'cmsquery' && second === undefined) return handleCmsQuery(ex);
  if (first === 'infostore' && ex.segments[0] === 'infostore') return handleInfostore(ex);
  throw new WireError(404, 'RWS 00005', `No such platform resource: ${ex.path}.`);
}

function latencyKind(ex: Exchange): 'logon' | 'export' | 'other' {
  if (platformRoute(ex.segments)[0] === 'logon') return 'logon';
  const exporting = ex.segments[0] === 'raylight' && ex.method === 'GET';
  const kind = acceptKind(ex.req.headers.accept);
  return exporting && kind !== 'wire' && kind !== 'unsupported' ? 'export' : 'other';
}

/** Starts the emulator on loopback (port 0 by default) and resolves once it listens. */
export async function startBiEmulator(options: BiEmulatorOptions = {}): Promise<BiEmulator> {
  const host = options.host ?? '127.0.0.1';
  const catalog = buildCatalog(options.generatedDocuments ?? 0);
  const largeExportBytes = options.largeExportBytes ?? DEFAULT_LARGE_EXPORT_BYTES;
  const counters = {
    logons: 0,
    logoffs: 0,
    exports: 0,
    instancesCreated: 0,
    schedulesRun: 0,
    instancesDeleted: 0,
  };
  // New SI_IDs come after every stored one: the CMS assigns them increasingly.
  const firstId = Math.max(FIRST_RUNTIME_ID, ...catalog.documents.map((d) => d.id + 1));
  const instances = new InstanceStore(
    firstId,
    options.instanceLimit,
    largeExportBytes,
    counters,
    options.schedule ?? {},
  );
  for (const record of sampleInstanceRecords(catalog, largeExportBytes)) instances.seed(record);
  const state: EmulatorState = {
    catalog,
    sessions: new SessionStore(options.sessionTimeoutMs ?? DEFAULT_TIMEOUT_MS),
    users: options.users ?? {
      [demoCredentials.username]: demoCredentials.password,
      // A user without the schedule right (rights.ts), with the same demo password.
      viewer: demoCredentials.password,
    },
    maxSessions: options.maxSessions ?? DEFAULT_MAX_SESSIONS,
    largeExportBytes,
    exportBytesPerSecond: options.exportBytesPerSecond,
    counters,
    instances,
    rights: options.rights ?? DEFAULT_RIGHTS,
    cmsDateFormat: options.cmsDateFormat ?? DEFAULT_CMS_DATE_FORMAT,
  };
  const requests: Record<string, number> = {};
  const latency = options.latencyMs ?? {};
  let faults: BiEmulatorFaults = { ...options.faults };
  const random = seededRandom(options.seed ?? Date.now());
  let baseUrl = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const inBase = url.pathname === BASE_PATH || url.pathname.startsWith(`${BASE_PATH}/`);
    const path = inBase ? url.pathname.slice(BASE_PATH.length) || '/' : url.pathname;
    let segments: string[];
    try {
      segments = path
        .split('/')
        .filter((s) => s !== '')
        .map(decodeURIComponent);
    } catch {
      segments = ['?'];
    }
    const ex: Exchange = {
      req,
      res,
      method,
      path,
      segments: inBase ? segments : ['?'],
      query: url.searchParams,
      format: negotiate(req.headers.accept),
      baseUrl,
      state,
      drop: false,
    };
    const key = endpointKey(method, segments);
    requests[key] = (requests[key] ?? 0) + 1;

    try {
      const delay = latency[latencyKind(ex)] ?? 0;
      if (delay > 0) await sleep(delay);

      if (random() < (faults.serverErrorRate ?? 0)) {
        throw new WireError(500, 'WSR 00999', 'An internal error occurred (injected fault).');
      }
      ex.drop = random() < (faults.dropRate ?? 0);
      await route(ex);
    } catch (error) {
      if (res.headersSent) {
        res.socket?.destroy();
        return;
      }
      const wire =
        error instanceof WireError
          ? error
          : new WireError(500, 'WSR 00999', 'An internal error occurred in the emulator.');
      const type = ex.format === 'json' ? 'application/json' : 'application/xml';
      sendRaw(ex, wire.status, errorBody(wire, layerOf(path), ex.format), `${type};charset=UTF-8`);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}${BASE_PATH}`;

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    stats(): BiEmulatorStats {
      // Runs end lazily (instances.ts): bring them up to date before counting.
      state.instances.advance();
      return {
        openSessions: state.sessions.size,
        openDocuments: state.sessions.openDocuments,
        ...state.counters,
        requests: { ...requests },
      };
    },
    setFaults(next) {
      faults = { ...next };
    },
    setMaxSessions(n) {
      state.maxSessions = n;
    },
    setSchedule(schedule) {
      state.instances.configure(schedule);
    },
    expireAllSessions() {
      state.sessions.expireAll();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
