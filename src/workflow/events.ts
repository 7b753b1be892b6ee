/** What a run reports: events while it goes, results when it ends. All text is redacted. */

export type CallOutcome = 'success' | 'failure' | 'error';

export interface CallResult {
  /** 0-based position among all calls of the run, nested workflows included. */
  index: number;
  /** Name of the workflow the call belongs to. */
  workflow: string;
  name: string;
  method: string;
  url: string;
  /** HTTP status, when a response arrived. */
  status: number | undefined;
  startTime: number;
  endTime: number;
  /** `success`; `failure` (an assert or an HTTP error status); `error` (the call could not run). */
  outcome: CallOutcome;
  /** The WORKFLOW_… code of a failure or error. */
  code: string | undefined;
  message: string | undefined;
  /** Where the body was written (`bidrop:save-to` or `azot-dump`). */
  savedPath: string | undefined;
  bytes: number;
}

export interface WorkflowResult {
  name: string;
  file: string;
  startTime: number;
  endTime: number;
  calls: CallResult[];
  /** Variables declared with `report="true"`, with their final values. */
  properties: Record<string, string>;
  /** Whether every call succeeded. */
  ok: boolean;
}

export type WorkflowEvent =
  | { type: 'workflow-start'; name: string; file: string; depth: number; fork: boolean }
  | { type: 'workflow-end'; name: string; file: string; depth: number }
  | { type: 'call-start'; index: number; name: string; method: string; url: string }
  | { type: 'call-end'; call: CallResult }
  | { type: 'variable'; id: string; value: string }
  | { type: 'notice'; message: string };
