import path from 'node:path';
import { feedLimits, quarantineText, textProblem } from './limits.ts';
import { FeedFileError, readTextLines, type TextLine, type TextReadOptions } from './text-lines.ts';

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

/**
 * Streams a CSV (or gzip-compressed CSV) file record by record, with its line number and raw
 * text; the first record is the header. Memory stays bounded whatever the file holds
 * (README, "Feed limits"): a line or field past its limit, a NUL, a stray quote come out as a
 * record with `problem` (the reader goes on at the next line), blank and whitespace-only lines
 * are skipped and counted, CRLF and LF may mix. A file that cannot be read at all (binary, a
 * truncated or oversized gzip stream, no header) throws a FeedFileError naming the file.
 */
export async function* readCsvRecords(file: string, opts: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  const name = path.basename(file);
  const limits = feedLimits(opts.limits);
  const delim = opts.delimiter ?? ',';
  let header: string[] | undefined;
  let blankLines = 0;
  /** Lines waiting to be read again after a record that spanned them was given up. */
  const queue: TextLine[] = [];
  /** A record whose quoted field runs on past its first line. */
  let pending: { lines: TextLine[]; tokens: RecordTokens; chars: number; field: number } | null = null;

  const fieldName = (i: number) => header?.[i] || `field ${i + 1}`;

  const recordOf = (line: number, fields: string[], raw: string, stray: number | null): CsvRecord | null => {
    if (!header) {
      header = fields.map((h) => h.trim());
      if (header.length < 2 || header.every((h) => h === '')) {
        throw new FeedFileError(name, `the first line is not a CSV header row with "${delim}" between column names (expected column names such as id,kind,priority,opened_at)`);
      }
      return null;
    }
    const values: Record<string, string> = {};
    header.forEach((h, i) => {
      values[h] = fields[i] ?? '';
    });
    const out: CsvRecord = { line, values, raw: quarantineText(raw) };
    if (stray !== null) {
      out.problem = { field: fieldName(stray), reason: `a stray quote in ${fieldName(stray)} (a quote inside a field that is not quoted, or text after a closing quote)` };
      return out;
    }
    if (fields.length !== header.length) {
      out.fieldCountError = `${fields.length} fields where the header has ${header.length}${fields.length < header.length ? ' (line cut short: is the file truncated?)' : ''}`;
      return out;
    }
    for (let i = 0; i < fields.length; i += 1) {
      const p = textProblem(fields[i]!, limits.maxFieldChars);
      if (p) {
        out.problem = { field: fieldName(i), reason: `${fieldName(i)}: ${p}` };
        break;
      }
    }
    return out;
  };

  /** The record begun on `pending`'s first line cannot be completed: that line is quarantined, the others read again. */
  const giveUp = (why: string): CsvRecord => {
    const p = pending!;
    pending = null;
    queue.unshift(...p.lines.slice(1));
    const first = p.lines[0]!;
    return {
      line: first.line,
      values: {},
      raw: quarantineText(first.text ?? ''),
      problem: { field: fieldName(p.field), reason: `${fieldName(p.field)}: ${why}; the line is quarantined and reading goes on at line ${first.line + 1}` },
    };
  };

  function* take(tl: TextLine): Generator<CsvRecord> {
    if (tl.overlong !== undefined) {
      if (pending) {
        queue.unshift(tl);
        yield giveUp(`a quoted field opened here runs into line ${tl.line}, which is over the line limit`);
        return;
      }
      if (!header) throw new FeedFileError(name, `the first line is ${tl.overlong} characters long, over the limit of ${limits.maxLineChars}: not a CSV header row`);
      yield { line: tl.line, values: {}, raw: quarantineText(`${tl.head}… (${tl.overlong} characters in all, not kept)`), problem: { field: null, reason: `${tl.overlong} characters, over the line limit of ${limits.maxLineChars}` } };
      return;
    }
    if (pending) {
      const brk = pending.lines[pending.lines.length - 1]!.crlf ? '\r\n' : '\n';
      pending.lines.push(tl);
      pending.chars += tl.text.length + 1;
      const done = pending.tokens.line(tl.text, brk);
      if (!done) {
        if (pending.chars > limits.maxLineChars || pending.lines.length > limits.maxRecordLines) yield giveUp('a quoted field opened here is not closed within the record limits (a stray quote?)');
        return;
      }
      const p = pending;
      const fields = p.tokens.fields;
      if (p.tokens.stray !== null || (header && fields.length !== header.length)) {
        const how = p.tokens.stray !== null ? 'with a stray quote in the record' : `into ${fields.length} fields where the header has ${header?.length ?? '?'}`;
        yield giveUp(`a quote opened here closes on line ${tl.line} ${how} (a stray quote?)`);
        return;
      }
      pending = null;
      const raw = p.lines.map((l, i) => (i === 0 ? '' : p.lines[i - 1]!.crlf ? '\r\n' : '\n') + l.text).join('');
      const r = recordOf(p.lines[0]!.line, fields, raw, null);
      if (r) yield r;
      return;
    }
    if (isBlank(tl.text)) {
      if (header) blankLines += 1;
      return;
    }
    if (!tl.text.includes('"')) {
      const r = recordOf(tl.line, tl.text.split(delim), tl.text, null);
      if (r) yield r;
      return;
    }
    const tokens = new RecordTokens(delim);
    if (tokens.line(tl.text)) {
      const r = recordOf(tl.line, tokens.fields, tl.text, tokens.stray);
      if (r) yield r;
      return;
    }
    // The field whose quote runs on past this line: named if the record is given up.
    pending = { lines: [tl], tokens, chars: tl.text.length, field: tokens.fields.length };
  }

  const lines = readTextLines(file, { limits: opts.limits, onWarning: opts.onWarning, expected: 'a CSV text file' });
  for await (const tl of lines) {
    queue.push(tl);
    while (queue.length > 0) yield* take(queue.shift()!);
  }
  while (pending || queue.length > 0) {
    if (pending && queue.length === 0) yield giveUp('a quoted field opened here is never closed (the file is truncated, or a stray quote)');
    while (queue.length > 0) yield* take(queue.shift()!);
  }
  if (!header) throw new FeedFileError(name, 'the file is empty: expected a header row and data rows');
  if (blankLines > 0) opts.onWarning?.(`${blankLines} blank line${blankLines === 1 ? '' : 's'} skipped`);
}
