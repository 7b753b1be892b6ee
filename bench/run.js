/**
 * `npm run bench`: bidrop against baselines, on the emulators on loopback, printed as one table
 * (and the chunk-size table behind the upload default). Every ratio compares figures measured in
 * this same invocation, interleaved, so it holds on a busy machine. See bench/README.md.
 *
 * Environment: BIDROP_BENCH_QUICK=1 (a smoke run of a minute or two), BIDROP_BENCH_RUNS (runs per
 * figure, default 3), BIDROP_BENCH_LARGE_MB (size of the large export in MiB, default 2048),
 * BIDROP_BENCH_LARGE_RUNS (default 1), BIDROP_BENCH_ONLY (comma list of: startup, scale, many,
 * large, chunks), BIDROP_BENCH_JSON (a file to write every figure to, as JSON),
 * BIDROP_BENCH_CHUNK_LOOPBACK=1 (the chunk-size table on plain loopback too).
 */
import { writeFile } from 'node:fs/promises';

import { chunkSizes } from './scenarios/chunk-size.js';
import { largeExport } from './scenarios/large-export.js';
import { manyDocuments } from './scenarios/many-documents.js';
import { scale } from './scenarios/scale.js';
import { startup } from './scenarios/startup.js';
import { formatMs, MiB } from './lib/stats.js';
import { formatBytes, markdownTable, times } from './lib/table.js';

const env = process.env;
const quick = env.BIDROP_BENCH_QUICK === '1';
const count = (name, fallback) => {
  const value = Number(env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

const settings = {
  runs: count('BIDROP_BENCH_RUNS', quick ? 1 : 3),
  documents: quick ? 40 : 200,
  // Per call, in ms; export bodies at 1 MB/s on top (a few ms for these small PDFs).
  latency: { logon: 150, export: 150, other: 5, dropbox: 20, exportBytesPerSecond: 1_000_000 },
  largeBytes: count('BIDROP_BENCH_LARGE_MB', quick ? 128 : 2048) * MiB,
  largeRuns: count('BIDROP_BENCH_LARGE_RUNS', 1),
  chunkBytes: (quick ? 32 : 128) * MiB,
  chunkRuns: quick ? 1 : 2,
  scaleCounts: quick ? [100, 1000] : [1000, 10_000],
  startupRuns: quick ? 3 : 10,
};
// The chunk-size table runs on a modelled wide-area link to Dropbox: every call waits 100 ms
// (round trip and commit), bodies move at 50 MB/s (400 Mbit/s). Plain loopback is added with
// BIDROP_BENCH_CHUNK_LOOPBACK=1 (it shows client costs only, and takes another minute).
const CHUNK_LINKS = [
  ...(env.BIDROP_BENCH_CHUNK_LOOPBACK === '1' ? [{ name: 'loopback', dropbox: {} }] : []),
  { name: 'link', dropbox: { latencyMs: 100, bytesPerSecond: 50_000_000 } },
];

const only = env.BIDROP_BENCH_ONLY ? new Set(env.BIDROP_BENCH_ONLY.split(',')) : undefined;
const wanted = (name) => !only || only.has(name);
const log = (line) => process.stderr.write(`bench: ${line}\n`);

const rows = [];
/** Every scenario's figures, written as JSON when BIDROP_BENCH_JSON names a file. */
const results = {};
const verdict = (ok) => (ok ? 'yes' : 'NO');
let chunkTable;

async function main() {
  const started = performance.now();
  log(`settings ${JSON.stringify({ quick, ...settings })}`);

  if (wanted('startup')) {
    const s = (results.startup = await startup({ runs: settings.startupRuns }));
    const ratio = s.helpMs / s.nodeMs;
    rows.push([
      '5. Start-up: `bidrop --help`',
      formatMs(s.helpMs),
      `node -e 0: ${formatMs(s.nodeMs)}`,
      times(ratio),
      '',
      '< 3x',
      verdict(ratio < 3),
      settings.startupRuns,
    ]);
  }

  if (wanted('scale')) {
    const [small, large] = settings.scaleCounts;
    const s = (results.scale = await scale({ counts: settings.scaleCounts, runs: 1, log }));
    const a = s[small];
    const b = s[large];
    const perDelivery = (key) => b[key] / large / (a[key] / small);
    const label = (n) => n.toLocaleString('en-US');
    rows.push([
      `6. Scale: planning ${label(large)} deliveries`,
      formatMs(b.planMs),
      `${label(small)}: ${formatMs(a.planMs)}`,
      `${times(perDelivery('planMs'))} per delivery`,
      '',
      'linear',
      '',
      1,
    ]);
    rows.push([
      `6. Scale: history writes, ${label(large)}`,
      formatMs(b.historyMs),
      `${label(small)}: ${formatMs(a.historyMs)}`,
      `${times(perDelivery('historyMs'))} per delivery`,
      '',
      'linear',
      '',
      1,
    ]);
    rows.push([
      `6. Scale: whole run, ${label(large)}`,
      formatMs(b.runMs),
      `${label(small)}: ${formatMs(a.runMs)}`,
      `${times(perDelivery('runMs'))} per delivery`,
      '',
      'linear',
      '',
      1,
    ]);
    const flat = b.maxRssKiB / a.maxRssKiB;
    rows.push([
      `6. Scale: peak RSS, ${label(large)}`,
      formatBytes(b.maxRssKiB * 1024),
      `${label(small)}: ${formatBytes(a.maxRssKiB * 1024)}`,
      times(flat),
      '',
      'flat (<= 1.25x)',
      verdict(flat <= 1.25),
      1,
    ]);
    rows.push([
      `6. Scale: heap kept after GC, ${label(large)}`,
      formatBytes(b.retainedHeapKiB * 1024),
      `${label(small)}: ${formatBytes(a.retainedHeapKiB * 1024)}`,
      times(b.retainedHeapKiB / a.retainedHeapKiB),
      '',
      '',
      '',
      1,
    ]);
  }

  if (wanted('many')) {
    const m = (results.many = await manyDocuments({ ...settings, log }));
    log(`calls per document: ${JSON.stringify(m.callsPerDocument)}`);
    const speedup = m.baselineMs / m.bidropMs;
    const toBound = m.bidropMs / m.boundMs;
    rows.push([
      `1. Many documents (${m.documents}, ${m.sessions} sessions): time`,
      formatMs(m.bidropMs),
      `hand-made: ${formatMs(m.baselineMs)}`,
      `${times(speedup)} faster`,
      formatMs(m.boundMs),
      '>= 7x faster',
      verdict(speedup >= 7),
      settings.runs,
    ]);
    rows.push([
      '1. Many documents: against the bound',
      formatMs(m.bidropMs),
      '',
      `${times(toBound)} the bound`,
      formatMs(m.boundMs),
      '<= 1.15x bound',
      verdict(toBound <= 1.15),
      settings.runs,
    ]);
    rows.push([
      '4. Nothing changed: bytes uploaded, 2nd run',
      formatBytes(m.secondBytes),
      `1st run: ${formatBytes(m.firstBytes)}`,
      `${m.secondUploadCalls} upload calls`,
      '',
      '0',
      verdict(m.secondBytes === 0 && m.secondUploadCalls === 0),
      settings.runs,
    ]);
    rows.push([
      '4. Nothing changed: time of 2nd run',
      formatMs(m.secondMs),
      `1st run: ${formatMs(m.bidropMs)}`,
      times(m.secondMs / m.bidropMs),
      '',
      '',
      '',
      settings.runs,
    ]);
  }

  if (wanted('large')) {
    const l = (results.large = await largeExport({
      bytes: settings.largeBytes,
      runs: settings.largeRuns,
      bufferPeer: true,
      log,
    }));
    const size = formatBytes(l.bytes);
    const slower = Math.min(l.curlDownMBps, l.curlUpMBps);
    const rss = l.bidropRssKiB * 1024;
    rows.push([
      `2. Large export (${size}): peak RSS`,
      formatBytes(rss),
      '',
      '',
      '200 MiB',
      '< 200 MiB',
      verdict(rss < 200 * MiB),
      settings.largeRuns,
    ]);
    rows.push([
      `2. Large export (${size}): throughput`,
      `${l.bidropMBps.toFixed(1)} MB/s`,
      `curl: down ${l.curlDownMBps.toFixed(1)}, up ${l.curlUpMBps.toFixed(1)} MB/s`,
      `${times(l.bidropMBps / slower)} the slower`,
      '',
      '>= 0.8x',
      verdict(l.bidropMBps / slower >= 0.8),
      settings.largeRuns,
    ]);
    rows.push([
      `3. Buffer-everything peer (${size}): peak RSS`,
      formatBytes(rss),
      `peer: ${formatBytes(l.peerRssKiB * 1024)}`,
      times(rss / (l.peerRssKiB * 1024)),
      '',
      '',
      '',
      settings.largeRuns,
    ]);
    rows.push([
      `3. Buffer-everything peer (${size}): throughput`,
      `${l.bidropMBps.toFixed(1)} MB/s`,
      `peer: ${l.peerMBps.toFixed(1)} MB/s`,
      times(l.bidropMBps / l.peerMBps),
      '',
      '',
      '',
      settings.largeRuns,
    ]);
  }

  if (wanted('chunks')) {
    const c = (results.chunks = await chunkSizes({
      bytes: settings.chunkBytes,
      runs: settings.chunkRuns,
      links: CHUNK_LINKS,
      log,
    }));
    const sizes = Object.keys(c.links[CHUNK_LINKS[0].name]);
    chunkTable = {
      bytes: c.bytes,
      text: markdownTable(
        ['chunk', ...CHUNK_LINKS.flatMap((l) => [`${l.name} MB/s`, `${l.name} peak RSS`])],
        sizes.map((size) => [
          `${size} MiB`,
          ...CHUNK_LINKS.flatMap((l) => {
            const f = c.links[l.name][size];
            return [f.mbps.toFixed(1), formatBytes(f.rssKiB * 1024)];
          }),
        ]),
      ),
    };
  }

  const order = (row) => row[0].slice(0, 2);
  rows.sort((a, b) => order(a).localeCompare(order(b)));
  const header = ['scenario', 'bidrop', 'baseline', 'ratio', 'bound', 'target', 'met', 'runs'];
  process.stdout.write(`\n${markdownTable(header, rows)}\n`);
  if (chunkTable) {
    process.stdout.write(
      `\nUpload chunk size (\`bidrop upload\` of ${formatBytes(chunkTable.bytes)}; ` +
        `link = 100 ms per call, 50 MB/s):\n\n${chunkTable.text}\n`,
    );
  }
  if (env.BIDROP_BENCH_JSON) {
    await writeFile(env.BIDROP_BENCH_JSON, `${JSON.stringify({ settings, results }, null, 2)}\n`);
  }
  log(`done in ${formatMs(performance.now() - started)}`);
}

main().catch((error) => {
  process.stderr.write(`bench: failed: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
