import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../../db/client.ts';
import { getTailCursor, openVisitsOf, saveTailCursor } from '../../store/calls.ts';
import { CallIngestRun, ingestQueueLogLines } from './ingest-file.ts';

export type TailOptions = {
  path: string;
  source: string;
  zone: string;
  /** Most bytes read in one step (default 32 MiB); a long backlog is read in several steps. */
  maxBytes?: number;
  /** Most steps in one call (default 64). */
  maxSteps?: number;
};

export type TailStep = { file: string; from: number; to: number; lines: number; runId: number | null; rejected: number };
export type TailResult = {
  status: 'missing' | 'idle' | 'read';
  steps: TailStep[];
  /** Set when the log was rotated (renamed and recreated) or truncated since the last call. */
  rotation: 'renamed' | 'truncated' | null;
  warnings: string[];
  touchedDays: string[];
};

const NL = 0x0a;

/** Complete lines of `file` from byte `from` (up to `maxBytes`); a partly written last line is left unless `final`. */
async function readComplete(file: string, from: number, size: number, maxBytes: number, final: boolean): Promise<{ text: string; next: number }> {
  const handle = await open(file, 'r');
  try {
    const length = Math.min(size - from, maxBytes);
    if (length <= 0) return { text: '', next: from };
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await handle.read(buf, got, length - got, from + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const data = buf.subarray(0, got);
    const reachedEnd = from + got >= size;
    // Split only at a newline byte, so a multi-byte character is never cut in two.
    const lastNl = data.lastIndexOf(NL);
    if (final && reachedEnd) return { text: data.toString('utf8'), next: from + got };
    if (lastNl < 0) return { text: '', next: from };
    return { text: data.subarray(0, lastNl + 1).toString('utf8'), next: from + lastNl + 1 };
  } finally {
    await handle.close();
  }
}

/** The file in `dir` whose inode is `inode` (a rotated log renamed beside its successor). */
async function findByInode(dir: string, inode: string, except: string): Promise<string | null> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const full = path.join(dir, name);
    if (full === except) continue;
    const st = await stat(full).catch(() => null);
    if (st?.isFile() && String(st.ino) === inode) return full;
  }
  return null;
}

/**
 * Follows a live Asterisk queue_log: reads the lines written since the byte offset stored in
 * the database, ingests them (visits still waiting are carried on to the next call through the
 * store), and stores the new offset. A partly written last line is left for the next call. A
 * rotation is noticed by the inode (renamed and recreated: the rest of the old file, found
 * beside it by its inode, is read first) or by the size shrinking below the offset (truncated
 * in place: read again from the start).
 */
export async function tailQueueLog(db: Db, o: TailOptions): Promise<TailResult> {
  const maxBytes = o.maxBytes ?? 32 << 20;
  const result: TailResult = { status: 'idle', steps: [], rotation: null, warnings: [], touchedDays: [] };
  const days = new Set<string>();
  const st = await stat(o.path).catch(() => null);
  if (!st || !st.isFile()) return { ...result, status: 'missing' };
  const inode = String(st.ino);
  const cursor = await getTailCursor(db, o.path);
  let offset = cursor?.offset ?? 0;
  let lines = cursor?.lines ?? 0;

  const step = async (file: string, from: number, size: number, final: boolean, label: string): Promise<{ next: number; read: boolean }> => {
    const { text, next } = await readComplete(file, from, size, maxBytes, final);
    if (next === from) return { next, read: false };
    const parts = text.split('\n');
    if (parts[parts.length - 1] === '') parts.pop();
    const first = lines;
    const run = await new CallIngestRun(db, { feed: 'calls', source: o.source, file: label }, { zone: o.zone }).start();
    try {
      await ingestQueueLogLines(
        run,
        parts.map((t, i) => ({ line: first + i + 1, text: t.replace(/\r$/, '') })),
        { source: o.source, zone: o.zone, open: await openVisitsOf(db, o.source) },
      );
      await run.finish();
    } catch (e) {
      await run.finish((e as Error).message);
      throw e;
    }
    lines += parts.length;
    for (const d of run.p.touchedDays) days.add(d);
    result.steps.push({ file: label, from, to: next, lines: parts.length, runId: run.runId, rejected: run.p.rejected });
    return { next, read: true };
  };

  if (cursor && cursor.inode !== inode) {
    result.rotation = 'renamed';
    const old = await findByInode(path.dirname(o.path), cursor.inode, o.path);
    if (old) {
      const oldSize = (await stat(old)).size;
      // The old file is complete now: its last line counts even without a newline.
      for (let from = offset, i = 0; from < oldSize && i < (o.maxSteps ?? 64); i++) {
        const r = await step(old, from, oldSize, true, `${path.basename(old)} (tail, rotated)`);
        if (!r.read) break;
        from = r.next;
      }
    } else {
      result.warnings.push(`${o.path} was rotated and the old file (inode ${cursor.inode}) is not beside it: bytes after offset ${offset} of it were not read`);
    }
    offset = 0;
    lines = 0;
  } else if (cursor && st.size < cursor.offset) {
    result.rotation = 'truncated';
    result.warnings.push(`${o.path} is shorter (${st.size} bytes) than the offset read to (${cursor.offset}): truncated in place; reading from the start`);
    offset = 0;
    lines = 0;
  }

  const size = st.size;
  for (let i = 0; i < (o.maxSteps ?? 64); i++) {
    const r = await step(o.path, offset, size, false, `${path.basename(o.path)} (tail)`);
    if (!r.read) break;
    offset = r.next;
  }
  await saveTailCursor(db, { path: o.path, source: o.source, inode, offset, size, lines });
  result.status = result.steps.length > 0 ? 'read' : 'idle';
  result.touchedDays = [...days].sort();
  return result;
}
