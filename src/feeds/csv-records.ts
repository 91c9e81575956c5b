import path from 'node:path';
import { feedLimits, quarantineText, textProblem, type FeedLimits } from './limits.ts';
import { FeedFileError, readTextLineBatches, type TextLine, type TextReadOptions } from './text-lines.ts';

export { FeedFileError } from './text-lines.ts';

export type CsvRecord = {
  /** 1-based line of the file where the record starts. */
  line: number;
  /** Header name → value; the header's names trimmed. */
  values: Record<string, string>;
  /** The record as it stood in the file (NUL shown as `\0`, cut to 4 KiB), for the quarantine. */
  raw: string;
  /** Set when the record does not have the header's number of fields. */
  fieldCountError?: string;
  /** Set when the record cannot be used as it is (a stray quote, a NUL, an overlong line or field), naming the field when there is one. */
  problem?: { field: string | null; reason: string };
};

export type CsvOptions = { delimiter?: string } & Pick<TextReadOptions, 'limits' | 'onWarning'>;

/** The fields of one record as far as it has been read, quotes handled as RFC 4180 writes them. */
class RecordTokens {
  fields: string[] = [];
  private cur = '';
  private state: 'start' | 'plain' | 'quoted' | 'closed' = 'start';
  /** Index of the first field with a quote where none may be (inside a plain field, or text after a closing quote). */
  stray: number | null = null;
  constructor(private readonly delim: string) {}

  /** Reads one line of the record (`brk`: the break before it, kept inside a quoted field); true when the record is complete. */
  line(text: string, brk = '\n'): boolean {
    const d = this.delim;
    let i = 0;
    const n = text.length;
    if (this.state === 'quoted') this.cur += brk;
    while (i < n) {
      if (this.state === 'quoted') {
        const q = text.indexOf('"', i);
        if (q < 0) {
          this.cur += text.slice(i);
          return false;
        }
        this.cur += text.slice(i, q);
        i = q + 1;
        this.state = 'closed';
        continue;
      }
      const c = text[i]!;
      if (this.state === 'closed') {
        if (c === '"') {
          this.cur += '"';
          this.state = 'quoted';
          i += 1;
          continue;
        }
        if (c !== d) {
          this.stray ??= this.fields.length;
          this.state = 'plain';
          continue;
        }
      }
      if (this.state === 'start' && c === '"') {
        this.state = 'quoted';
        i += 1;
        continue;
      }
      // A plain field: up to the next delimiter.
      const next = text.indexOf(d, i);
      const end = next < 0 ? n : next;
      const part = text.slice(i, end);
      if (this.state !== 'closed' && part.includes('"')) this.stray ??= this.fields.length;
      this.cur += part;
      if (next < 0) {
        i = n;
        this.state = 'plain';
        break;
      }
      this.fields.push(this.cur);
      this.cur = '';
      this.state = 'start';
      i = next + 1;
    }
    if (this.state === 'quoted') return false;
    this.fields.push(this.cur);
    return true;
  }
}

const isBlank = (text: string) => text.trim() === '';

/** A record whose quoted field runs on past its first line. */
type Pending = { lines: TextLine[]; tokens: RecordTokens; chars: number; field: number };

/** Lines of a file in, records out: the header, quoted fields over several lines, and the quarantine's reasons. */
class CsvRecordReader {
  header: string[] | undefined;
  blankLines = 0;
  /** Lines waiting to be read again after a record that spanned them was given up. */
  readonly queue: TextLine[] = [];
  pending: Pending | null = null;
  private readonly limits: FeedLimits;

  constructor(
    private readonly name: string,
    private readonly delim: string,
    limits: Partial<FeedLimits> | undefined,
  ) {
    this.limits = feedLimits(limits);
  }

  private fieldName(i: number) {
    return this.header?.[i] || `field ${i + 1}`;
  }

  private recordOf(line: number, fields: string[], raw: string, stray: number | null): CsvRecord | null {
    const header = this.header;
    if (!header) {
      const names = fields.map((h) => h.trim());
      if (names.length < 2 || names.every((h) => h === '')) {
        throw new FeedFileError(this.name, `the first line is not a CSV header row with "${this.delim}" between column names (expected column names such as id,kind,priority,opened_at)`);
      }
      this.header = names;
      return null;
    }
    const values: Record<string, string> = {};
    for (let i = 0; i < header.length; i += 1) values[header[i]!] = fields[i] ?? '';
    const out: CsvRecord = { line, values, raw: quarantineText(raw) };
    if (stray !== null) {
      const f = this.fieldName(stray);
      out.problem = { field: f, reason: `a stray quote in ${f} (a quote inside a field that is not quoted, or text after a closing quote)` };
      return out;
    }
    if (fields.length !== header.length) {
      out.fieldCountError = `${fields.length} fields where the header has ${header.length}${fields.length < header.length ? ' (line cut short: is the file truncated?)' : ''}`;
      return out;
    }
    // A field is part of the record's text: a record without NUL and within the field limit
    // cannot hold a field past either (one scan a record instead of one a field: bench:ingest).
    if (raw.length <= this.limits.maxFieldChars && !raw.includes('\u0000')) return out;
    for (let i = 0; i < fields.length; i += 1) {
      const p = textProblem(fields[i]!, this.limits.maxFieldChars);
      if (p) {
        out.problem = { field: this.fieldName(i), reason: `${this.fieldName(i)}: ${p}` };
        break;
      }
    }
    return out;
  }

  /** The record begun on `pending`'s first line cannot be completed: that line is quarantined, the others read again. */
  giveUp(why: string): CsvRecord {
    const p = this.pending!;
    this.pending = null;
    this.queue.unshift(...p.lines.slice(1));
    const first = p.lines[0]!;
    return {
      line: first.line,
      values: {},
      raw: quarantineText(first.text ?? ''),
      problem: { field: this.fieldName(p.field), reason: `${this.fieldName(p.field)}: ${why}; the line is quarantined and reading goes on at line ${first.line + 1}` },
    };
  }

  /** A line too long to keep: its record is quarantined (or, inside a quoted field, that record given up). */
  private overlong(tl: TextLine & { overlong: number }, out: CsvRecord[]) {
    const max = this.limits.maxLineChars;
    if (this.pending) {
      this.queue.unshift(tl);
      out.push(this.giveUp(`a quoted field opened here runs into line ${tl.line}, which is over the line limit`));
      return;
    }
    if (!this.header) throw new FeedFileError(this.name, `the first line is ${tl.overlong} characters long, over the limit of ${max}: not a CSV header row`);
    out.push({ line: tl.line, values: {}, raw: quarantineText(`${tl.head}… (${tl.overlong} characters in all, not kept)`), problem: { field: null, reason: `${tl.overlong} characters, over the line limit of ${max}` } });
  }

  /** The next line of a record whose quoted field is still open. */
  private continued(p: Pending, text: string, tl: TextLine, out: CsvRecord[]) {
    const brk = p.lines[p.lines.length - 1]!.crlf ? '\r\n' : '\n';
    p.lines.push(tl);
    p.chars += text.length + 1;
    if (!p.tokens.line(text, brk)) {
      if (p.chars > this.limits.maxLineChars || p.lines.length > this.limits.maxRecordLines) out.push(this.giveUp('a quoted field opened here is not closed within the record limits (a stray quote?)'));
      return;
    }
    const fields = p.tokens.fields;
    const header = this.header;
    if (p.tokens.stray !== null || (header && fields.length !== header.length)) {
      const how = p.tokens.stray !== null ? 'with a stray quote in the record' : `into ${fields.length} fields where the header has ${header?.length ?? '?'}`;
      out.push(this.giveUp(`a quote opened here closes on line ${tl.line} ${how} (a stray quote?)`));
      return;
    }
    this.pending = null;
    const raw = p.lines.map((l, i) => (i === 0 ? '' : p.lines[i - 1]!.crlf ? '\r\n' : '\n') + l.text).join('');
    const r = this.recordOf(p.lines[0]!.line, fields, raw, null);
    if (r) out.push(r);
  }

  /** Reads one line; the records it completes go to `out`. */
  take(tl: TextLine, out: CsvRecord[]) {
    if (tl.overlong !== undefined) return this.overlong(tl, out);
    const text = tl.text;
    if (this.pending) return this.continued(this.pending, text, tl, out);
    if (isBlank(text)) {
      if (this.header) this.blankLines += 1;
      return;
    }
    if (!text.includes('"')) {
      const r = this.recordOf(tl.line, text.split(this.delim), text, null);
      if (r) out.push(r);
      return;
    }
    const tokens = new RecordTokens(this.delim);
    if (tokens.line(text)) {
      const r = this.recordOf(tl.line, tokens.fields, text, tokens.stray);
      if (r) out.push(r);
      return;
    }
    // The field whose quote runs on past this line: named if the record is given up.
    this.pending = { lines: [tl], tokens, chars: text.length, field: tokens.fields.length };
  }

  /** Every line waiting in the queue read. */
  drain(out: CsvRecord[]) {
    while (this.queue.length > 0) this.take(this.queue.shift()!, out);
  }
}

/**
 * Streams a CSV (or gzip-compressed CSV) file record by record, with its line number and raw
 * text; the first record is the header. Memory stays bounded whatever the file holds
 * (README, "Feed limits"): a line or field past its limit, a NUL, a stray quote come out as a
 * record with `problem` (the reader goes on at the next line), blank and whitespace-only lines
 * are skipped and counted, CRLF and LF may mix. A file that cannot be read at all (binary, a
 * truncated or oversized gzip stream, no header) throws a FeedFileError naming the file.
 */
export async function* readCsvRecords(file: string, opts: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  for await (const records of readCsvRecordBatches(file, opts)) yield* records;
}

/** The records of a chunk's lines, made one by one as they are taken. */
function* recordsOf(reader: CsvRecordReader, lines: TextLine[]): Generator<CsvRecord> {
  const out: CsvRecord[] = [];
  for (const tl of lines) {
    reader.queue.push(tl);
    reader.drain(out);
    for (const r of out) yield r;
    out.length = 0;
  }
}

/**
 * readCsvRecords by the chunk of the file read, so an ingest pays one asynchronous step per
 * chunk rather than per record (BENCHMARKS.md, bench:ingest). The same records, in the same
 * order, with the same errors. A chunk's records are made as they are iterated, not all at
 * once: each dies young, before the next is made, instead of a chunk's thousands of records
 * living (and being moved to the old generation of the heap) until the last is used. The
 * iterable of a chunk must be used up before the next chunk is asked for.
 */
export async function* readCsvRecordBatches(file: string, opts: CsvOptions = {}): AsyncGenerator<Iterable<CsvRecord>> {
  const name = path.basename(file);
  const reader = new CsvRecordReader(name, opts.delimiter ?? ',', opts.limits);
  for await (const lines of readTextLineBatches(file, { limits: opts.limits, onWarning: opts.onWarning, expected: 'a CSV text file' })) {
    yield recordsOf(reader, lines);
  }
  const out: CsvRecord[] = [];
  while (reader.pending || reader.queue.length > 0) {
    if (reader.pending && reader.queue.length === 0) out.push(reader.giveUp('a quoted field opened here is never closed (the file is truncated, or a stray quote)'));
    reader.drain(out);
  }
  if (out.length > 0) yield out;
  if (!reader.header) throw new FeedFileError(name, 'the file is empty: expected a header row and data rows');
  if (reader.blankLines > 0) opts.onWarning?.(`${reader.blankLines} blank line${reader.blankLines === 1 ? '' : 's'} skipped`);
}
