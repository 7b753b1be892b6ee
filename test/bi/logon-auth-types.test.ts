import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource } from '../../src/bi/index.js';
import { connectionTo, quickRetry, sendJson, startFakeBi, type FakeBi } from './fake-bi.js';

let fake: FakeBi;

afterEach(async () => {
  await fake.close();
});

describe('logon with each authentication type', () => {
  for (const auth of ['secEnterprise', 'secLDAP', 'secWinAD', 'secSAPR3'] as const) {
    it(`${auth}: posts JSON credentials to /logon/long and logs off`, async () => {
      fake = await startFakeBi();
      fake.route('GET', '/infostore/7', (_q, res) => sendJson(res, 200, { id: 7, type: 'Webi' }));
      const source = createBiSource({ ...connectionTo(fake), auth }, { retry: quickRetry });
      await source.resolveDocument({ kind: 'id', id: 7 });
      await source.close();

      const logon = fake.requests.find((r) => r.path === '/logon/long')!;
      expect(logon.headers['content-type']).toBe('application/json');
      expect(logon.headers.accept).toBe('application/json');
      expect(JSON.parse(logon.body)).toEqual({
        userName: 'Administrator',
        password: 'Secret-Pass-1',
        auth,
      });
      expect(fake.stats.logoffs).toBe(1);
    });
  }
});
