import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('bin/attain.js usage errors', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'attain-cli-usage-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const { DATABASE_URL: _db, ...rest } = process.env;
    const child = spawn(process.execPath, [path.join(root, 'bin/attain.js'), ...args], { cwd: root, env: { ...rest, ATTAIN_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }

  it('an unknown flag exits 2 naming it and the help to read, before opening any database', async () => {
    const [report, keys, help] = await Promise.all([run(['report', '2025-12', '--mnth', '3']), run(['keys', 'list', '--all']), run(['help', 'report'])]);
    expect([report.code, report.stdout, report.stderr]).toEqual([2, '', 'attain: unknown option --mnth; run `attain help report`\n']);
    expect([keys.code, keys.stderr]).toEqual([2, 'attain: unknown option --all; run `attain help keys`\n']);
    // Nothing was created in the data folder: the arguments are read first.
    expect(await readdir(dataDir)).toEqual([]);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe('Usage: attain report MONTH [--format json|csv|html] [--out FILE]\n                             the monthly performance report (html: printable page with charts)\n');
  }, 60_000);
});
