import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Db, DbHandle } from '../../db/client.ts';
import { callVisits } from '../../db/schema.ts';
import { ingestCallFile, ingestEmailFile } from '../../src/feeds/calls/ingest-file.ts';
import { ingestCsvFile } from '../../src/feeds/ingest-csv.ts';
import { ingestOutageFile } from '../../src/feeds/outages/ingest-file.ts';
import { ingestTicketHistoryFile } from '../../src/feeds/tickets/history.ts';
import { genericTicketFeed, ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { getIngestRun, listRejectedRows } from '../../src/store/ingest-runs.ts';
import { upsertTickets } from '../../src/store/tickets.ts';
import { backends } from '../support/services.ts';

// Issue 17: valid files of each feed kind, mutated the ways real files go wrong (a stray quote,
// a NUL, a huge line or field, Latin-1 or UTF-16, mixed CRLF/LF, blank and whitespace lines,
// values out of range, a cut, a gzip bomb, a truncated gzip). None may crash the process; every
// good row goes in; every bad one is quarantined with file, line and field; and
// read = inserted + updated + unchanged + rejected.

const zone = 'Europe/London';
const kinds = ['incident', 'service_request'];

type Result = { status: string; error?: string; rowsRead: number; inserted: number; updated: number; unchanged: number; rejected: number; runId: number; warnings: string[] };

/** One feed kind: its header, a good row i (line i + 1 of the file), and where to put bad values. */
type Kind = {
  name: string;
  header: string;
  /** `tag` is the run's source: outages name their system by it, so that runs do not share outages. */
  row: (i: number, tag: string) => string[];
  /** Index of a free-text column (NUL, huge field, stray quote, accents go there) and its name. */
  text: [number, string];
  /** Index of an instant column (year 0000 goes there) and its name. */
  instant: [number, string];
  /** An out-of-range number, when the feed has a numeric column: [index, name, value]. */
  number?: [number, string, string];
  ingest: (db: Db, file: string, source: string) => Promise<Result>;
};

const pad = (i: number) => String(i).padStart(4, '0');
const day = (i: number) => `2025-06-${String(2 + (i % 20)).padStart(2, '0')}`;
const feeds: Kind[] = [
  {
    name: 'tickets',
    header: 'id,kind,priority,team,opened_at,resolved_at,satisfaction',
    row: (i) => [`T${pad(i)}`, 'incident', 'P3', 'Network', `${day(i)} 09:00`, `${day(i)} 11:00`, '4'],
    text: [3, 'team'],
    instant: [4, 'opened_at'],
    number: [6, 'satisfaction', '99999999999'],
    ingest: (db, file, source) => ingestTicketFile(db, file, { source, zone, kinds }),
  },
  {
    name: 'ticket-history',
    header: 'id,at,field,value',
    row: (i) => [`T${pad(i)}`, `${day(i)} 10:00`, 'status', 'In progress'],
    text: [3, 'value'],
    instant: [1, 'at'],
    ingest: (db, file, source) => ingestTicketHistoryFile(db, file, { source, zone }),
  },
  {
    name: 'calls',
    header: 'call_id,queue,arrived_at,answered_at,ended_at,outcome,wait_seconds,talk_seconds,agent',
    row: (i) => [`C${pad(i)}`, 'Benefits', `${day(i)} 10:00:00`, `${day(i)} 10:00:30`, `${day(i)} 10:05:00`, 'answered', '30', '270', 'ann'],
    text: [1, 'queue'],
    instant: [2, 'arrived_at'],
    number: [6, 'wait_seconds', '99999999999'],
    ingest: (db, file, source) => ingestCallFile(db, file, 'csv', { source, zone }),
  },
  {
    name: 'emails',
    header: 'id,mailbox,received_at,processed_at',
    row: (i) => [`E${pad(i)}`, 'contact', `${day(i)} 09:00`, `${day(i)} 12:00`],
    text: [1, 'mailbox'],
    instant: [2, 'received_at'],
    ingest: (db, file, source) => ingestEmailFile(db, file, { source, zone }),
  },
  {
    name: 'outages',
    header: 'system,start,end,kind,reason,ref',
    row: (i, tag) => [tag, `${day(i)} ${String(8 + (i % 10)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`, '', 'unplanned', 'Disk full', `INC${pad(i)}`],
    text: [4, 'reason'],
    instant: [1, 'start'],
    ingest: (db, file, source) => ingestOutageFile(db, file, { zoneOf: () => zone, source }) as Promise<Result>,
  },
];

const ROWS = 30;
/** Line of the mutated row (the header is line 1). */
const BAD = 16;

type Mutation = {
  name: string;
  /** The file's bytes from its rows (row 1 = line 2); a mutation changes row BAD − 1 or the whole file. */
  build: (k: Kind, rows: string[][]) => Buffer | string;
  /** Expected quarantine: line and field (null where the reader cannot know one), or none. */
  bad: (k: Kind) => { line: number; field: string | null } | null;
  /** A further check of the run (its warnings). */
  check?: (k: Kind, r: Result) => void;
};

const text = (header: string, rows: string[][], eol = '\n') => `${[header, ...rows.map((r) => r.join(','))].join(eol)}${eol}`;
const mutate = (rows: string[][], col: number, value: string) => rows.map((r, i) => (i === BAD - 2 ? r.map((v, j) => (j === col ? value : v)) : r));

const mutations: Mutation[] = [
  { name: 'a stray quote opening a field that never closes', build: (k, rows) => text(k.header, mutate(rows, k.text[0], '"Disk full')), bad: (k) => ({ line: BAD, field: k.text[1] }) },
  { name: 'a stray quote inside a plain field', build: (k, rows) => text(k.header, mutate(rows, k.text[0], 'Disk "full')), bad: (k) => ({ line: BAD, field: k.text[1] }) },
  { name: 'a NUL byte in a value', build: (k, rows) => text(k.header, mutate(rows, k.text[0], 'Disk\u0000full')), bad: (k) => ({ line: BAD, field: k.text[1] }) },
  { name: 'a 100,000-character field', build: (k, rows) => text(k.header, mutate(rows, k.text[0], 'x'.repeat(100_000))), bad: (k) => ({ line: BAD, field: k.text[1] }) },
  // Over the 1 MiB line limit: not kept in memory, quarantined by line.
  { name: 'a 3 MiB line', build: (k, rows) => text(k.header, mutate(rows, k.text[0], 'x'.repeat(3 << 20))), bad: () => ({ line: BAD, field: null }) },
  { name: 'year 0000', build: (k, rows) => text(k.header, mutate(rows, k.instant[0], '0000-01-01 09:00')), bad: (k) => ({ line: BAD, field: k.instant[1] }) },
  { name: 'year 9999', build: (k, rows) => text(k.header, mutate(rows, k.instant[0], '9999-12-31 09:00')), bad: (k) => ({ line: BAD, field: k.instant[1] }) },
  {
    name: 'a number out of range',
    build: (k, rows) => text(k.header, k.number ? mutate(rows, k.number[0], k.number[2]) : rows),
    bad: (k) => (k.number ? { line: BAD, field: k.number[1] } : null),
  },
  {
    name: 'cut in the middle of the last row',
    build: (k, rows) => {
      const t = text(k.header, rows);
      const lastStart = t.lastIndexOf('\n', t.length - 2) + 1;
      // Keep the last row's first two fields: too few fields, "line cut short".
      return t.slice(0, t.indexOf(',', t.indexOf(',', lastStart) + 1));
    },
    bad: () => ({ line: ROWS + 1, field: null }),
  },
  {
    name: 'Latin-1 with accented text',
    build: (k, rows) => Buffer.from(text(k.header, mutate(rows, k.text[0], 'Équipe réseau')), 'latin1'),
    bad: () => null,
    check: (_k, r) => expect(r.warnings.some((w) => /is not valid UTF-8 .*read as Windows-1252/.test(w))).toBe(true),
  },
  {
    name: 'UTF-16 with its byte-order mark',
    build: (k, rows) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text(k.header, rows, '\r\n'), 'utf16le')]),
    bad: () => null,
  },
  {
    // CRLF and LF mixed, and the row after the bad one's line numbers must stay right.
    name: 'CRLF and LF mixed, a bad date after them',
    build: (k, rows) => {
      const lines = [k.header, ...mutate(rows, k.instant[0], 'soon').map((r) => r.join(','))];
      return lines.map((l, i) => l + (i % 3 === 0 ? '\r\n' : '\n')).join('');
    },
    bad: (k) => ({ line: BAD, field: k.instant[1] }),
  },
  {
    // Two blank and two whitespace-only lines before the bad row: its line is 4 further down.
    name: 'blank and whitespace-only lines',
    build: (k, rows) => {
      const lines = [k.header, ...mutate(rows, k.instant[0], 'soon').map((r) => r.join(','))];
      lines.splice(3, 0, '', '   ', '\t', '');
      return `${lines.join('\n')}\n`;
    },
    bad: (k) => ({ line: BAD + 4, field: k.instant[1] }),
    check: (_k, r) => expect(r.warnings).toContain('4 blank lines skipped'),
  },
];

/** A gzip file whose content is the header, two rows and `size` bytes of one line (a gzip bomb). */
async function gzipBomb(file: string, k: Kind, size: number) {
  const head = Buffer.from(text(k.header, [k.row(1, 'bomb'), k.row(2, 'bomb')]));
  const chunk = Buffer.alloc(1 << 20, 'a');
  async function* bytes() {
    yield head;
    for (let n = 0; n < size; n += chunk.length) yield chunk;
  }
  await pipeline(Readable.from(bytes()), createGzip({ level: 9 }), createWriteStream(file));
}

describe.each(backends.filter((b) => b.available))('mutated feed files on $name', (backend) => {
  let handle: DbHandle;
  let dir: string;
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  beforeAll(async () => {
    handle = await backend.open();
    dir = mkdtempSync(path.join(tmpdir(), 'attain-mutated-'));
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
  }, 120_000);
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    await handle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const k of feeds) {
    it(`${k.name}: every mutation keeps the good rows and quarantines the bad one with file, line and field`, async () => {
      for (const [n, m] of mutations.entries()) {
        const source = `${k.name}-m${n}`;
        const rows = Array.from({ length: ROWS }, (_, i) => k.row(i + 1, source));
        const name = `${k.name}-m${n}.csv`;
        const file = path.join(dir, name);
        writeFileSync(file, m.build(k, rows));
        const r = await k.ingest(handle.db, file, source);
        const bad = m.bad(k);
        expect(r.status, `${m.name}: ${r.error}`).toBe('succeeded');
        // Read = inserted + updated + unchanged + rejected; every good row in (ROWS less the bad one).
        expect([r.rowsRead, r.inserted, r.rejected], m.name).toEqual([ROWS, ROWS - (bad ? 1 : 0), bad ? 1 : 0]);
        expect(r.rowsRead).toBe(r.inserted + r.updated + r.unchanged + r.rejected);
        const rejects = await listRejectedRows(handle.db, r.runId);
        expect(rejects.map((x) => ({ file: x.file, line: x.line, field: x.field })), m.name).toEqual(bad ? [{ file: name, ...bad }] : []);
        // The quarantine keeps at most 4 KiB of a line, and never a NUL.
        for (const x of rejects) expect(x.raw.length).toBeLessThan(4_200);
        m.check?.(k, r);
      }
      expect(uncaught).toEqual([]);
    }, 120_000);
  }

  it('Latin-1 and UTF-16 text is stored as the characters it spells, and no CR is left in a value', async () => {
    const rows = Array.from({ length: 3 }, (_, i) => feeds[2]!.row(i + 1, 'latin'));
    const latin = path.join(dir, 'calls-latin1.csv');
    writeFileSync(latin, Buffer.from(text(`${feeds[2]!.header},site`, rows.map((r) => [...r.slice(0, 1), 'Équipe', ...r.slice(2), 'Liège']), '\r\n'), 'latin1'));
    const r = await ingestCallFile(handle.db, latin, 'csv', { source: 'latin', zone });
    expect(r).toMatchObject({ status: 'succeeded', rowsRead: 3, inserted: 3, rejected: 0 });
    const utf16 = path.join(dir, 'calls-utf16.csv');
    const body = text(`${feeds[2]!.header},site`, rows.map((r) => [...r.slice(0, 1), 'Équipe', ...r.slice(2), 'Liège']), '\r\n');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]));
    expect(await ingestCallFile(handle.db, utf16, 'csv', { source: 'latin', zone })).toMatchObject({ status: 'succeeded', rowsRead: 3, unchanged: 3 });
    const stored = await handle.db.select({ queue: callVisits.queue, extra: callVisits.extra }).from(callVisits).where(eq(callVisits.source, 'latin'));
    // Every row: the queue as spelt and the last column (extra) without the CR of its CRLF.
    expect(stored).toEqual(Array(3).fill({ queue: 'Équipe', extra: { site: 'Liège' } }));
  });

  it('a gzip bomb stops its run with an error naming the file; a truncated gzip too; the process goes on', async () => {
    for (const k of [feeds[0]!, feeds[2]!]) {
      // 160 MiB of one line compress to about 160 KB: past 64 MiB (the floor of the
      // 200-times-the-file bound) the reader stops.
      const bomb = path.join(dir, `${k.name}-bomb.csv.gz`);
      await gzipBomb(bomb, k, 160 << 20);
      const r = await k.ingest(handle.db, bomb, `${k.name}-bomb`);
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(new RegExp(`^${k.name}-bomb\\.csv\\.gz: the gzip stream inflates past 67,108,864 bytes`));
      expect(await getIngestRun(handle.db, r.runId)).toMatchObject({ status: 'failed', error: r.error });

      const whole = gzipSync(text(k.header, Array.from({ length: ROWS }, (_, i) => k.row(i + 1, 'cut'))));
      const cut = path.join(dir, `${k.name}-cut.csv.gz`);
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
      const c = await k.ingest(handle.db, cut, `${k.name}-cut`);
      expect(c).toMatchObject({ status: 'failed', error: `${k.name}-cut.csv.gz: the gzip stream ends early: the file is truncated; copy or export it again` });
    }
    // The case: a queue_log .gz inflating to one huge line.
    const qlog = path.join(dir, 'queue_log-bomb.gz');
    async function* lines() {
      yield Buffer.from('1748858400|1748858400.1|support|NONE|ENTERQUEUE||07700900001|1\n');
      const chunk = Buffer.alloc(1 << 20, 'a');
      for (let n = 0; n < 160 << 20; n += chunk.length) yield chunk;
    }
    await pipeline(Readable.from(lines()), createGzip({ level: 9 }), createWriteStream(qlog));
    const q = await ingestCallFile(handle.db, qlog, 'queue_log', { source: 'qlog-bomb', zone });
    expect(q).toMatchObject({ status: 'failed', error: expect.stringMatching(/^queue_log-bomb\.gz: the gzip stream inflates past/) });
    expect(uncaught).toEqual([]);
  }, 120_000);

  it('a queue_log with a huge line and a NUL quarantines those lines and reads the rest', async () => {
    const t0 = 1748858400; // 2025-06-02T10:00:00Z
    const lines = [
      `${t0}|c1|support|NONE|ENTERQUEUE||07700900001|1`,
      `${t0 + 20}|c1|support|SIP/ann|CONNECT|20|c1.2|3`,
      `${t0 + 30}|x|support|NONE|${'y'.repeat(3 << 20)}`,
      `${t0 + 40}|c2|supp\u0000ort|NONE|ENTERQUEUE||07700900002|1`,
      `${t0 + 120}|c1|support|SIP/ann|COMPLETECALLER|20|100|1`,
    ];
    const file = path.join(dir, 'queue_log-mutated');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await ingestCallFile(handle.db, file, 'queue_log', { source: 'qlog-mutated', zone });
    // 5 lines read: 3 make call c1's visit (inserted 1), 2 quarantined.
    expect(r).toMatchObject({ status: 'succeeded', rowsRead: 5, inserted: 1, rejected: 2 });
    const rejects = await listRejectedRows(handle.db, r.runId);
    expect(rejects.map((x) => [x.file, x.line, x.field])).toEqual([
      ['queue_log-mutated', 3, null],
      ['queue_log-mutated', 4, 'queue'],
    ]);
    expect(rejects[0]!.reason).toBe(`${(3 << 20) + 26} characters, over the line limit of 1048576`);
  });
});

describe.each(backends.filter((b) => b.available))('values checked before the database, on $name', (backend) => {
  let handle: DbHandle;
  let dir: string;
  beforeAll(async () => {
    handle = await backend.open();
    dir = mkdtempSync(path.join(tmpdir(), 'attain-values-'));
  }, 120_000);
  afterAll(async () => {
    await handle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a 5,000-row file with one bad row at row 2,500 ingests 4,999 rows and quarantines that one, naming its field', async () => {
    const k = feeds[0]!;
    const cases: [string, number, string, string][] = [
      ['year-0000', 4, '0000-01-01 09:00', 'opened_at'],
      ['satisfaction', 6, '99999999999', 'satisfaction'],
      ['nul', 3, 'Net\u0000work', 'team'],
    ];
    for (const [label, col, value, field] of cases) {
      const rows = Array.from({ length: 5_000 }, (_, i) => k.row(i + 1, label));
      rows[2_499] = rows[2_499]!.map((v, j) => (j === col ? value : v));
      const file = path.join(dir, `tickets-${label}.csv`);
      writeFileSync(file, text(k.header, rows));
      const r = await ingestTicketFile(handle.db, file, { source: `values-${label}`, zone, kinds });
      // Row 2,500 is line 2,501 (after the header).
      expect(r, label).toMatchObject({ status: 'succeeded', rowsRead: 5_000, inserted: 4_999, rejected: 1 });
      const [bad] = await listRejectedRows(handle.db, r.runId);
      expect(bad, label).toMatchObject({ file: `tickets-${label}.csv`, line: 2_501, field });
    }
  }, 120_000);

  it('a database error in a batch leaves a short cause in the run: no statement, no row data', async () => {
    // A feed that skips the checks and writes a value the integer column refuses.
    const file = path.join(dir, 'tickets-unchecked.csv');
    writeFileSync(file, text(feeds[0]!.header, [feeds[0]!.row(1, 'unchecked')]));
    const base = genericTicketFeed({ source: 'unchecked', zone, kinds });
    const r = await ingestCsvFile(handle.db, file, { ...base, write: (tx, runId, items) => upsertTickets(tx, 'unchecked', runId, items.map((t) => ({ ...t, satisfaction: 99_999_999_999 }))) }, { source: 'unchecked' });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^tickets-unchecked\.csv: .*out of range/);
    expect(r.error).not.toMatch(/insert|T0001|Network|params/i);
    expect(r.error!.length).toBeLessThan(300);
    expect((await getIngestRun(handle.db, r.runId))!.error).toBe(r.error);
  });
});
