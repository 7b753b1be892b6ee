import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runWorkflow } from '../../src/workflow/index.js';
import { reply, startServer, tempDir, type TestServer } from './helpers.js';

let server: TestServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;

const BOMB = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<lolz>&lol2;</lolz>`;

beforeAll(async () => {
  server = await startServer(async (req, res) => {
    if (req.url === '/slow') await new Promise((r) => setTimeout(r, 2_000));
    if (req.url === '/bomb') reply(res, 200, BOMB, { 'Content-Type': 'application/xml' });
    else reply(res, 200, '<ok/>', { 'Content-Type': 'application/xml' });
  });
  tmp = await tempDir();
  await writeFile(
    join(tmp.dir, 'slow.xml'),
    `<workflow name="slow">
  <call name="Slow"><request url="${server.url}/slow"/></call>
  <call name="Never"><request url="${server.url}/never"/></call>
</workflow>`,
  );
  await writeFile(
    join(tmp.dir, 'bomb.xml'),
    `<workflow name="bomb">
  <call name="Bomb">
    <request url="${server.url}/bomb"/>
    <response><variable id="x" value="\${xpath-eval://lolz}"/></response>
  </call>
</workflow>`,
  );
});

afterAll(async () => {
  await server?.close();
  await tmp?.cleanup();
});

describe('a run can be stopped, and a hostile response stays inert', () => {
  it('stops at once when its signal fires, sending no further call', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expect(
      runWorkflow('slow.xml', { cwd: tmp.dir, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(server.requests.some((r) => r.url === '/never')).toBe(false);
  });

  it('refuses a response carrying a DOCTYPE instead of expanding its entities', async () => {
    const result = await runWorkflow('bomb.xml', { cwd: tmp.dir });
    expect(result.calls[0]).toMatchObject({ outcome: 'error', code: 'WORKFLOW_DTD_REFUSED' });
    expect(result.calls[0]?.message).toBe(
      `${join(tmp.dir, 'bomb.xml')}:4: the response of 'Bomb' declares a DOCTYPE, which bidrop refuses to read`,
    );
  });
});
