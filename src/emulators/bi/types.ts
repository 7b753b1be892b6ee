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
  /** How server-side runs behave (bi4-instances.md 3.5, 8.6). */
  schedule?: BiEmulatorScheduleOptions;
  /**
   * Rights per user name; a user not listed has every right. By default `viewer` (a user of the
   * default `users`) may view instances but not schedule.
   */
  rights?: Record<string, BiEmulatorRights>;
  /** Keep at most this many finished instances per object, purging the oldest; default no limit. */
  instanceLimit?: number;
  /** Format of dates in CMS query answers (`dd`, `MM`, `yyyy`, `HH`, `mm`, `ss`, UTC); `iso` for ISO. */
  cmsDateFormat?: string;
}

/** Durations and outcomes of server-side runs; every field can be changed with `setSchedule`. */
export interface BiEmulatorScheduleOptions {
  /** Time a new instance stays Pending (9); default 50 ms. */
  pendingMs?: number;
  /** Time it then stays Running (0); default 200 ms; `Infinity` never finishes. */
  runMs?: number;
  /** The next run fails (3): `true` with a stock message, a string with that message. One-shot. */
  failNext?: boolean | string;
  /** The next run ends with this status instead (8 Paused, 13 Expired, 14 Warning). One-shot. */
  nextStatus?: 8 | 13 | 14;
}

export interface BiEmulatorRights {
  /** Schedule objects and delete instances; default true. */
  schedule?: boolean;
  /** Download instance and repository files; default true. */
  view?: boolean;
}

export interface BiEmulatorStats {
  openSessions: number;
  openDocuments: number;
  logons: number;
  logoffs: number;
  exports: number;
  /** Instances created by a schedule call (not the sample ones). */
  instancesCreated: number;
  /** Runs that ended, whatever their outcome. */
  schedulesRun: number;
  /** Instances deleted by a call or purged by the instance limit. */
  instancesDeleted: number;
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
  /** Changes run durations and outcomes from now on (merged into the current settings). */
  setSchedule(schedule: BiEmulatorScheduleOptions): void;
  /** Ends every session, as if each logon token had timed out. */
  expireAllSessions(): void;
  close(): Promise<void>;
}
