import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { and, asc, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db, type DbHandle } from '../../db/client.ts';
import { ingestRuns, tickets } from '../../db/schema.ts';
import { loadAppConfig } from '../../src/config/app-config.ts';
import { ingestTicketFile, type TicketIngestOptions } from '../../src/feeds/tickets/ingest-file.ts';
import { slaRules } from '../../src/sla/rules.ts';
import { getIngestRun, listRejectedRows } from '../../src/store/ingest-runs.ts';
import { backends, pgAdminUrl } from '../support/services.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(root, 'test/fixtures/tickets/generic-mixed.csv');
const fixtureText = readFileSync(fixture, 'utf8');
const tmp = mkdtempSync(path.join(tmpdir(), 'attain-ingest-tickets-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const kinds = ['incident', 'service_request'];
const options = (source: string, more: Partial<TicketIngestOptions> = {}): TicketIngestOptions => ({ source, zone: 'Europe/London', kinds, ...more });

function writeTmp(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
}

/**
 * What the fixture holds, counted by hand (line numbers as an editor shows them; T003's note is
 * a quoted field over lines 4-5, so every line after it is one further down than its row):
 * 18 rows read = 11 good (T001 T002 T003 T004 T006 T009 T013 T014 T015 T016 T017) + 7 rejected.
 */
const goodIds = ['T001', 'T002', 'T003', 'T004', 'T006', 'T009', 'T013', 'T014', 'T015', 'T016', 'T017'];
const expectedRejects = [
  { line: 6, field: 'id', reason: 'id: missing id', raw: ',incident,high,no,Desktop,phone,Printer,open,2025-07-02 09:00,,,,,York,' },
  { line: 8, field: 'priority', reason: 'priority: unknown priority "urgent"', raw: 'T005,incident,urgent,no,Desktop,phone,Printer,open,2025-07-02 12:00,,,,,York,' },
  { line: 10, field: 'opened_at', reason: 'opened_at: unreadable date "31/02/2025"', raw: 'T007,incident,low,no,Desktop,email,Mouse,open,31/02/2025,,,,,York,' },
  { line: 11, field: 'vip', reason: 'vip: unreadable vip "maybe"', raw: 'T008,incident,high,maybe,Network,phone,VPN,open,2025-07-03 10:00,,,,,Leeds,' },
  { line: 13, field: 'kind', reason: 'kind: unknown kind "problem"', raw: 'T010,problem,high,no,Network,phone,Core switch,open,2025-07-03 12:00,,,,,Leeds,' },
  {
    line: 14,
    field: 'resolved_at',
    reason: 'resolved_at: resolved_at is before opened_at',
    raw: 'T011,incident,normal,no,Apps,email,Login,resolved,2025-07-04 10:00,,2025-07-04 09:00,,,Hull,',
  },
  { line: 15, field: null, reason: '6 fields where the header has 15 (line cut short', raw: 'T012,incident,normal,no,Apps,email' },
];

async function rejectsOf(db: Db, runId: number) {
  const rows = await listRejectedRows(db, runId);
  return rows.map((r) => ({ file: r.file, line: r.line, field: r.field, reason: r.reason, raw: r.raw }));
}
const expectRejects = (file: string) =>
  expectedRejects.map((r) => ({ file, line: r.line, field: r.field, reason: expect.stringContaining(r.reason), raw: r.raw }));

/** Every column of a source's tickets, by external id. */
const allTickets = (db: Db, source: string) =>
  db.select().from(tickets).where(eq(tickets.source, source)).orderBy(asc(tickets.externalId));

/** The data a feed sets: everything except id, ingest_run_id and updated_at. */
const ticketData = (db: Db) =>
  db
    .select({
      source: tickets.source,
      externalId: tickets.externalId,
      kind: tickets.kind,
      priority: tickets.priority,
      vip: tickets.vip,
      team: tickets.team,
      channel: tickets.channel,
      category: tickets.category,
      status: tickets.status,
      openedAt: tickets.openedAt,
      firstResponseAt: tickets.firstResponseAt,
      resolvedAt: tickets.resolvedAt,
      closedAt: tickets.closedAt,
      satisfaction: tickets.satisfaction,
      extra: tickets.extra,
    })
    .from(tickets)
    .orderBy(asc(tickets.source), asc(tickets.externalId));

const countTickets = async (db: Db, source: string) =>
  (await db.select({ n: sql<number>`count(*)::int` }).from(tickets).where(eq(tickets.source, source)))[0]!.n;

/** A generated generic ticket CSV: every row good, ids G000000…, opened every 3 minutes from 2025-06-02. */
function generatedCsv(rows: number): string {
  const priorities = ['P1', 'P2', 'P3', 'P4', 'high', 'normal', 'low', 'Long Term'];
  const lines = ['id,kind,priority,vip,team,channel,status,opened_at,resolved_at,site'];
  for (let i = 0; i < rows; i++) {
    const opened = Date.UTC(2025, 5, 2, 7) + i * 180_000;
    const resolved = i % 3 === 0 ? '' : new Date(opened + ((i % 40) + 1) * 1_800_000).toISOString();
    lines.push(
      [
        `G${String(i).padStart(6, '0')}`,
        i % 4 ? 'incident' : 'service_request',
        priorities[i % priorities.length],
        i % 7 === 0 ? 'yes' : 'no',
        `team-${i % 5}`,
        i % 2 ? 'phone' : 'email',
        resolved ? 'resolved' : 'open',
        new Date(opened).toISOString().slice(0, 16).replace('T', ' '),
        resolved,
        i % 11 === 0 ? `site-${i % 3}` : '',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

describe.each(backends.filter((b) => b.available))('ingest tickets ($name)', (backend) => {
  let handle: DbHandle;
  let db: Db;
  beforeAll(async () => {
    handle = await backend.open();
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('keeps bad rows in the quarantine with file, line, field and reason; the rest goes in', async () => {
    const r = await ingestTicketFile(db, fixture, options('mixed'));
    expect(r).toMatchObject({ status: 'succeeded', file: 'generic-mixed.csv', rowsRead: 18, inserted: 11, updated: 0, unchanged: 0, rejected: 7 });
    expect(r.error).toBeUndefined();

    const run = await getIngestRun(db, r.runId);
    expect(run).toMatchObject({ feed: 'tickets', source: 'mixed', file: 'generic-mixed.csv', status: 'succeeded', rowsRead: 18, inserted: 11, updated: 0, unchanged: 0, rejected: 7, error: null });
    expect(run!.finishedAt).toBeInstanceOf(Date);
    // Local (London) days of the good rows' opened_at and resolved_at; T002 resolved 08:00Z = 09:00 on the 2nd.
    expect(run!.touchedDays).toEqual(['2025-07-01', '2025-07-02', '2025-07-03', '2025-07-04', '2025-07-07', '2025-07-08']);

    expect(await rejectsOf(db, r.runId)).toEqual(expectRejects('generic-mixed.csv'));

    const rows = await allTickets(db, 'mixed');
    expect(rows.map((t) => t.externalId)).toEqual(goodIds);
    const byId = new Map(rows.map((t) => [t.externalId, t]));
    // P2 → high, vip "yes" → true, naive 09:00 in Europe/London (BST) → 08:00Z; unknown column `site` kept in extra.
    expect(byId.get('T001')).toMatchObject({
      kind: 'incident',
      priority: 'high',
      vip: true,
      team: 'Network',
      channel: 'phone',
      category: 'Outage',
      status: 'resolved',
      openedAt: new Date('2025-07-01T08:00:00Z'),
      firstResponseAt: new Date('2025-07-01T08:20:00Z'),
      resolvedAt: new Date('2025-07-01T11:30:00Z'),
      closedAt: new Date('2025-07-01T12:00:00Z'),
      satisfaction: 5,
      extra: { site: 'Leeds' },
      ingestRunId: r.runId,
    });
    // `Z` and `+01:00` taken as given.
    expect(byId.get('T002')).toMatchObject({ priority: 'normal', vip: false, openedAt: new Date('2025-07-01T10:15:00Z'), resolvedAt: new Date('2025-07-02T08:00:00Z') });
    // The quoted two-line note survives whole; an empty vip is false.
    expect(byId.get('T003')).toMatchObject({ vip: false, satisfaction: null, extra: { site: 'Leeds', note: 'Caller said:\n"nothing works"' } });
    expect(byId.get('T004')).toMatchObject({ priority: 'critical', vip: true });
    expect(byId.get('T006')).toMatchObject({ priority: 'long_term', vip: false, resolvedAt: null, firstResponseAt: null, team: 'Apps' });
    expect(byId.get('T014')).toMatchObject({ priority: 'low', vip: false, openedAt: new Date('2025-07-04T12:00:00Z') });
    expect(byId.get('T017')).toMatchObject({ priority: 'long_term', vip: false });

    // extra is stored as a JSON object (not a JSON string holding one).
    const [kindOfExtra] = await db.select({ t: sql<string>`jsonb_typeof(${tickets.extra})` }).from(tickets).where(and(eq(tickets.source, 'mixed'), eq(tickets.externalId, 'T001')));
    expect(kindOfExtra!.t).toBe('object');
  });

  it('gives the same lines and raw text for a CRLF export, blank lines counted', async () => {
    // The fixture with CRLF line ends (the note's break too) and an empty line after T001, so
    // every row from T002 on is one line further down than in the LF fixture.
    const crlf = fixtureText.replace(/\n/g, '\r\n').replace('Leeds,\r\n', 'Leeds,\r\n\r\n');
    const file = writeTmp('generic-crlf.csv', crlf);
    const r = await ingestTicketFile(db, file, options('crlf'));
    expect(r).toMatchObject({ status: 'succeeded', rowsRead: 18, inserted: 11, rejected: 7 });
    expect(await rejectsOf(db, r.runId)).toEqual(expectedRejects.map((x) => ({ file: 'generic-crlf.csv', line: x.line + 1, field: x.field, reason: expect.stringContaining(x.reason), raw: x.raw })));
    const t3 = (await allTickets(db, 'crlf')).find((t) => t.externalId === 'T003');
    expect(t3!.extra).toEqual({ site: 'Leeds', note: 'Caller said:\r\n"nothing works"' });
  });

  it('changes nothing when the same file is ingested twice; a changed row counts as updated', async () => {
    const first = await ingestTicketFile(db, fixture, options('twice'));
    expect(first).toMatchObject({ status: 'succeeded', inserted: 11, updated: 0, unchanged: 0, rejected: 7 });
    const before = await allTickets(db, 'twice');

    const second = await ingestTicketFile(db, fixture, options('twice'));
    // The 11 good rows are unchanged; the 7 bad rows are quarantined again under the new run.
    expect(second).toMatchObject({ status: 'succeeded', rowsRead: 18, inserted: 0, updated: 0, unchanged: 11, rejected: 7 });
    expect(await getIngestRun(db, second.runId)).toMatchObject({ status: 'succeeded', inserted: 0, updated: 0, unchanged: 11, rejected: 7 });
    const after = await allTickets(db, 'twice');
    expect(after).toEqual(before); // every column, updated_at and ingest_run_id included

    // One status changed (T016 resolved → closed).
    const changedText = fixtureText.replace('T016,incident,critical,no,Network,phone,Outage,resolved,', 'T016,incident,critical,no,Network,phone,Outage,closed,');
    expect(changedText).not.toBe(fixtureText);
    const third = await ingestTicketFile(db, writeTmp('generic-changed.csv', changedText), options('twice'));
    expect(third).toMatchObject({ status: 'succeeded', rowsRead: 18, inserted: 0, updated: 1, unchanged: 10, rejected: 7 });
    const changed = await allTickets(db, 'twice');
    for (const [i, t] of changed.entries()) {
      if (t.externalId === 'T016') {
        expect(t).toMatchObject({ status: 'closed', ingestRunId: third.runId, id: before[i]!.id });
        expect(t.updatedAt.getTime()).toBeGreaterThan(before[i]!.updatedAt.getTime());
      } else {
        expect(t).toEqual(before[i]);
      }
    }
  });

  it('fails a binary file with a clear error naming it, and stores nothing', async () => {
    // The start of a zip (what an .xlsx is), saved under a .csv name.
    const bytes = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1'), Buffer.alloc(64, 0), Buffer.from('[Content_Types].xml')]);
    const file = writeTmp('export-binary.csv', bytes);
    const r = await ingestTicketFile(db, file, options('binary'));
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/export-binary\.csv: looks binary \(NUL byte at offset 5\)/);
    expect(r).toMatchObject({ rowsRead: 0, inserted: 0, rejected: 0 });
    const run = await getIngestRun(db, r.runId);
    expect(run).toMatchObject({ status: 'failed', error: r.error, rowsRead: 0 });
    expect(run!.finishedAt).toBeInstanceOf(Date);
    expect(await countTickets(db, 'binary')).toBe(0);

    // Binary inside a gzip stream, which the first-bytes check cannot see, is refused as well.
    const gz = await ingestTicketFile(db, writeTmp('export-binary.csv.gz', gzipSync(Buffer.concat([Buffer.from('id,kind\n'), bytes]))), options('binary'));
    expect(gz.status).toBe('failed');
    expect(gz.error).toMatch(/export-binary\.csv\.gz: looks binary/);
    expect(await countTickets(db, 'binary')).toBe(0);
  });

  it('quarantines a record cut inside a quoted field, keeping the rows before it', async () => {
    // Cut just after the opening quote of T003's note (line 4): T001 and T002 precede it. The
    // quote never closes, so line 4 is quarantined (a truncated file and a stray quote look
    // alike) and the reader goes on at line 5, where the cut file ends.
    const cut = fixtureText.slice(0, fixtureText.indexOf('"Caller said:') + '"Caller said:'.length);
    const file = writeTmp('generic-cut.csv', cut);
    const r = await ingestTicketFile(db, file, options('cut', { batchSize: 2 }));
    // Read 3 = inserted 2 (T001, T002) + rejected 1 (line 4).
    expect(r).toMatchObject({ status: 'succeeded', rowsRead: 3, inserted: 2, rejected: 1 });
    const [bad] = await rejectsOf(db, r.runId);
    expect(bad).toMatchObject({ file: 'generic-cut.csv', line: 4, field: 'note', reason: expect.stringMatching(/^note: a quoted field opened here is never closed \(the file is truncated, or a stray quote\)/) });
    expect((await allTickets(db, 'cut')).map((t) => t.externalId)).toEqual(['T001', 'T002']);

    // Once the whole file arrives, re-running it completes the set.
    const again = await ingestTicketFile(db, fixture, options('cut', { batchSize: 2 }));
    expect(again).toMatchObject({ status: 'succeeded', inserted: 9, unchanged: 2, rejected: 7 });
    expect(await countTickets(db, 'cut')).toBe(11);
  });

  it('fails a gzip file cut in half with a clear error; reads a whole .csv.gz like the plain file', async () => {
    const gz = gzipSync(Buffer.from(fixtureText));
    const half = writeTmp('generic-half.csv.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const r = await ingestTicketFile(db, half, options('gz-half'));
    expect(r.status).toBe('failed');
    expect(r.error).toBe('generic-half.csv.gz: the gzip stream ends early: the file is truncated; copy or export it again');
    expect(await getIngestRun(db, r.runId)).toMatchObject({ status: 'failed', error: r.error });
    // Whatever was committed matches what the run recorded (here nothing: one batch never filled).
    expect(await countTickets(db, 'gz-half')).toBe(r.inserted);

    const whole = await ingestTicketFile(db, writeTmp('generic-whole.csv.gz', gz), options('gz-whole'));
    expect(whole).toMatchObject({ status: 'succeeded', file: 'generic-whole.csv.gz', rowsRead: 18, inserted: 11, rejected: 7 });
    expect(await rejectsOf(db, whole.runId)).toEqual(expectRejects('generic-whole.csv.gz'));
    await ingestTicketFile(db, fixture, options('gz-plain'));
    const plain = (await allTickets(db, 'gz-plain')).map(({ id, source, ingestRunId, updatedAt, ...data }) => data);
    const fromGz = (await allTickets(db, 'gz-whole')).map(({ id, source, ingestRunId, updatedAt, ...data }) => data);
    expect(fromGz).toEqual(plain);
  });

  it('fails an empty file (and one of blank lines only) with a clear error', async () => {
    for (const [name, content] of [['empty.csv', ''], ['blank.csv', '\n\n\n']] as const) {
      const r = await ingestTicketFile(db, writeTmp(name, content), options('empty'));
      expect(r.status).toBe('failed');
      expect(r.error).toBe(`${name}: the file is empty: expected a header row and data rows`);
      expect(await getIngestRun(db, r.runId)).toMatchObject({ status: 'failed', error: r.error, rowsRead: 0 });
    }
  });

  it('leaves the same database after a run failed half-way and a re-run as after one clean run', async () => {
    // 2,500 good rows in batches of 500; the run is failed after batch 3 is committed.
    const file = writeTmp('generated-2500.csv', generatedCsv(2500));
    const failed = await ingestTicketFile(db, file, {
      ...options('halfway', { batchSize: 500 }),
      afterBatch: (n) => {
        if (n === 3) throw new Error('stopped after batch 3');
      },
    });
    // The run's error names the file.
    expect(failed).toMatchObject({ status: 'failed', error: 'generated-2500.csv: stopped after batch 3', rowsRead: 1500, inserted: 1500 });
    expect(await getIngestRun(db, failed.runId)).toMatchObject({ status: 'failed', error: 'generated-2500.csv: stopped after batch 3', rowsRead: 1500, inserted: 1500 });
    expect(await countTickets(db, 'halfway')).toBe(1500);

    const rerun = await ingestTicketFile(db, file, options('halfway', { batchSize: 500 }));
    expect(rerun).toMatchObject({ status: 'succeeded', rowsRead: 2500, inserted: 1000, updated: 0, unchanged: 1500, rejected: 0 });

    const other = await backend.open();
    try {
      const clean = await ingestTicketFile(other.db, file, options('halfway'));
      expect(clean).toMatchObject({ status: 'succeeded', rowsRead: 2500, inserted: 2500 });
      const a = (await ticketData(db)).filter((t) => t.source === 'halfway');
      const b = await ticketData(other.db);
      expect(a).toHaveLength(2500);
      expect(a).toEqual(b);
    } finally {
      await other.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The command line, as a separate process against a real PostgreSQL database
// ---------------------------------------------------------------------------------------------

const pg = backends.find((b) => b.name === 'postgres')!;

type FreshDb = { url: string; handle: DbHandle; drop: () => Promise<void> };

/** A new, migrated PostgreSQL database whose URL a child process can be given. */
async function freshPostgres(): Promise<FreshDb> {
  const name = `attain_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(pgAdminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), max: 2 });
  await handle.migrate();
  return {
    url: url.toString(),
    handle,
    async drop() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 1 });
    },
  };
}

type CliRun = { pid: number; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> };
const started: number[] = [];

/** `attain ARGS` as its own process group (tsx runs the script in a child of its own). */
function cli(args: string[], databaseUrl: string): CliRun {
  const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'jobs/main.ts', ...args], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: '', ATTAIN_CONFIG: '', ATTAIN_DATA_DIR: path.join(tmp, 'data') },
  });
  started.push(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { pid: child.pid!, done };
}

describe.skipIf(!pg.available)('attain ingest tickets (command line, postgres)', () => {
  const dbs: FreshDb[] = [];
  afterAll(async () => {
    for (const pid of started) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await Promise.all(dbs.map((d) => d.drop()));
  });
  const fresh = async () => {
    const d = await freshPostgres();
    dbs.push(d);
    return d;
  };

  it('exits 0 for a file with rejected rows and prints the counts; 1 with a one-line reason for a binary file', async () => {
    const [a, b] = await Promise.all([fresh(), fresh()]);
    const binary = writeTmp('cli-binary.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]));
    const [ok, bad] = await Promise.all([cli(['ingest', 'tickets', fixture], a.url).done, cli(['ingest', 'tickets', binary], b.url).done]);

    expect(ok.code, ok.stderr).toBe(0);
    const run = (await a.handle.db.select().from(ingestRuns))[0]!;
    expect(ok.stdout).toContain(`generic-mixed.csv: 18 rows read, 11 inserted, 0 updated, 0 unchanged, 7 rejected (ingest run ${run.id})`);
    expect(ok.stdout).toContain('  rejected line 6 (id): id: missing id');
    expect(ok.stdout).toContain('  rejected line 15: 6 fields where the header has 15');
    expect(run).toMatchObject({ status: 'succeeded', rowsRead: 18, inserted: 11, rejected: 7 });
    expect(await countTickets(a.handle.db, 'generic')).toBe(11);

    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('cli-binary.csv: 0 rows read, 0 inserted, 0 updated, 0 unchanged, 0 rejected');
    const reason = bad.stderr.trimEnd().split('\n');
    expect(reason).toHaveLength(1);
    expect(reason[0]).toMatch(/^attain: .*cli-binary\.csv: looks binary \(NUL byte at offset 4\)/);
    expect((await b.handle.db.select().from(ingestRuns))[0]).toMatchObject({ status: 'failed' });
  });

  it('leaves the same database after a SIGKILL half-way and a re-run as after one clean ingest', { timeout: 90_000 }, async () => {
    const rows = 8_000;
    const file = writeTmp('generated-8000.csv', generatedCsv(rows));
    const [killed, clean] = await Promise.all([fresh(), fresh()]);

    // Kill the process group as soon as the first batch is committed and the run still runs.
    const first = cli(['ingest', 'tickets', file], killed.url);
    let exited = false;
    void first.done.then(() => (exited = true));
    const deadline = Date.now() + 60_000;
    let seen: { rowsRead: number; status: string } | undefined;
    while (!exited && Date.now() < deadline) {
      [seen] = await killed.handle.db.select({ rowsRead: ingestRuns.rowsRead, status: ingestRuns.status }).from(ingestRuns);
      if (seen && seen.rowsRead > 0 && seen.status === 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen, 'the ingest run should have shown progress before the kill').toMatchObject({ status: 'running' });
    process.kill(-first.pid, 'SIGKILL');
    const end = await first.done;
    expect(end.signal).toBe('SIGKILL');

    // The dead run stays "running" with the progress of its committed batches (1,000 rows each).
    const [dead] = await killed.handle.db.select().from(ingestRuns);
    expect(dead!.status).toBe('running');
    const kept = await countTickets(killed.handle.db, 'generic');
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(rows);
    expect(kept % 1000).toBe(0);
    expect(dead!.inserted).toBe(kept);

    // Re-run to completion, and meanwhile one clean ingest (as the CLI would do it) elsewhere.
    const config = loadAppConfig();
    const [rerun, once] = await Promise.all([
      cli(['ingest', 'tickets', file], killed.url).done,
      ingestTicketFile(clean.handle.db, file, { source: config.ticketSource, zone: slaRules(config).zone, kinds: config.kinds }),
    ]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`generated-8000.csv: ${rows} rows read, ${rows - kept} inserted, 0 updated, ${kept} unchanged, 0 rejected`);
    expect(once).toMatchObject({ status: 'succeeded', rowsRead: rows, inserted: rows });

    const a = await ticketData(killed.handle.db);
    const b = await ticketData(clean.handle.db);
    expect(a).toHaveLength(rows);
    expect(a).toEqual(b);
  });
});
