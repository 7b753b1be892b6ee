import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { pdfText } from '../bi/pdf-text.js';

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/bidrop.js', 'demo'], {
      env: { ...process.env, BIDROP_HOME: '', BIDROP_SECRET_KEY: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bidrop demo', () => {
  it('delivers the sample publication, then finds every file unchanged', async () => {
    const { code, stdout, stderr } = await runDemo();

    expect(stderr).not.toMatch(/error/i);
    expect(code).toBe(0);
    expect(stdout).toContain('run 1 succeeded (10 delivered, 0 unchanged of 10)');
    expect(stdout).toContain('run 2 succeeded (0 delivered, 10 unchanged of 10)');

    const copies = /Copies to open with any PDF reader or spreadsheet program: (\S+)/.exec(
      stdout,
    )![1]!;
    const date = /\/Reports\/daily-sales\/(\d{4}-\d{2}-\d{2})\//.exec(stdout)![1]!;
    const apac = path.join(copies, 'Reports', 'daily-sales', date, 'APAC', 'Daily Sales.pdf');
    const emea = path.join(copies, 'Reports', 'daily-sales', date, 'EMEA', 'Daily Sales.pdf');
    const [apacText, emeaText] = await Promise.all([
      readFile(apac).then(pdfText),
      readFile(emea).then(pdfText),
    ]);
    expect(apacText).toContain('APAC');
    expect(apacText).not.toContain('EMEA');
    expect(emeaText).toContain('EMEA');
  }, 120_000);
});
