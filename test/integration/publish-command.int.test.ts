import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { listAudit } from '../../src/store/audit.ts';
import { listPublished } from '../../src/store/published.ts';
import { backends, pgAdminUrl } from '../support/services.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'attain-publish-cli-'));
const pg = backends.find((b) => b.name === 'postgres')!;

type Done = { code: number | null; stdout: string; stderr: string };

/** `attain ARGS` with the given database settings, in its own process. */
function cli(args: string[], env: Record<string, string>): Promise<Done> {
  const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'jobs/main.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, REDIS_URL: '', ATTAIN_CONFIG: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!pg.available)('attain publish (command line, fresh PostgreSQL database)', () => {
  let handle: DbHandle;
  let env: Record<string, string>;

  beforeAll(async () => {
    handle = await pg.open();
    const u = new URL(pgAdminUrl);
    u.pathname = new URL(handle.location).pathname;
    env = { DATABASE_URL: u.toString(), ATTAIN_DATA_DIR: path.join(tmp, 'pg-data') };
  });
  afterAll(async () => handle?.close());

  it('publishes once, refuses a second time naming --republish, republishes as version 2, audited', async () => {
    const first = await cli(['publish', '2025-11'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^2025-11: published version 1 at \S+; KPI feed revision 1\n {2}report\.json\tsha256 [0-9a-f]{64}\n/);
    const again = await cli(['publish', '2025-11'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('attain: 2025-11 was published at');
    expect(again.stderr).toContain('needs --republish');
    const forced = await cli(['publish', '2025-11', '--republish'], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('published version 2');
    expect((await listPublished(handle.db)).map((p) => [p.month, p.version])).toEqual([['2025-11', 2], ['2025-11', 1]]);
    const trail = await listAudit(handle.db);
    expect(trail.map((a) => [a.action, a.method, a.target])).toEqual([['month.republish', 'CLI', 'month:2025-11'], ['month.publish', 'CLI', 'month:2025-11']]);
    expect(trail[0]!.actor).toMatch(/^cli:/);
    expect((await cli(['publish', '2025-13'], env)).stderr).toContain('MONTH: expected YYYY-MM');
    // Five processes, each starting tsx and opening the database: minutes on a loaded machine.
  }, 300_000);
});

describe('attain publish while a server holds the embedded database', () => {
  it('refuses, naming the holder and the admin endpoint to publish through instead', async () => {
    const dataDir = path.join(tmp, 'embedded');
    mkdirSync(dataDir, { recursive: true });
    // The lock a running `attain serve` on port 38999 writes (db/data-lock.ts); this test process is its live pid.
    writeFileSync(path.join(dataDir, 'pglite.lock'), JSON.stringify({ pid: process.pid, host: hostname(), command: 'serve', port: 38999, since: new Date().toISOString() }));
    const refused = await cli(['publish', '2025-11', '--republish'], { DATABASE_URL: '', ATTAIN_DATA_DIR: dataDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`is open by \`attain serve\` (pid ${process.pid}, serving http://localhost:38999`);
    expect(refused.stderr).toContain('curl -X POST -H "Authorization: Bearer <admin key>" http://localhost:38999/api/v1/admin/months/2025-11/publish?force=true');
  }, 120_000);
});
