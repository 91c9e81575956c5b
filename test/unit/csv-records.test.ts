import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvRecords, type CsvRecord } from '../../src/feeds/csv-records.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'attain-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(name: string, content: string | Buffer, opts: Parameters<typeof readCsvRecords>[1] = {}) {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  const warnings: string[] = [];
  const out: CsvRecord[] = [];
  for await (const r of readCsvRecords(file, { ...opts, onWarning: (w) => warnings.push(w) })) out.push(r);
  return { out, warnings };
}
const brief = (r: CsvRecord) => [r.line, r.problem?.field ?? r.fieldCountError ?? null, r.problem ? null : r.values];

describe('readCsvRecords', () => {
  it('reads RFC 4180 quoting: doubled quotes, delimiters and line breaks inside quotes', async () => {
    const { out } = await read('quotes.csv', 'a,b\n"x, y","say ""hi"""\n"two\nlines",z\nlast,""\n');
    expect(out.map(brief)).toEqual([
      [2, null, { a: 'x, y', b: 'say "hi"' }],
      [3, null, { a: 'two\nlines', b: 'z' }],
      // The record on lines 3–4 pushes the next one to line 5.
      [5, null, { a: 'last', b: '' }],
    ]);
  });

  it('quarantines a stray quote and goes on at the next line: the good rows before and after are read', async () => {
    const { out } = await read('stray.csv', 'id,note\n1,ok\n2,"never closed\n3,fine\n4,a "quoted" word\n5,end\n');
    expect(out.map(brief)).toEqual([
      [2, null, { id: '1', note: 'ok' }],
      [3, 'note', null],
      [4, null, { id: '3', note: 'fine' }],
      [5, 'note', null],
      [6, null, { id: '5', note: 'end' }],
    ]);
    // The quote opened on line 3 closes at line 5's first quote, with text after it: given up.
    expect(out[1]!.problem!.reason).toBe('note: a quote opened here closes on line 5 with a stray quote in the record (a stray quote?); the line is quarantined and reading goes on at line 4');
  });

  it('keeps line numbers right across mixed CRLF and LF, leaves no CR in a value, and skips whitespace-only lines as blank', async () => {
    const { out, warnings } = await read('mixed.csv', 'id,site\r\n1,Leeds\r\n   \n2,York\n\t\r\n3,Hull\r\n');
    expect(out.map(brief)).toEqual([
      [2, null, { id: '1', site: 'Leeds' }],
      [4, null, { id: '2', site: 'York' }],
      [6, null, { id: '3', site: 'Hull' }],
    ]);
    expect(warnings).toEqual(['2 blank lines skipped']);
  });

  it('quarantines a line over the line limit without keeping it, and a field over the field limit naming it', async () => {
    const limits = { maxLineChars: 100, maxFieldChars: 10 };
    const { out } = await read('long.csv', `id,note\n1,${'x'.repeat(200)}\n2,${'y'.repeat(20)}\n3,ok\n`, { limits });
    expect(out.map(brief)).toEqual([
      [2, null, null],
      [3, 'note', null],
      [4, null, { id: '3', note: 'ok' }],
    ]);
    expect(out[0]!.problem!.reason).toBe('202 characters, over the line limit of 100');
    expect(out[1]!.problem!.reason).toBe('note: 20 characters, over the limit of 10');
  });

  it('fails a gzip stream past its inflation bound with an error naming the file', async () => {
    const { gzipSync } = await import('node:zlib');
    const body = gzipSync(Buffer.concat([Buffer.from('a,b\n1,2\n'), Buffer.alloc(1 << 20, 'z')]));
    await expect(read('bomb.csv.gz', body, { limits: { inflationFloorBytes: 1 << 16, maxInflationRatio: 10 } })).rejects.toThrow(/^bomb\.csv\.gz: the gzip stream inflates past/);
  });
});
