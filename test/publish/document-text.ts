/** Reading delivered files back: PDF text with pdfjs-dist, XLSX strings with fflate. */
import { createRequire } from 'node:module';
import path from 'node:path';

import { strFromU8, unzipSync } from 'fflate';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const fonts = `${path.join(path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

/** All text of a PDF, pages joined. */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    standardFontDataUrl: fonts,
  }).promise;
  const out: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    for (const item of content.items) if ('str' in item) out.push(item.str);
  }
  await pdf.destroy();
  return out.join(' ');
}

/** Every cell string of a workbook: shared strings and inline strings of all sheets. */
export function xlsxText(bytes: Uint8Array): string {
  const files = unzipSync(new Uint8Array(bytes));
  return Object.entries(files)
    .filter(([name]) => name === 'xl/sharedStrings.xml' || name.startsWith('xl/worksheets/'))
    .map(([, data]) => strFromU8(data).replace(/<[^>]+>/g, ' '))
    .join(' ');
}
