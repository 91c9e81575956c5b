import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { feedLimits, type FeedLimits } from './limits.ts';

/** A feed file that cannot be read as a whole (binary, truncated, no header, a gzip bomb); names the file and what to do. */
export class FeedFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'FeedFileError';
  }
}

/** One physical line (its break removed, `\r\n` or `\n`), or the place of a line too long to keep. */
export type TextLine =
  | { line: number; text: string; /** The line ended in `\r\n` (kept inside a quoted field). */ crlf?: boolean; overlong?: undefined }
  | { line: number; overlong: number; head: string; text?: undefined; crlf?: undefined };

export type TextReadOptions = {
  limits?: Partial<FeedLimits>;
  /** Told once of what the reader did that the run should report (a file read as Windows-1252). */
  onWarning?: (message: string) => void;
  /** What the file should be, for the "looks binary" message. */
  expected?: string;
};

const HEAD_CHARS = 200;
/** Lines per array yielded by readTextLineBatches. */
const LINES_PER_BATCH = 2048;
/**
 * Bytes read at a time. Each chunk becomes one string, and a line's text (and the fields sliced
 * from it) point into that string: 64 KiB stays a young-generation string that dies young. At
 * 1 MiB each chunk was a fresh large-object allocation (new pages each time) kept alive by the
 * calls still open that entered in it: parsing a 1,000,000-line queue_log took ~1.8 s of CPU and
 * peaked at ~215 MiB, at 64 KiB ~1.2 s and ~127 MiB (docs/calls-ingest.md, fifth pass).
 */
const READ_BYTES = 64 * 1024;

/**
 * Decodes a byte stream to text: UTF-8 (a BOM dropped), UTF-16 with its BOM, and a file that is
 * not valid UTF-8 (a Latin-1 export) read as Windows-1252 from its first invalid chunk on, said once.
 */
async function* decode(bytes: AsyncIterable<Buffer>, name: string, opts: TextReadOptions): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  let carry: Buffer = Buffer.alloc(0);
  let offset = 0;
  let first = true;
  for await (const chunk of bytes) {
    let buf: Buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    carry = Buffer.alloc(0);
    if (first) {
      if (buf.length < 4 && buf.length > 0) {
        carry = buf;
        continue;
      }
      first = false;
      if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
        decoder = new TextDecoder(buf[0] === 0xff ? 'utf-16le' : 'utf-16be');
        opts.onWarning?.(`${name} is UTF-16 (${buf[0] === 0xff ? 'little' : 'big'}-endian, with a byte-order mark): read as such`);
      } else {
        if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
        // Many control bytes at the start: a binary file (a zip, an .xlsx) or UTF-16 without its
        // mark, not text with a stray NUL in a row (which the row's quarantine takes).
        const sample = buf.subarray(0, 65_536);
        let controls = 0;
        for (const b of sample) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) controls += 1;
        if (controls >= 4 && controls * 100 > sample.length) {
          const nul = sample.indexOf(0);
          throw new FeedFileError(
            name,
            `looks binary (${nul >= 0 ? `NUL byte at offset ${nul}` : 'control bytes'}): ${controls} control bytes in the first ${sample.length}; expected ${opts.expected ?? 'a text file'} (UTF-8, optionally .gz)`,
          );
        }
      }
    }
    if (decoder) {
      yield decoder.decode(buf, { stream: true });
      continue;
    }
    // A UTF-8 sequence cut at the chunk's end waits for the next chunk.
    let end = buf.length;
    for (let i = buf.length - 1; i >= Math.max(0, buf.length - 3); i -= 1) {
      const b = buf[i]!;
      if ((b & 0xc0) === 0x80) continue;
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      if (buf.length - i < need) end = i;
      break;
    }
    const whole = buf.subarray(0, end);
    if (isUtf8(whole)) {
      carry = Buffer.from(buf.subarray(end));
      offset += whole.length;
      yield whole.toString('utf8');
    } else {
      decoder = new TextDecoder('windows-1252');
      opts.onWarning?.(`${name} is not valid UTF-8 (from near byte ${offset}): read as Windows-1252 (Latin-1); export it as UTF-8 to be sure of accented letters`);
      yield decoder.decode(buf, { stream: true });
    }
  }
  if (carry.length > 0) yield decoder ? decoder.decode(carry, { stream: true }) : carry.toString('utf8');
  if (decoder) {
    const rest = decoder.decode();
    if (rest) yield rest;
  }
}

/** Counts what a gzip stream inflates to and stops it past the limits (a gzip bomb). */
async function* bounded(input: AsyncIterable<Buffer>, name: string, stored: number, limits: FeedLimits): AsyncGenerator<Buffer> {
  const cap = Math.min(limits.maxDecompressedBytes, Math.max(limits.inflationFloorBytes, stored * limits.maxInflationRatio));
  let total = 0;
  for await (const chunk of input) {
    total += chunk.length;
    if (total > cap) {
      throw new FeedFileError(
        name,
        `the gzip stream inflates past ${cap.toLocaleString('en-GB')} bytes from ${stored.toLocaleString('en-GB')} stored (limit: ${limits.maxInflationRatio} times the file or ${limits.maxDecompressedBytes.toLocaleString('en-GB')} bytes); a gzip bomb or the wrong file, not read further`,
      );
    }
    yield chunk;
  }
}

/**
 * Streams a text file (or a gzip-compressed one) line by line with 1-based line numbers, memory
 * bounded whatever the file holds: a line longer than `maxLineChars` is not kept but reported
 * (its number, length and first characters), and a gzip stream is stopped past its bound.
 * Stream errors surface as the generator's rejection, never as an uncaught exception.
 */
export async function* readTextLines(file: string, opts: TextReadOptions = {}): AsyncGenerator<TextLine> {
  for await (const lines of readTextLineBatches(file, opts)) yield* lines;
}

/**
 * readTextLines by the chunk read (up to READ_BYTES of text at a time): the lines of each chunk in
 * arrays of up to 2,048, so a reader of large files pays one asynchronous step per few thousand lines, not per line
 * (BENCHMARKS.md, bench:ingest). Same lines, numbers, limits and errors as readTextLines.
 */
export async function* readTextLineBatches(file: string, opts: TextReadOptions = {}): AsyncGenerator<TextLine[]> {
  const name = path.basename(file);
  const limits = feedLimits(opts.limits);
  const handle = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new FeedFileError(name, e.code === 'ENOENT' ? 'no such file' : `cannot be opened (${e.code ?? e.message})`);
  });
  let gzip = false;
  let size = 0;
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    gzip = bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
    size = (await handle.stat()).size;
  } finally {
    await handle.close();
  }
  const fileStream = createReadStream(file, { highWaterMark: READ_BYTES });
  let bytes: AsyncIterable<Buffer> = fileStream;
  let gunzip: Readable | undefined;
  if (gzip) {
    gunzip = fileStream.pipe(createGunzip());
    fileStream.on('error', (e) => gunzip!.destroy(e));
    bytes = bounded(gunzip, name, size, limits);
  }
  const max = limits.maxLineChars;
  let line = 0;
  let buf = '';
  /** Characters of the current line dropped since it passed the limit (0: not dropping). */
  let dropped = 0;
  let head = '';
  try {
    for await (const text of decode(bytes, name, opts)) {
      let out: TextLine[] = [];
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        const piece = nl < 0 ? text.slice(start) : text.slice(start, nl);
        if (dropped > 0) dropped += piece.length;
        else if (buf.length + piece.length > max) {
          head = (buf + piece.slice(0, HEAD_CHARS)).slice(0, HEAD_CHARS);
          dropped = buf.length + piece.length;
          buf = '';
        } else buf += piece;
        if (nl < 0) break;
        start = nl + 1;
        line += 1;
        if (dropped > 0) {
          out.push({ line, overlong: dropped, head });
          dropped = 0;
        } else {
          const crlf = buf.endsWith('\r');
          const t = crlf ? buf.slice(0, -1) : buf;
          buf = '';
          out.push(crlf ? { line, text: t, crlf } : { line, text: t });
        }
        // A chunk's lines in slices: lines made all at once but used over many turns of the
        // reader outlive the young generation and fill the old one (peak memory, bench:calls).
        if (out.length >= LINES_PER_BATCH) {
          yield out;
          out = [];
        }
      }
      if (out.length > 0) yield out;
    }
    if (dropped > 0) yield [{ line: line + 1, overlong: dropped, head }];
    else if (buf !== '') yield [{ line: line + 1, text: buf.endsWith('\r') ? buf.slice(0, -1) : buf }];
  } catch (e) {
    if (e instanceof FeedFileError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message)) {
      throw new FeedFileError(name, 'the gzip stream ends early: the file is truncated; copy or export it again');
    }
    if (err.code?.startsWith('Z_')) throw new FeedFileError(name, `not a readable gzip file (${err.message}); copy or export it again`);
    throw new FeedFileError(name, `could not be read after line ${line} (${err.code ?? err.message})`);
  } finally {
    fileStream.destroy();
    gunzip?.destroy();
  }
}
