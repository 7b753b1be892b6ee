/**
 * The chunk-size table behind the Dropbox upload default (as rclone justifies its own): one file
 * of fixed size uploaded with `bidrop upload` at chunk sizes of 4 to 64 MiB, on plain loopback and
 * on a modelled wide-area link (the emulator adds a delay to every call and throttles bodies).
 * Sizes are run in rotated order, so drifting background load does not favour one of them.
 */
import { bidropUpload } from '../lib/bidrop-cli.js';
import { benchConfig, benchEnv, DESTINATION } from '../lib/config.js';
import { authoriseDropbox } from '../lib/dropbox-auth.js';
import { startEmulators } from '../lib/host.js';
import { makeFile } from '../lib/files.js';
import { expectSuccess } from '../lib/spawn.js';
import { mbPerSecond, median } from '../lib/stats.js';
import { makeWorkspace } from '../lib/workspace.js';

export const CHUNK_SIZES_MIB = [4, 8, 16, 32, 64];

/** One link: uploads the file once per chunk size per run; resolves with medians per size. */
async function measureLink({ name, dropbox, file, bytes, runs, workspace, log }) {
  const host = await startEmulators({ bi: {}, dropbox });
  try {
    const configs = {};
    for (const size of CHUNK_SIZES_MIB) {
      configs[size] = await workspace.writeConfig(
        benchConfig(host, { dropbox: { chunkSizeMiB: size }, publications: {} }),
        `bidrop-${name}-${size}.yaml`,
      );
    }
    // All configs share one state folder (./state beside them): one authorisation serves all.
    await authoriseDropbox({
      dropboxUrl: host.dropboxUrl,
      demoApp: host.demoApp,
      stateDir: workspace.stateDir,
      destination: DESTINATION,
    });
    const env = benchEnv(host);

    const figures = Object.fromEntries(CHUNK_SIZES_MIB.map((s) => [s, { mbps: [], rss: [] }]));
    for (let rep = 0; rep < runs; rep++) {
      const order = CHUNK_SIZES_MIB.map(
        (_, i) => CHUNK_SIZES_MIB[(i + rep) % CHUNK_SIZES_MIB.length],
      );
      for (const size of order) {
        const target = `${DESTINATION}:/Chunks/${name}-${size}-${rep}.bin`;
        const result = expectSuccess(
          await bidropUpload(configs[size], file, target, env),
          'bidrop upload',
        );
        figures[size].mbps.push(mbPerSecond(bytes, result.ms));
        figures[size].rss.push(result.maxRssKiB);
        log(
          `chunk size ${size} MiB on ${name}: ${Math.round(result.ms)} ms, ${result.maxRssKiB} KiB`,
        );
      }
    }
    return Object.fromEntries(
      CHUNK_SIZES_MIB.map((s) => [
        s,
        { mbps: median(figures[s].mbps), rssKiB: median(figures[s].rss) },
      ]),
    );
  } finally {
    await host.close();
  }
}

/**
 * Runs the table; `links` is [{ name, dropbox: emulator options }]. Resolves with
 * { bytes, links: { [name]: { [sizeMiB]: { mbps, rssKiB } } } }.
 */
export async function chunkSizes({ bytes, runs, links, log }) {
  const workspace = await makeWorkspace('chunks');
  try {
    const file = workspace.file('upload.bin');
    await makeFile(file, bytes);
    const out = {};
    for (const link of links) {
      out[link.name] = await measureLink({ ...link, file, bytes, runs, workspace, log });
    }
    return { bytes, links: out };
  } finally {
    await workspace.dispose();
  }
}
