import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// One writer per embedded data folder (db/data-lock.ts) and bin/attain.js running the command in
// its own process (no child to outlive it), against `attain serve` on a fresh folder (`start`
// takes the same lock; serve keeps the test short: no demo feeds to ingest).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { DATABASE_URL: _db, REDIS_URL: _redis, ATTAIN_CONFIG: _cfg, ...baseEnv } = process.env;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

describe('one process per embedded database', () => {
  let dataDir: string;
  let port: number;
  const children: ChildProcess[] = [];
  const env = () => ({ ...baseEnv, ATTAIN_DATA_DIR: dataDir, PORT: String(port) });

  /** `attain serve` through bin/attain.js; resolves once it says it is serving. */
  async function start(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [path.join(root, 'bin/attain.js'), 'serve'], { cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        out += d;
        if (out.includes('attain serving on')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`attain serve exited ${code}: ${out}`)));
    });
    return child;
  }
  const exited = (child: ChildProcess) => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r)));

  function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [path.join(root, 'bin/attain.js'), ...args], { cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'attain-one-writer-'));
    port = await freePort();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses `keys create` while `attain serve` holds the folder, naming its pid, and accepts it once stopped', async () => {
    // A temp folder of an upload cut off by an earlier kill: removed at start.
    await mkdir(path.join(dataDir, 'tmp', 'upload-left-behind'), { recursive: true });
    const server = await start();
    expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);
    const lock = JSON.parse(readFileSync(path.join(dataDir, 'pglite.lock'), 'utf8'));
    // bin/attain.js runs the command itself: the pid holding the database is the one we started.
    expect(lock).toMatchObject({ pid: server.pid, command: 'serve', port });

    const refused = await run(['keys', 'create', 'uploader', '--role', 'ingest']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).not.toContain('created key');
    expect(refused.stderr).toContain(`is open by \`attain serve\` (pid ${server.pid}, serving http://localhost:${port}`);
    expect(refused.stderr).toContain(`kill ${server.pid}`);

    // SIGTERM to bin/attain.js stops the server, its jobs and its database, and frees the folder.
    server.kill('SIGTERM');
    await exited(server);
    expect(existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
    const created = await run(['keys', 'create', 'uploader', '--role', 'ingest']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('created key');
  }, 240_000);

  it('takes over the lock of a killed server (SIGKILL leaves no process behind to hold it)', async () => {
    const server = await start();
    server.kill('SIGKILL');
    await exited(server);
    // The lock file stays, naming a pid that is gone: the next command takes the folder.
    expect(JSON.parse(readFileSync(path.join(dataDir, 'pglite.lock'), 'utf8')).pid).toBe(server.pid);
    const listed = await run(['keys', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/\tingest\tuploader\tlive/);
  }, 240_000);
});
