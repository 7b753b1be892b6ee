/**
 * The JUnit report, in the shape the original writes (report/WorkflowReport.java): one
 * `<testsuite>` with a `<testcase>` per call, Azot's extra attributes `callName`,
 * `callStartTime` and `callEndTime` (ms from the start of the run), and `<properties>` for the
 * variables declared with `report="true"`.
 */
import { hostname } from 'node:os';

import { redact } from '../core/index.js';
import type { WorkflowResult } from './events.js';

function escape(text: string): string {
  return (
    redact(text)
      .replace(/[&<>"'\r\n\t]/g, (c) => `&#${c.charCodeAt(0)};`)
      // Characters XML 1.0 cannot hold at all are dropped rather than written.
      .replace(/[^\t\n\r\u{20}-\u{d7ff}\u{e000}-\u{fffd}\u{10000}-\u{10ffff}]/gu, '')
  );
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** The report for `result` as XML text; every value redacted. */
export function junitReport(result: WorkflowResult): string {
  const errors = result.calls.filter((c) => c.outcome === 'error').length;
  const failures = result.calls.filter((c) => c.outcome === 'failure').length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite errors="${errors}" failures="${failures}" hostname="${escape(hostname())}" ` +
      `name="${escape(result.name)}" tests="${result.calls.length}" ` +
      `time="${seconds(result.endTime - result.startTime)}" ` +
      `timestamp="${new Date(result.startTime).toISOString()}">`,
  ];

  const properties = Object.entries(result.properties);
  if (properties.length > 0) {
    lines.push('  <properties>');
    for (const [name, value] of properties) {
      lines.push(`    <property name="${escape(name)}" value="${escape(value)}"/>`);
    }
    lines.push('  </properties>');
  }

  for (const call of result.calls) {
    const start = call.startTime - result.startTime;
    const attrs =
      `classname="${escape(`${call.workflow}.${String(call.index).padStart(3, '0')}_${call.name}`)}" ` +
      `name="${escape(call.url)}" time="${seconds(call.endTime - call.startTime)}" ` +
      `callStartTime="${start}" callEndTime="${start + call.endTime - call.startTime}" ` +
      `callName="${escape(call.name)}"`;
    if (call.outcome === 'success') {
      lines.push(`  <testcase ${attrs}/>`);
      continue;
    }
    const message = escape(call.message ?? '');
    const type = escape(call.code ?? '');
    lines.push(`  <testcase ${attrs}>`);
    lines.push(
      call.outcome === 'failure'
        ? `    <failure type="${type}" message="${message}">${message}</failure>`
        : `    <error type="${type}" message="${message}">${message}</error>`,
    );
    lines.push('  </testcase>');
  }
  lines.push('</testsuite>', '');
  return lines.join('\n');
}
