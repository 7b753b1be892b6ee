/**
 * Scenario 6, one size: a publication that bursts into `count` small deliveries (10 documents,
 * one prompt with count/10 values), planned and run by bidrop's runner into a folder destination,
 * in a process of its own so its peak memory can be measured (child/report-rss.js). The source is
 * an in-process stand-in that answers at once with a few bytes: what is measured is planning,
 * history and the runner, not the BI platform.
 *
 * Usage: node scale.js COUNT WORKDIR; prints { planMs, historyMs, runMs, retainedHeapKiB } as JSON.
 * retainedHeapKiB is the heap still in use after a forced collection at the end, with the run's
 * result alive: what the run keeps, as opposed to garbage not yet collected (which RSS includes).
 */
import path from 'node:path';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';

import { parseConfig } from '../../dist/config/index.js';
import { createFolderDestination } from '../../dist/destinations/index.js';
import { planPublication, runPublication } from '../../dist/publish/index.js';
import { History, openHistory } from '../../dist/store/index.js';

const DOCUMENTS = 10;
const [countText, workdir] = process.argv.slice(2);
const count = Number(countText);
const values = Array.from(
  { length: count / DOCUMENTS },
  (_, i) => `Value ${String(i).padStart(5, '0')}`,
);

// The bi section is required by the schema; the stand-in source below never calls it.
const yaml = `
bi:
  url: http://127.0.0.1:9/biprws
  username: bench
  password: unused
state: ./state
destinations:
  out:
    type: folder
    path: ./out
publications:
  burst:
    documents:
${Array.from({ length: DOCUMENTS }, (_, i) => `      - id: ${7000 + i}`).join('\n')}
    formats: [csv]
    prompts:
      Key: [${values.map((v) => JSON.stringify(v)).join(', ')}]
    to: out:/{document}/{Key}.{ext}
`;
const config = parseConfig(yaml, path.join(workdir, 'bidrop.yaml'), {});
const publication = config.publications.burst;

const info = (id) => ({ id, cuid: `cuid-${id}`, name: `Document ${id}` });
const source = {
  async findDocuments() {
    return [];
  },
  async resolveDocument(ref) {
    return info(ref.id);
  },
  async listReports() {
    return ['Report 1'];
  },
  async export(request) {
    const body = `Key;Value\n${JSON.stringify(request.prompts)};${request.document.id}\n`;
    return {
      document: info(request.document.id),
      contentType: 'text/csv',
      body: Readable.from([Buffer.from(body)]),
      size: body.length,
      rows: 1,
      release: async () => {},
    };
  },
  async close() {},
};

// Planning alone, as `bidrop run --dry-run` does it.
let started = performance.now();
const plan = await planPublication('burst', publication, source);
const planMs = performance.now() - started;
if (plan.deliveries.length !== count) throw new Error(`planned ${plan.deliveries.length}`);

// Every history write of the run, timed where it happens.
let historyMs = 0;
for (const method of ['startRun', 'recordPlan', 'startDelivery', 'endDelivery', 'finishRun']) {
  const original = History.prototype[method];
  History.prototype[method] = function (...args) {
    const at = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      historyMs += performance.now() - at;
    }
  };
}

const history = openHistory(config.stateDir);
started = performance.now();
const result = await runPublication({
  name: 'burst',
  publication,
  source,
  destination: createFolderDestination('out', config.destinations.out),
  history,
  concurrency: config.destinations.out.concurrency,
});
const runMs = performance.now() - started;
history.close();
if (result.counts.delivered !== count)
  throw new Error(`delivered ${JSON.stringify(result.counts)}`);

v8.setFlagsFromString('--expose-gc');
vm.runInNewContext('gc')();
const retainedHeapKiB = Math.round(process.memoryUsage().heapUsed / 1024);
process.stdout.write(
  `${JSON.stringify({ planMs, historyMs, runMs, retainedHeapKiB, kept: result.results.length })}\n`,
);
