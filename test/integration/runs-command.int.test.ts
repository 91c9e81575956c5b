import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { loadAppConfig } from '../../src/config/app-config.ts';
import { ingestTicketFeedFile } from '../../src/feeds/tickets/mapped-feed.ts';
import { backends, pgAdminUrl } from '../support/services.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(root, 'test/fixtures/tickets/generic-mixed.csv');
const tmp = mkdtempSync(path.join(tmpdir(), 'attain-runs-cli-'));
const pg = backends.find((b) => b.name === 'postgres')!;
const started: number[] = [];

type Done = { code: number | null; stdout: string; stderr: string };

/** `attain ARGS` against the database at `url`, as its own process group. */
function cli(args: string[], url: string): Promise<Done> {
  const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'jobs/main.ts', ...args], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: url, REDIS_URL: '', ATTAIN_CONFIG: '', ATTAIN_DATA_DIR: path.join(tmp, 'data') },
  });
  started.push(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!pg.available)('attain runs / attain rejected (command line, fresh PostgreSQL database)', () => {
  let handle: DbHandle;
  let url: string;
  let runId: number;

  beforeAll(async () => {
    handle = await pg.open();
    // location names host and database only; the credentials come from the admin URL.
    const u = new URL(pgAdminUrl);
    u.pathname = new URL(handle.location).pathname;
    url = u.toString();
    const config = loadAppConfig();
    const r = await ingestTicketFeedFile(handle.db, fixture, config, {});
    runId = r.runId;
  });
  afterAll(async () => {
    for (const pid of started) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await handle?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('lists the run, its rejected rows with line, field, reason and raw text, and names an unknown run', { timeout: 60_000 }, async () => {
    const [runs, rejected, unknown, bad] = await Promise.all([
      cli(['runs', '--limit', '5'], url),
      cli(['rejected', String(runId)], url),
      cli(['rejected', '999999'], url),
      cli(['rejected', 'abc'], url),
    ]);
    expect(runs.code, runs.stderr).toBe(0);
    // One run: the fixture, 18 read, 11 inserted, 7 rejected (counted in ingest-tickets.int.test.ts).
    const lines = runs.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.split('\t')).toEqual([String(runId), expect.stringMatching(/^\d{4}-\d\d-\d\dT/), 'tickets', 'generic', 'generic-mixed.csv', 'succeeded', '18 read, 11 inserted, 0 updated, 7 rejected']);

    expect(rejected.code, rejected.stderr).toBe(0);
    const out = rejected.stdout.trimEnd().split('\n');
    expect(out[0]).toBe(`run ${runId} (tickets, generic-mixed.csv): 7 rejected rows`);
    expect(out.slice(1).map((l) => l.split('\t').slice(0, 2))).toEqual([
      ['line 6', 'id'], ['line 8', 'priority'], ['line 10', 'opened_at'], ['line 11', 'vip'], ['line 13', 'kind'], ['line 14', 'resolved_at'], ['line 15', '-'],
    ]);
    expect(out[2]).toBe('line 8\tpriority\tpriority: unknown priority "urgent" (expected critical, high, normal, low, long_term or P1-P5)\tT005,incident,urgent,no,Desktop,phone,Printer,open,2025-07-02 12:00,,,,,York,');

    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('ingest run 999999 does not exist');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('usage: attain rejected RUN');
  });
});
