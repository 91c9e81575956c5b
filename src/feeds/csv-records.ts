import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';

/** A feed file that cannot be read as a whole (binary, truncated, no header); names the file and what to do. */
export class FeedFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'FeedFileError';
  }
}

export type CsvRecord = {
  /** 1-based line of the file where the record starts. */
  line: number;
  /** Header name → value; the header's names trimmed. */
  values: Record<string, string>;
  /** The record as it stood in the file, for the quarantine. */
  raw: string;
  /** Set when the record does not have the header's number of fields. */
  fieldCountError?: string;
};

const GZIP_MAGIC = [0x1f, 0x8b];

/** Refuses what is plainly not a text CSV before parsing starts: a NUL byte in the first 64 KiB. */
async function sniff(file: string): Promise<{ gzip: boolean }> {
  const handle = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new FeedFileError(file, e.code === 'ENOENT' ? 'no such file' : `cannot be opened (${e.code ?? e.message})`);
  });
  try {
    const buf = Buffer.alloc(65_536);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    if (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) return { gzip: true };
    const nul = head.indexOf(0);
    if (nul >= 0) {
      throw new FeedFileError(file, `looks binary (NUL byte at offset ${nul}); expected a CSV text file (UTF-8, optionally .gz)`);
    }
    return { gzip: false };
  } finally {
    await handle.close();
  }
}

export type CsvOptions = { delimiter?: string };

/**
 * Streams a CSV (or gzip-compressed CSV) file record by record, with its line number and raw
 * text. The first record is the header. Memory stays flat whatever the file's size.
 */
export async function* readCsvRecords(file: string, opts: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  const { gzip } = await sniff(file);
  const name = path.basename(file);
  let input: Readable = createReadStream(file);
  if (gzip) input = input.pipe(createGunzip());
  const parser = parse({
    delimiter: opts.delimiter ?? ',',
    bom: true,
    raw: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
  });
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  let header: string[] | undefined;
  // csv-parse counts each CR and each LF inside a quoted field as a line of its own, so a CRLF
  // break within a field counts twice; `extraLines` takes those back out so that line numbers
  // are the ones a text editor shows.
  let extraLines = 0;
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number; bytes: number } }>) {
      const fields = rec.record;
      // The raw text starts with the breaks of any empty lines skipped before the record and
      // ends with the record delimiter ("\n", or only the "\r" of a "\r\n"): neither is the record's.
      const raw = rec.raw.replace(/^[\r\n]+/, '').replace(/(\r\n|\r|\n)$/, '');
      const breaks = raw.match(/\r\n|\r|\n/g)?.length ?? 0;
      extraLines += (raw.match(/[\r\n]/g)?.length ?? 0) - breaks;
      const line = rec.info.lines - extraLines - breaks;
      // The sniff sees only the first 64 KiB of the file as stored; this catches binary content
      // further on or inside a gzip stream.
      if (raw.includes('\u0000')) {
        throw new FeedFileError(name, `looks binary (NUL byte on line ${line}); expected a CSV text file (UTF-8, optionally .gz)`);
      }
      if (!header) {
        header = fields.map((h) => h.trim());
        if (header.length < 2 || header.every((h) => h === '')) {
          throw new FeedFileError(name, 'the first line is not a CSV header row (expected column names such as id,kind,priority,opened_at)');
        }
        continue;
      }
      const values: Record<string, string> = {};
      header.forEach((h, i) => {
        values[h] = fields[i] ?? '';
      });
      const out: CsvRecord = { line, values, raw };
      if (fields.length !== header.length) {
        out.fieldCountError = `${fields.length} fields where the header has ${header.length}${fields.length < header.length ? ' (line cut short: is the file truncated?)' : ''}`;
      }
      yield out;
    }
  } catch (e) {
    if (e instanceof FeedFileError) throw e;
    const err = e as Error & { code?: string; lines?: number };
    if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message)) {
      throw new FeedFileError(name, 'the gzip stream ends early: the file is truncated; copy or export it again');
    }
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new FeedFileError(name, `a quoted field opened near line ${err.lines ?? '?'} is never closed: the file is truncated or malformed; export it again`);
    }
    if (err.code?.startsWith('CSV_')) throw new FeedFileError(name, `not readable as CSV near line ${err.lines ?? '?'}: ${err.message}`);
    throw e;
  } finally {
    input.destroy();
  }
  if (!header) throw new FeedFileError(name, 'the file is empty: expected a header row and ticket rows');
}
