import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';

import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, type BiSource } from '../../src/bi/index.js';
import { peekHead, sniffType } from '../../src/bi/sniff.js';
import { connectionTo, quickRetry, startFakeBi, type FakeBi } from './fake-bi.js';
import { hoursAgo, installInstances } from './instances-fake.js';

let fake: FakeBi | undefined;
let source: BiSource | undefined;

afterEach(async () => {
  await source?.close();
  source = undefined;
  await fake?.close();
  fake = undefined;
});

const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

describe('type sniffing', () => {
  it('reads the type from the first bytes', () => {
    expect(sniffType(Buffer.from('%PDF-1.4\n')).contentType).toBe('application/pdf');
    expect(sniffType(Buffer.from([0x50, 0x4b, 3, 4, 20, 0])).extension).toBe('xlsx');
    expect(sniffType(ole).extension).toBe('xls');
    expect(sniffType(ole, 'Word').extension).toBe('doc');
    expect(sniffType(ole, 'CrystalReport').extension).toBe('rpt');
    expect(sniffType(Buffer.from('Region;Revenue\n')).contentType).toBe('text/csv');
    expect(sniffType(Buffer.from([0x00, 0x01, 0xff, 0x10])).contentType).toBe(
      'application/octet-stream',
    );
    // A PK header that is not at the very start is not a zip.
    expect(sniffType(Buffer.from('xPK\x03\x04')).extension).toBe('bin');
  });

  it('peeks without losing a byte, across small chunks and an empty body', async () => {
    const chunks = ['%P', 'D', 'F-1', '.7 rest', ' of the file'].map((s) => Buffer.from(s));
    const { head, stream } = await peekHead(Readable.from(chunks));
    expect(head.toString()).toBe('%PDF-1.7');
    expect(await text(stream)).toBe('%PDF-1.7 rest of the file');

    const empty = await peekHead(Readable.from([]));
    expect(empty.head.length).toBe(0);
    expect(await text(empty.stream)).toBe('');
  });

  it('delivers an uploaded file that has no instance as itself, whatever its type', async () => {
    fake = await startFakeBi();
    const instances = installInstances(fake);
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4]), Buffer.alloc(64, 7)]);
    instances.add({
      SI_ID: 900,
      SI_CUID: 'Upl900',
      SI_NAME: 'Budget.xlsx',
      SI_KIND: 'Excel',
      SI_INSTANCE: 0,
      SI_UPDATE_TS: hoursAgo(5),
      bytes: zip,
    });
    instances.add({
      SI_ID: 901,
      SI_NAME: 'Prices',
      SI_KIND: 'Txt',
      SI_INSTANCE: 0,
      bytes: Buffer.from('item,price\nA,1\n'),
    });
    source = createBiSource(connectionTo(fake), { retry: quickRetry });

    const excel = await source.export({
      document: { kind: 'id', id: 900 },
      format: 'pdf',
      from: 'latest-instance',
    });
    expect(excel.contentType).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(excel.instance).toMatchObject({ id: 900, cuid: 'Upl900' });
    expect(Buffer.concat(await excel.body.toArray())).toEqual(zip);
    await excel.release();

    const csv = await source.export({
      document: { kind: 'id', id: 901 },
      format: 'csv',
      from: 'latest-instance',
    });
    expect(csv.contentType).toBe('text/csv');
    expect(await text(csv.body)).toBe('item,price\nA,1\n');
    await csv.release();
  });
});
