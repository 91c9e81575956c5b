/**
 * A synthetic Asterisk queue_log (1.8+ layout) for benchmarks: calls spread evenly over a
 * month in 12 queues, 80% answered (a tenth with a RINGNOANSWER first, 4% of them transferred),
 * 13% abandoned, 4% timed out, 3% left by key, plus agent PAUSE/UNPAUSE events. Lines are
 * written in time order (a binary heap holds the events not yet due). Deterministic.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRandom } from '../src/demo/random.ts';

type Ev = { t: number; seq: number; text: string };

class Heap {
  private a: Ev[] = [];
  get size() {
    return this.a.length;
  }
  peek() {
    return this.a[0];
  }
  push(e: Ev) {
    const a = this.a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(a[p]!, a[i]!)) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): Ev {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
const less = (x: Ev, y: Ev) => x.t < y.t || (x.t === y.t && x.seq < y.seq);

/** Writes about `lines` lines (a few more, to finish the last calls) for the month starting `startEpoch`. */
export async function writeQueueLog(file: string, lines: number, startEpoch: number, days = 30): Promise<{ lines: number; calls: number }> {
  const rnd = createRandom(42);
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const queues = Array.from({ length: 12 }, (_, i) => `queue-${String(i + 1).padStart(2, '0')}`);
  const callsWanted = Math.ceil(lines / 2.92);
  const span = days * 86_400;
  const heap = new Heap();
  let seq = 0;
  let written = 0;
  let buffer = '';
  const emit = (t: number, text: string) => heap.push({ t, seq: seq++, text: `${t}|${text}\n` });
  const flushUntil = async (t: number) => {
    while (heap.size > 0 && heap.peek()!.t <= t) {
      buffer += heap.pop().text;
      written += 1;
      if (buffer.length > 1 << 16) {
        if (!out.write(buffer)) await once(out, 'drain');
        buffer = '';
      }
    }
  };
  for (let i = 0; i < callsWanted; i++) {
    const t = startEpoch + Math.floor((i * span) / callsWanted);
    await flushUntil(t);
    const id = `${t}.${i}`;
    const q = queues[i % queues.length]!;
    const agent = `SIP/${1000 + rnd.int(0, 199)}`;
    emit(t, `${id}|${q}|NONE|ENTERQUEUE||0770${String(i).padStart(7, '0')}|1`);
    const r = rnd.next();
    const wait = rnd.int(0, 240);
    if (r < 0.8) {
      if (rnd.chance(0.1)) emit(t + Math.min(wait, 5), `${id}|${q}|${agent}|RINGNOANSWER|15000`);
      emit(t + wait, `${id}|${q}|${agent}|CONNECT|${wait}|${id}1|3`);
      const talk = rnd.int(30, 900);
      if (rnd.chance(0.04)) emit(t + wait + talk, `${id}|${q}|${agent}|BLINDTRANSFER|2001|from-internal|${wait}|${talk}|1`);
      else emit(t + wait + talk, `${id}|${q}|${agent}|COMPLETECALLER|${wait}|${talk}|1`);
    } else if (r < 0.93) emit(t + wait, `${id}|${q}|NONE|ABANDON|2|3|${wait}`);
    else if (r < 0.97) emit(t + 300, `${id}|${q}|NONE|EXITWITHTIMEOUT|1|1|300`);
    else emit(t + wait, `${id}|${q}|NONE|EXITWITHKEY|1|2|2|${wait}`);
    if (rnd.chance(0.02)) {
      emit(t, `NONE|${q}|${agent}|PAUSE|break`);
      emit(t + 600, `NONE|${q}|${agent}|UNPAUSE|`);
    }
  }
  await flushUntil(Number.MAX_SAFE_INTEGER);
  out.write(buffer);
  out.end();
  await once(out, 'finish');
  return { lines: written, calls: callsWanted };
}
