import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { count, sql } from 'drizzle-orm';
import postgresJs from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { ingestRuns, tickets } from '../../db/schema.ts';
import { retryOnConflict } from '../../src/store/conflict-retry.ts';
import { backends, pgAdminUrl } from '../support/services.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'attain-overlap-'));
const pg = backends.find((b) => b.name === 'postgres')!;

type Done = { code: number | null; stdout: string; stderr: string };

/** `attain ARGS` against the database at `url`. */
function cli(args: string[], url: string): Promise<Done> {
  const child = spawn(process.execPath, [path.join(root, 'bin/attain.js'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: url, REDIS_URL: '', ATTAIN_CONFIG: '', ATTAIN_DATA_DIR: path.join(tmp, 'data') },
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

const header = 'id,kind,priority,opened_at,resolved_at\n';
const row = (n: number, priority: string) => `OV${String(n).padStart(6, '0')},incident,${priority},2025-03-03 09:00,2025-03-03 10:00\n`;

describe.skipIf(!pg.available)('overlapping ingests on one PostgreSQL database', () => {
  let handle: DbHandle;
  let url: string;
  beforeAll(async () => {
    handle = await pg.open();
    const u = new URL(pgAdminUrl);
    u.pathname = new URL(handle.location).pathname;
    url = u.toString();
  });
  afterAll(async () => handle?.close());

  it('runs a transaction again when PostgreSQL picks it as a deadlock victim', async () => {
    // Two connections lock rows 1 and 2 in opposite orders: PostgreSQL aborts one with 40P01.
    await handle.db.execute(sql`create table lock_pair (id int primary key, n int not null)`);
    await handle.db.execute(sql`insert into lock_pair values (1, 0), (2, 0)`);
    const a = postgresJs(url, { max: 1, onnotice: () => {} });
    const b = postgresJs(url, { max: 1, onnotice: () => {} });
    try {
      let holdA!: () => void;
      let holdB!: () => void;
      const aHolds = new Promise<void>((r) => (holdA = r));
      const bHolds = new Promise<void>((r) => (holdB = r));
      let tries = 0;
      const cross = (conn: postgresJs.Sql, first: number, second: number, held: () => void, other: Promise<void>) =>
        retryOnConflict(() =>
          conn.begin(async (tx) => {
            tries++;
            await tx`update lock_pair set n = n + 1 where id = ${first}`;
            held();
            await other; // both hold their first row before either asks for its second
            await tx`update lock_pair set n = n + 1 where id = ${second}`;
          }),
        );
      await Promise.all([cross(a, 1, 2, holdA, bHolds), cross(b, 2, 1, holdB, aHolds)]);
      // Three transactions began: both, then the victim once more. Each row was added to by both
      // committed transactions: n = 2 on each; the victim's first try left nothing.
      expect(tries).toBe(3);
      const rows = await handle.db.execute<{ id: number; n: number }>(sql`select id, n from lock_pair order by id`);
      expect([...(rows as unknown as { id: number; n: number }[])].map((r) => [r.id, r.n])).toEqual([[1, 2], [2, 2]]);
    } finally {
      await a.end({ timeout: 1 });
      await b.end({ timeout: 1 });
    }
  });

  it('lets two command-line ingests of overlapping files both succeed', async () => {
    // File A: tickets 1–3000 (high); file B: tickets 1501–4500 (normal) in reverse order, so
    // without key order the two upserts would meet on 1501–3000 from opposite ends.
    const fileA = path.join(tmp, 'a.csv');
    const fileB = path.join(tmp, 'b.csv');
    writeFileSync(fileA, header + Array.from({ length: 3000 }, (_, i) => row(i + 1, 'high')).join(''));
    writeFileSync(fileB, header + Array.from({ length: 3000 }, (_, i) => row(4500 - i, 'normal')).join(''));
    const [ra, rb] = await Promise.all([cli(['ingest', 'tickets', fileA], url), cli(['ingest', 'tickets', fileB], url)]);
    expect([ra.code, ra.stderr], ra.stdout).toEqual([0, expect.not.stringContaining('Failed query')]);
    expect([rb.code, rb.stderr], rb.stdout).toEqual([0, expect.not.stringContaining('Failed query')]);
    // 1–4500 distinct ids: 3000 + 3000 − 1500 shared.
    const [n] = await handle.db.select({ n: count() }).from(tickets);
    expect(Number(n!.n)).toBe(4500);
    const runs = await handle.db.select().from(ingestRuns);
    expect(runs.map((r) => [r.file, r.status, r.rowsRead]).sort()).toEqual([
      ['a.csv', 'succeeded', 3000],
      ['b.csv', 'succeeded', 3000],
    ]);
    // The 1500 shared ids were inserted by one run and updated (other priority) by the other:
    // 4500 inserts and 1500 updates in all.
    expect(runs.reduce((s, r) => s + r.inserted, 0)).toBe(4500);
    expect(runs.reduce((s, r) => s + r.updated, 0)).toBe(1500);
  }, 180_000);
});
