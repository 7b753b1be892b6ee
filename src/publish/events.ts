/** What the runner reports while it works; the CLI, the server and the dashboard listen. */
import type { RunCounts, RunStatus } from '../store/index.js';
import type { PlannedDelivery } from './plan.js';

export type DeliveryResultStatus =
  'delivered' | 'unchanged' | 'empty' | 'no-instance' | 'failed' | 'interrupted';

export interface DeliveryResult {
  key: string;
  delivery: PlannedDelivery;
  status: DeliveryResultStatus;
  /** Final path at the destination (it may differ from the target with `conflict: add`). */
  path?: string;
  bytes?: number;
  contentHash?: string;
  revision?: string;
  link?: string;
  durationMs?: number;
  error?: { code: string; message: string; hint?: string };
  /** The platform instance delivered (or found unchanged), for latest-instance and schedule. */
  instance?: { id: number; cuid?: string; endedAt?: string };
  /** Done by an earlier attempt of this run; nothing was exported or uploaded this time. */
  previously?: boolean;
}

export type RunEvent =
  | {
      type: 'run-start';
      runId: number;
      publication: string;
      destination: string;
      total: number;
      /** Deliveries an earlier attempt of this run already finished. */
      alreadyDone: number;
      resumed: boolean;
    }
  | { type: 'delivery-start'; runId: number; key: string; delivery: PlannedDelivery }
  | { type: 'delivery-progress'; runId: number; key: string; bytes: number; size?: number }
  | {
      type: 'delivery-retry';
      runId: number;
      key: string;
      /** The attempt that failed (1-based). */
      attempt: number;
      delayMs: number;
      code: string;
    }
  | { type: 'delivery-end'; runId: number; result: DeliveryResult }
  | { type: 'run-end'; runId: number; publication: string; status: RunStatus; counts: RunCounts };
