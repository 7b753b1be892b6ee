import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startDropboxEmulator,
  type DropboxEmulator,
} from '../../../src/emulators/dropbox/index.js';
import { authorize, content, expectedContentHash, json, rpc, summary } from './helpers.js';

const MiB = 1024 * 1024;
let emu: DropboxEmulator;
let token: string;
beforeAll(async () => {
  emu = await startDropboxEmulator({ seed: 3 });
  token = (await authorize(emu)).access_token;
});
afterAll(() => emu.close());

async function start(arg: unknown = {}, body?: Buffer): Promise<string> {
  const answer = await json<{ session_id: string }>(
    await content(emu, token, 'files/upload_session/start', arg, body),
  );
  return answer.session_id;
}

function append(sessionId: string, offset: number, body: Buffer, close = false): Promise<Response> {
  return content(
    emu,
    token,
    'files/upload_session/append_v2',
    { cursor: { session_id: sessionId, offset }, close },
    body,
  );
}

describe('sequential sessions', () => {
  it('assembles chunks across 4 MiB blocks; content_hash matches an independent computation', async () => {
    const data = randomBytes(9 * MiB + 12345);
    const cuts = [0, 3 * MiB, 7 * MiB + 1, data.length];
    const id = await start({}, data.subarray(cuts[0], cuts[1]));
    const appended = await append(id, cuts[1] ?? 0, data.subarray(cuts[1], cuts[2]));
    expect(appended.status).toBe(200);
    expect(await appended.text()).toBe('null');
    const meta = await json(
      await content(
        emu,
        token,
        'files/upload_session/finish',
        { cursor: { session_id: id, offset: cuts[2] }, commit: { path: '/Big/data.bin' } },
        data.subarray(cuts[2]),
      ),
    );
    expect(meta['size']).toBe(data.length);
    expect(meta['content_hash']).toBe(expectedContentHash(data));
    expect((await emu.readFile('/big/data.bin'))?.equals(data)).toBe(true);
    expect(emu.stats().requests['/2/files/upload_session/append_v2']).toBe(1);
  });

  it('answers incorrect_offset with the correct offset, and not_found for an unknown session', async () => {
    const id = await start({}, Buffer.from('abcdef'));
    const wrong = await json(await append(id, 2, Buffer.from('gh')), 409);
    expect(wrong['error']).toEqual({ '.tag': 'incorrect_offset', correct_offset: 6 });
    expect(summary(wrong)).toBe('incorrect_offset/');

    const finish = await json(
      await content(emu, token, 'files/upload_session/finish', {
        cursor: { session_id: id, offset: 3 },
        commit: { path: '/x.txt' },
      }),
      409,
    );
    expect(finish['error']).toEqual({
      '.tag': 'lookup_failed',
      lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 6 },
    });
    const unknown = await json(await append('pid_upload_session:nope', 0, Buffer.from('x')), 409);
    expect(unknown['error']).toEqual({ '.tag': 'not_found' });
  });

  it('refuses appends to a closed session, and a second finish of a committed one', async () => {
    const id = await start({ close: true }, Buffer.from('done'));
    expect((await json(await append(id, 4, Buffer.from('x')), 409))['error']).toEqual({
      '.tag': 'closed',
    });
    const arg = { cursor: { session_id: id, offset: 4 }, commit: { path: '/closed.txt' } };
    expect((await content(emu, token, 'files/upload_session/finish', arg)).status).toBe(200);
    const again = await json(await content(emu, token, 'files/upload_session/finish', arg), 409);
    expect(summary(again)).toBe('lookup_failed/closed/');
  });

  it('keeps the data after a write conflict so the commit can be retried elsewhere', async () => {
    await content(emu, token, 'files/upload', { path: '/taken.txt' }, Buffer.from('first'));
    const id = await start({}, Buffer.from('sec'));
    const conflict = await json(
      await content(
        emu,
        token,
        'files/upload_session/finish',
        { cursor: { session_id: id, offset: 3 }, commit: { path: '/taken.txt' } },
        Buffer.from('ond'),
      ),
      409,
    );
    expect(conflict['error']).toEqual({
      '.tag': 'path',
      path: { '.tag': 'conflict', conflict: { '.tag': 'file' } },
    });
    const retry = await content(emu, token, 'files/upload_session/finish', {
      cursor: { session_id: id, offset: 6 },
      commit: { path: '/free.txt' },
    });
    expect((await json(retry))['size']).toBe(6);
    expect((await emu.readFile('/free.txt'))?.toString()).toBe('second');
  });
});

describe('concurrent sessions', () => {
  it('takes 4 MiB-multiple chunks in any order and refuses misaligned ones', async () => {
    const data = randomBytes(8 * MiB + 100);
    const id = await start({ session_type: { '.tag': 'concurrent' } });
    const last = await append(id, 8 * MiB, data.subarray(8 * MiB), true);
    expect(last.status).toBe(200);
    const misaligned = await json(await append(id, MiB, data.subarray(MiB, 5 * MiB)), 409);
    expect(misaligned['error']).toEqual({ '.tag': 'concurrent_session_invalid_offset' });
    const oddSize = await json(await append(id, 0, data.subarray(0, MiB)), 409);
    expect(oddSize['error']).toEqual({ '.tag': 'concurrent_session_invalid_data_size' });

    const finishArg = {
      cursor: { session_id: id, offset: data.length },
      commit: { path: '/conc.bin' },
    };
    const missing = await json(
      await content(emu, token, 'files/upload_session/finish', finishArg),
      409,
    );
    expect(summary(missing)).toBe('concurrent_session_missing_data/');

    await Promise.all([
      append(id, 4 * MiB, data.subarray(4 * MiB, 8 * MiB)),
      append(id, 0, data.subarray(0, 4 * MiB)),
    ]);
    const meta = await json(await content(emu, token, 'files/upload_session/finish', finishArg));
    expect(meta['content_hash']).toBe(expectedContentHash(data));
  });

  it('refuses data and close on a concurrent start', async () => {
    const withData = await content(
      emu,
      token,
      'files/upload_session/start',
      { session_type: 'concurrent' },
      Buffer.from('x'),
    );
    expect((await json(withData, 409))['error']).toEqual({
      '.tag': 'concurrent_session_data_not_allowed',
    });
  });
});

describe('finish_batch', () => {
  it('finish_batch_v2 commits closed sessions and fails unclosed ones with not_closed', async () => {
    const a = await start({ close: true }, Buffer.from('alpha'));
    const b = await start({}, Buffer.from('beta'));
    const answer = await json<{ entries: Array<Record<string, unknown>> }>(
      await rpc(emu, token, 'files/upload_session/finish_batch_v2', {
        entries: [
          { cursor: { session_id: a, offset: 5 }, commit: { path: '/batch/a.txt' } },
          { cursor: { session_id: b, offset: 4 }, commit: { path: '/batch/b.txt' } },
        ],
      }),
    );
    expect(answer.entries[0]).toMatchObject({
      '.tag': 'success',
      path_display: '/batch/a.txt',
      size: 5,
    });
    expect(answer.entries[1]).toEqual({
      '.tag': 'failure',
      failure: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_closed' } },
    });
  });

  it('deprecated finish_batch returns a job id that check completes', async () => {
    const a = await start({ close: true }, Buffer.from('gamma'));
    const job = await json(
      await rpc(emu, token, 'files/upload_session/finish_batch', {
        entries: [{ cursor: { session_id: a, offset: 5 }, commit: { path: '/batch/c.txt' } }],
      }),
    );
    expect(job['.tag']).toBe('async_job_id');
    let status: Record<string, unknown> = { '.tag': 'in_progress' };
    for (let i = 0; i < 50 && status['.tag'] === 'in_progress'; i++) {
      status = await json(
        await rpc(emu, token, 'files/upload_session/finish_batch/check', {
          async_job_id: job['async_job_id'],
        }),
      );
    }
    expect(status).toMatchObject({ '.tag': 'complete', entries: [{ '.tag': 'success', size: 5 }] });
    const bad = await rpc(emu, token, 'files/upload_session/finish_batch/check', {
      async_job_id: 'nope',
    });
    expect(summary(await json(bad, 409))).toBe('invalid_async_job_id/');
  });
});
