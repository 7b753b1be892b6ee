import { describe, expect, it } from 'vitest';

import { planPublication, renderPath, type TemplateValues } from '../../src/publish/index.js';
import { FakeSource, publication } from './fakes.js';

const now = { year: 2026, month: 3, day: 5, hour: 7, minute: 8, second: 9 };

function values(overrides: Partial<TemplateValues> = {}): TemplateValues {
  return {
    publication: 'daily',
    document: 'Sales',
    id: 101,
    cuid: 'AaSales',
    report: '',
    format: 'pdf',
    ext: 'pdf',
    prompts: {},
    now,
    ...overrides,
  };
}

describe('target path tokens', () => {
  it('fills the fixed tokens, dates, times and prompts', () => {
    expect(
      renderPath(
        '/R/{publication}/{date:yyyy-MM}/{date}/{document}_{id}_{cuid}_{report}_{format}_{time}_{time:HHmm}.{ext}',
        values({ report: 'Tab 1' }),
      ),
    ).toBe('/R/daily/2026-03/2026-03-05/Sales_101_AaSales_Tab 1_pdf_07-08-09_0708.pdf');
    expect(
      renderPath(
        '/{year}/{date-1d:dd.MM.yyyy} {Region}.{ext}',
        values({ prompts: { Region: 'EMEA' } }),
      ),
    ).toBe('/2026/04.03.2026 EMEA.pdf');
  });

  it('drops a component left empty, as {report} is for a whole document', () => {
    expect(renderPath('/R/{report}/{document}.{ext}', values())).toBe('/R/Sales.pdf');
  });
});

describe('sanitising values', () => {
  it.each([
    ['../../etc/passwd', '/R/.._.._etc_passwd.pdf'],
    ['..', '/R/__.pdf'],
    ['a\u0000b\u001fc\\d', '/R/a_b_c_d.pdf'],
    ['What? <Yes>: "now" | *', '/R/What_ _Yes__ _now_ _ _.pdf'],
    ['  padded  ', '/R/padded.pdf'],
  ])('keeps %j inside one component', (document, expected) => {
    expect(renderPath('/R/{document}.{ext}', values({ document }))).toBe(expected);
  });

  it('never lets a value add a component or climb', () => {
    const out = renderPath('/R/{document}', values({ document: '../../../x' }));
    expect(out.split('/')).toHaveLength(3);
    expect(out.split('/')).not.toContain('..');
  });

  it('prefixes reserved names and trims trailing dots and spaces', () => {
    expect(renderPath('/R/{document}', values({ document: 'CON' }))).toBe('/R/_CON');
    expect(renderPath('/R/{document}.{ext}', values({ document: 'nul' }))).toBe('/R/_nul.pdf');
    expect(renderPath('/R/{document}', values({ document: 'desktop.ini' }))).toBe(
      '/R/_desktop.ini',
    );
    expect(renderPath('/R/{document}', values({ document: 'Report. . .' }))).toBe('/R/Report');
  });

  it('shortens a component to 255 characters, keeping the extension', () => {
    const out = renderPath('/R/{document}.{ext}', values({ document: 'x'.repeat(400) }));
    const name = out.split('/').at(-1)!;
    expect(name).toHaveLength(255);
    expect(name.endsWith('.pdf')).toBe(true);
  });

  it('plans a hostile document name into a safe target', async () => {
    const pub = publication(`documents:
  - id: 104
to: out:/Finance/{document}.{ext}`);
    const plan = await planPublication('daily', pub, new FakeSource());
    expect(plan.deliveries[0]!.target).toBe('/Finance/.._.._etc_passwd.pdf');
  });
});

describe('collisions', () => {
  it('fails with RUN_PATH_COLLISION naming both deliveries', async () => {
    const pub = publication(`documents:
  - id: 101
prompts:
  Region: [EMEA, APAC]
to: out:/R/{document}.{ext}`);

    const error = await planPublication('daily', pub, new FakeSource()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RUN_PATH_COLLISION' });
    expect((error as Error).message).toContain(
      '/R/Sales.pdf: "Sales" (101) pdf Region=EMEA and "Sales" (101) pdf Region=APAC',
    );
  });

  it('treats paths differing only in case as the same', async () => {
    const pub = publication(`documents:
  - id: 101
prompts:
  Region: [emea, EMEA]
to: out:/R/{Region}.{ext}`);
    await expect(planPublication('daily', pub, new FakeSource())).rejects.toMatchObject({
      code: 'RUN_PATH_COLLISION',
    });
  });
});
