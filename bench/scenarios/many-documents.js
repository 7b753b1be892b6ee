/**
 * Scenarios 1 and 4: a publication of many small documents through a licence of 8 BI sessions,
 * against the hand-made script (one document at a time), then the same publication again with
 * `whenUnchanged: skip`. Runs are interleaved (baseline, bidrop, bidrop again) so that load from
 * other processes hits all of them alike.
 */
import { demoCredentials } from '../../dist/emulators/bi/index.js';
import { handMadeRun } from '../baselines/hand-made.js';
import { runOnce } from '../lib/bidrop.js';
import { benchConfig, DESTINATION, writeAndLoad } from '../lib/config.js';
import { authoriseDropbox } from '../lib/dropbox-auth.js';
import { startEmulators } from '../lib/host.js';
import { median, timed } from '../lib/stats.js';
import { makeWorkspace } from '../lib/workspace.js';

const SESSIONS = 8;
/** The emulator numbers the generated documents from here (emulators/bi/fixtures.ts). */
const FIRST_GENERATED_ID = 100001;
const UPLOAD_ROUTES = [
  '/2/files/upload',
  '/2/files/upload_session/start',
  '/2/files/upload_session/append_v2',
  '/2/files/upload_session/finish',
];

function uploadCalls(stats) {
  return UPLOAD_ROUTES.reduce((sum, route) => sum + (stats.requests[route] ?? 0), 0);
}

function checkRun(result, status, count, label) {
  const ok = result.status === 'succeeded' && result.counts[status] === count;
  if (!ok) {
    const failed = result.results.find((r) => r.status === 'failed');
    throw new Error(
      `${label}: expected ${count} ${status}, got ${JSON.stringify(result.counts)}` +
        (failed ? ` (${failed.error?.code}: ${failed.error?.message})` : ''),
    );
  }
}

/** Runs scenarios 1 and 4; resolves with medians and the figures behind them. */
export async function manyDocuments({ documents, runs, latency, log }) {
  const host = await startEmulators({
    bi: {
      maxSessions: SESSIONS,
      generatedDocuments: documents,
      latencyMs: { logon: latency.logon, export: latency.export, other: latency.other },
      exportBytesPerSecond: latency.exportBytesPerSecond,
    },
    dropbox: { latencyMs: latency.dropbox },
  });
  const workspace = await makeWorkspace('many');
  try {
    const publications = {};
    for (let rep = 1; rep <= runs; rep++) {
      publications[`many-${rep}`] = {
        documents: [{ folder: '/Generated' }],
        formats: ['pdf'],
        to: `${DESTINATION}:/Bench/Run ${rep}/{document}.{ext}`,
        whenUnchanged: 'skip',
      };
    }
    const { config } = await writeAndLoad(
      workspace,
      host,
      benchConfig(host, { sessions: SESSIONS, dropbox: { concurrency: SESSIONS }, publications }),
    );
    const tokens = await authoriseDropbox({
      dropboxUrl: host.dropboxUrl,
      demoApp: host.demoApp,
      stateDir: config.stateDir,
      destination: DESTINATION,
    });

    const figures = {
      baseline: [],
      exportWork: [],
      first: [],
      firstBytes: [],
      second: [],
      secondBytes: [],
      secondUploadCalls: [],
      calls: undefined,
    };
    for (let rep = 1; rep <= runs; rep++) {
      const list = Array.from({ length: documents }, (_, i) => ({
        id: FIRST_GENERATED_ID + i,
        path: `/Baseline/Run ${rep}/Generated Report ${String(i + 1).padStart(5, '0')}.pdf`,
      }));
      const [hand, handMs] = await timed(() =>
        handMadeRun({
          biUrl: host.biUrl,
          username: demoCredentials.username,
          password: demoCredentials.password,
          dropboxUrl: host.dropboxUrl,
          accessToken: tokens.accessToken,
          documents: list,
        }),
      );
      figures.baseline.push(handMs);
      figures.exportWork.push(hand.exportMs);
      log(`many documents, run ${rep}: hand-made ${Math.round(handMs)} ms`);

      const [biBefore, dropboxBefore] = [await host.biStats(), await host.dropboxStats()];
      const [first, firstMs] = await timed(() => runOnce(config, `many-${rep}`));
      figures.calls = {
        bi: callsPerDocument(biBefore, await host.biStats(), documents),
        dropbox: callsPerDocument(dropboxBefore, await host.dropboxStats(), documents),
      };
      checkRun(first, 'delivered', documents, 'first run');
      figures.first.push(firstMs);
      figures.firstBytes.push(sum(first.results.map((r) => r.bytes ?? 0)));
      log(`many documents, run ${rep}: bidrop ${Math.round(firstMs)} ms`);

      const before = uploadCalls(await host.dropboxStats());
      const [second, secondMs] = await timed(() => runOnce(config, `many-${rep}`));
      checkRun(second, 'unchanged', documents, 'second run');
      const after = uploadCalls(await host.dropboxStats());
      figures.second.push(secondMs);
      figures.secondUploadCalls.push(after - before);
      figures.secondBytes.push(
        sum(second.results.filter((r) => r.status === 'delivered').map((r) => r.bytes ?? 0)),
      );
      log(`many documents, run ${rep}: bidrop unchanged ${Math.round(secondMs)} ms`);
    }

    const bi = await host.biStats();
    if (bi.openSessions !== 0) throw new Error(`${bi.openSessions} BI sessions left open`);
    return {
      documents,
      sessions: SESSIONS,
      baselineMs: median(figures.baseline),
      bidropMs: median(figures.first),
      boundMs: median(figures.exportWork) / SESSIONS,
      secondMs: median(figures.second),
      secondBytes: Math.max(...figures.secondBytes),
      secondUploadCalls: Math.max(...figures.secondUploadCalls),
      firstBytes: median(figures.firstBytes),
      callsPerDocument: figures.calls,
      raw: figures,
    };
  } finally {
    await host.close();
    await workspace.dispose();
  }
}

/** Requests per document by endpoint between two stats snapshots, for the README's breakdown. */
function callsPerDocument(before, after, documents) {
  const out = {};
  for (const [key, n] of Object.entries(after.requests)) {
    const delta = n - (before.requests[key] ?? 0);
    if (delta > 0) out[key] = Math.round((delta / documents) * 100) / 100;
  }
  return out;
}

function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}
