/** The emulator's public options, counters and handle (see index.ts). */

export interface BiEmulatorFaults {
  /** Share (0..1) of requests answered with a 500 and the platform's error body. */
  serverErrorRate?: number;
  /** Share (0..1) of requests whose connection is destroyed part-way through the response. */
  dropRate?: number;
}

export interface BiEmulatorOptions {
  /** 0 = any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** User name -> password; default `demoCredentials`. */
  users?: Record<string, string>;
  /** Licence: concurrent logon sessions; default 10. */
  maxSessions?: number;
  /** Idle timeout of a session; default 20 min. */
  sessionTimeoutMs?: number;
  /** Added to each call of that kind. */
  latencyMs?: { logon?: number; export?: number; other?: number };
  /** Throttles export bodies; default unlimited. */
  exportBytesPerSecond?: number;
  faults?: BiEmulatorFaults;
  /** Extra prompt-less documents in /Generated (for benchmarks); default 0. */
  generatedDocuments?: number;
  /** Size of the export of the "Large Export" document; default 64 MiB. */
  largeExportBytes?: number;
  /** Seed of the fault randomness, for repeatable runs. */
  seed?: number;
}

export interface BiEmulatorStats {
  openSessions: number;
  openDocuments: number;
  logons: number;
  logoffs: number;
  exports: number;
  /** Requests per endpoint, keyed like `GET /raylight/v1/documents/{id}`. */
  requests: Record<string, number>;
}

export interface BiEmulator {
  /** Base URL, e.g. `http://127.0.0.1:PORT/biprws`. */
  readonly url: string;
  readonly port: number;
  stats(): BiEmulatorStats;
  setFaults(faults: BiEmulatorFaults): void;
  setMaxSessions(n: number): void;
  /** Ends every session, as if each logon token had timed out. */
  expireAllSessions(): void;
  close(): Promise<void>;
}
