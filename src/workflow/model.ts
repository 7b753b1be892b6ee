/**
 * The parsed form of an Azot workflow (grammar: /work/shared/api/azot.md §1.2). Every node keeps
 * its file and line so that runtime errors can point at the XML that caused them.
 */
import type { Location } from './xml.js';

/** The namespace of bidrop's additions to the Azot grammar. */
export const EXTENSIONS_NS = 'https://bidrop.dev/azot-extensions';

export interface VariableDecl extends Location {
  id: string;
  value: string;
  /** Whether this declaration replaces a value the variable already has. */
  overwrite: boolean;
  /** Whether the final value goes into the report's `<properties>`. */
  report: boolean;
  /** `bidrop:secret="true"`: the value is redacted from all output. */
  secret: boolean;
}

export interface HeaderDecl extends Location {
  name: string;
  value: string;
}

export interface ContentDecl extends Location {
  name: string;
  type: string;
  text: string;
}

export interface ExternalContentDecl extends Location {
  name: string;
  type: string;
  filename: string;
}

export interface RequestDecl extends Location {
  url: string;
  method: string;
  headers: HeaderDecl[];
  contents: ContentDecl[];
  externalContents: ExternalContentDecl[];
  /** `bidrop:body-file`: a file streamed as the raw request body (a Dropbox upload). */
  bodyFile: string | undefined;
}

export interface AssertDecl extends Location {
  expected: string;
  actual: string;
}

export interface ResponseDecl extends Location {
  namespaceAware: boolean;
  variables: VariableDecl[];
  asserts: AssertDecl[];
  /** `bidrop:save-to`: the body is streamed to this file (a PDF export). */
  saveTo: string | undefined;
}

export interface CallStep extends Location {
  kind: 'call';
  name: string;
  request: RequestDecl | undefined;
  response: ResponseDecl | undefined;
}

export interface IncludeStep extends Location {
  kind: 'workflow';
  filename: string;
  fork: boolean;
  variables: VariableDecl[];
}

export interface LoopStep extends Location {
  kind: 'loop';
  in: string;
  variableId: string;
  steps: Step[];
}

export interface RepeatStep extends Location {
  kind: 'repeat';
  times: string;
  variableId: string;
  steps: Step[];
}

export type Step = CallStep | IncludeStep | LoopStep | RepeatStep;

export interface WorkflowDef {
  /** Absolute path of the file it was read from. */
  file: string;
  name: string;
  context: VariableDecl[];
  steps: Step[];
}
