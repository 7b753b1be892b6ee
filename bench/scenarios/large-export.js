/**
 * Scenarios 2 and 3: one large export streamed from the BI emulator into the Dropbox emulator.
 * bidrop runs as a user runs it (a child `bidrop run`, peak RSS measured); curl moves the same
 * bytes in each direction alone; the buffer-everything peer reads the whole export into memory
 * first. Runs are interleaved, so each kind sees the same background load.
 */
import path from 'node:path';

import { demoCredentials, sampleDocuments } from '../../dist/emulators/bi/index.js';
import { curlDownload, curlUpload } from '../baselines/curl.js';
import { logoff, logon } from '../baselines/hand-made.js';
import { bidropRun } from '../lib/bidrop-cli.js';
import { benchConfig, benchEnv, DESTINATION, writeAndLoad } from '../lib/config.js';
import { authoriseDropbox } from '../lib/dropbox-auth.js';
import { startEmulators } from '../lib/host.js';
import { makeFile } from '../lib/files.js';
import { expectSuccess, ROOT, runNodeMeasured } from '../lib/spawn.js';
import { mbPerSecond, median } from '../lib/stats.js';
import { makeWorkspace } from '../lib/workspace.js';

const LARGE = sampleDocuments.find((d) => d.name === 'Large Export');
const CSV = 'text/csv';
const PEER = path.join(ROOT, 'bench/baselines/buffer-everything.js');

/** Runs scenarios 2 and 3 with an export of `bytes`; resolves with medians and raw figures. */
export async function largeExport({ bytes, runs, bufferPeer, log }) {
  const host = await startEmulators({ bi: { largeExportBytes: bytes }, dropbox: {} });
  const workspace = await makeWorkspace('large');
  try {
    const { file, config } = await writeAndLoad(
      workspace,
      host,
      benchConfig(host, {
        sessions: 1,
        publications: {
          large: {
            documents: [{ id: LARGE.id }],
            formats: ['csv'],
            to: `${DESTINATION}:/Large/{document}.{ext}`,
            // Measure the streaming path: with skip, a file already there is hashed first.
            whenUnchanged: 'upload',
          },
        },
      }),
    );
    const env = benchEnv(host);
    const tokens = await authoriseDropbox({
      dropboxUrl: host.dropboxUrl,
      demoApp: host.demoApp,
      stateDir: config.stateDir,
      destination: DESTINATION,
    });

    // curl's upload reads a file of the same size; its content does not matter to the emulator.
    const uploadFile = workspace.file('upload.bin');
    await makeFile(uploadFile, bytes);

    const figures = { bidrop: [], bidropRss: [], down: [], up: [], peer: [], peerRss: [] };
    for (let rep = 1; rep <= runs; rep++) {
      const mine = expectSuccess(await bidropRun(file, 'large', env), 'bidrop run');
      figures.bidrop.push(mbPerSecond(bytes, mine.ms));
      figures.bidropRss.push(mine.maxRssKiB);
      log(`large export, run ${rep}: bidrop ${Math.round(mine.ms)} ms, ${mine.maxRssKiB} KiB`);

      const down = await withBiToken(host, (token) =>
        curlDownload({
          biUrl: host.biUrl,
          token,
          id: LARGE.id,
          accept: CSV,
          headerFile: workspace.file('curl-bi.headers'),
        }),
      );
      if (down.bytes !== bytes) throw new Error(`curl downloaded ${down.bytes} of ${bytes}`);
      figures.down.push(mbPerSecond(bytes, down.ms));

      const up = await curlUpload({
        dropboxUrl: host.dropboxUrl,
        accessToken: tokens.accessToken,
        file: uploadFile,
        size: bytes,
        path: '/Large/curl.csv',
        headerFile: workspace.file('curl-dropbox.headers'),
      });
      figures.up.push(mbPerSecond(bytes, up.ms));
      log(
        `large export, run ${rep}: curl down ${Math.round(down.ms)} ms, up ${Math.round(up.ms)} ms`,
      );

      if (bufferPeer) {
        const peer = expectSuccess(
          await runNodeMeasured(
            [
              PEER,
              JSON.stringify({
                biUrl: host.biUrl,
                dropboxUrl: host.dropboxUrl,
                id: LARGE.id,
                accept: CSV,
                path: '/Large/buffered.csv',
              }),
            ],
            {
              env: {
                ...process.env,
                BENCH_BI_USER: demoCredentials.username,
                BENCH_BI_PASSWORD: demoCredentials.password,
                BENCH_DROPBOX_TOKEN: tokens.accessToken,
              },
            },
          ),
          'buffer-everything peer',
        );
        figures.peer.push(mbPerSecond(bytes, peer.ms));
        figures.peerRss.push(peer.maxRssKiB);
        log(
          `large export, run ${rep}: buffering peer ${Math.round(peer.ms)} ms, ${peer.maxRssKiB} KiB`,
        );
      }
    }

    const stored = (await host.listFiles()).find(
      (f) => f.path.toLowerCase() === '/large/large export.csv',
    );
    if (stored?.size !== bytes) throw new Error(`bidrop stored ${stored?.size} of ${bytes} bytes`);
    return {
      bytes,
      bidropMBps: median(figures.bidrop),
      bidropRssKiB: median(figures.bidropRss),
      curlDownMBps: median(figures.down),
      curlUpMBps: median(figures.up),
      peerMBps: bufferPeer ? median(figures.peer) : undefined,
      peerRssKiB: bufferPeer ? median(figures.peerRss) : undefined,
      raw: figures,
    };
  } finally {
    await host.close();
    await workspace.dispose();
  }
}

async function withBiToken(host, work) {
  const token = await logon(host.biUrl, demoCredentials.username, demoCredentials.password);
  try {
    return await work(token);
  } finally {
    await logoff(host.biUrl, token);
  }
}
