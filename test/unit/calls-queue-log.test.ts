import { describe, expect, it } from 'vitest';
import { answerRate, countVisits, serviceLevel } from '../../src/calls/kpis.ts';
import { createCallAccumulator } from '../../src/calls/periods.ts';
import { callVisitSchema, type CallVisit } from '../../src/calls/visit.ts';
import { createQueueLogAssembler, parseQueueLogLine, type AgentEvent, type OpenVisit } from '../../src/feeds/calls/queue-log.ts';

// Hand-computed cases (issue "Done when"). Times are epoch seconds as Asterisk writes them;
// T = 1748854800 is Mon 2 June 2025 09:00:00 UTC (10:00 BST).
const T = 1748854800;

function read(text: string, open: OpenVisit[] = []) {
  const visits: (CallVisit & { line: number })[] = [];
  const events: AgentEvent[] = [];
  const problems: { line: number; field: string | null; reason: string; raw: string }[] = [];
  const warnings: { line: number; message: string }[] = [];
  const asm = createQueueLogAssembler(
    { source: 'pbx', zone: 'Europe/London', open },
    {
      visit: (v, line) => visits.push({ ...callVisitSchema.parse(v), line }),
      agentEvent: (e) => events.push(e),
      problem: (line, raw, p) => problems.push({ line, raw, ...p }),
      warning: (line, message) => warnings.push({ line, message }),
    },
  );
  text
    .trim()
    .split('\n')
    .forEach((l, i) => asm.push(l.trim(), i + 1));
  const stillOpen = asm.finish();
  const byKey = (id: string, queue?: string) => visits.find((v) => v.callId === id && (!queue || v.queue === queue));
  return { visits, events, problems, warnings, stillOpen, byKey };
}
const strip = ({ line: _line, ...v }: CallVisit & { line: number }) => v;

describe('queue_log lines', () => {
  it('reads epoch and ISO times, trims the padding of realtime exports', () => {
    const a = parseQueueLogLine(`${T}|1748854800.1|sales|NONE|ENTERQUEUE||07700900123|1`, 'Europe/London');
    expect(a).toEqual({ ok: true, line: { time: T * 1000, callId: '1748854800.1', queue: 'sales', agent: 'NONE', event: 'ENTERQUEUE', data: ['', '07700900123', '1'] } });
    const b = parseQueueLogLine('2025-06-02 10:00:00.250|1748854800.1|sales|NONE|ENTERQUEUE||07700900123|||', 'Europe/London');
    expect(b.ok && b.line.time).toBe(T * 1000 + 250); // naive time read in Europe/London (BST)
    expect(b.ok && b.line.data).toEqual(['', '07700900123']);
    expect(parseQueueLogLine(`${T}|x|sales|NONE`, 'UTC')).toMatchObject({ ok: false, problem: { reason: expect.stringContaining('4 fields') } });
    expect(parseQueueLogLine(`yesterday|x|sales|NONE|ABANDON|1|1|3`, 'UTC')).toMatchObject({ ok: false, problem: { field: 'time' } });
  });
});

describe('queue_log to visits: hand-computed cases', () => {
  it('an answered call (1.8+ layout): wait from CONNECT, talk from COMPLETECALLER, agent kept', () => {
    const r = read(`
      ${T}|c1|sales|NONE|ENTERQUEUE||07700900123|1
      ${T + 3}|c1|sales|Agent/101|RINGNOANSWER|3000
      ${T + 25}|c1|sales|Agent/102|CONNECT|25|1748854825.9|4
      ${T + 325}|c1|sales|Agent/102|COMPLETECALLER|25|300|1`);
    expect(r.problems).toEqual([]);
    expect(r.visits.map(strip)).toEqual([
      {
        source: 'pbx', callId: 'c1', queue: 'sales', channel: 'voice', arrivedAt: T * 1000, answeredAt: (T + 25) * 1000, endedAt: (T + 325) * 1000,
        outcome: 'answered', waitSeconds: 25, talkSeconds: 300, holdSeconds: null, wrapSeconds: null, agent: 'Agent/102', transferred: false,
      },
    ]);
    // RINGNOANSWER is an agent event: kept, opens or ends nothing.
    expect(r.events).toEqual([{ at: (T + 3) * 1000, callId: 'c1', queue: 'sales', agent: 'Agent/101', event: 'RINGNOANSWER', data: '3000' }]);
  });

  it('the 1.4 layout: CONNECT without ringtime, COMPLETEAGENT', () => {
    const r = read(`
      ${T}|c2|sales|NONE|ENTERQUEUE||07700900123
      ${T + 40}|c2|sales|Agent/7|CONNECT|40|1748854840.3
      ${T + 100}|c2|sales|Agent/7|COMPLETEAGENT|40|60|2`);
    expect(r.byKey('c2')).toMatchObject({ outcome: 'answered', waitSeconds: 40, talkSeconds: 60, agent: 'Agent/7' });
  });

  it('a short abandon and an abandon at exactly the threshold (5 s)', () => {
    const r = read(`
      ${T}|s1|sales|NONE|ENTERQUEUE||1
      ${T + 4}|s1|sales|NONE|ABANDON|1|1|4
      ${T + 10}|s2|sales|NONE|ENTERQUEUE||2
      ${T + 15}|s2|sales|NONE|ABANDON|1|1|5
      ${T + 20}|s3|sales|NONE|ENTERQUEUE||3
      ${T + 50}|s3|sales|Agent/1|CONNECT|30|x|2
      ${T + 100}|s3|sales|Agent/1|COMPLETECALLER|30|50|1`);
    expect(r.byKey('s1')).toMatchObject({ outcome: 'abandoned', waitSeconds: 4, endedAt: (T + 4) * 1000 });
    expect(r.byKey('s2')).toMatchObject({ outcome: 'abandoned', waitSeconds: 5 });
    const c = countVisits(r.visits, { shortAbandonSeconds: 5, serviceLevelSeconds: 120 });
    // 3 offered; s1 (4 s) is short, s2 (5 s, at the threshold) is a real abandon.
    expect([c.offered, c.shortAbandoned, c.abandoned, c.answered]).toEqual([3, 1, 1, 1]);
    expect(answerRate(c)).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
  });

  it('a timeout, in the 1.8+ layout (wait in data3) and the 1.4 one (wait from the timestamps)', () => {
    const r = read(`
      ${T}|t1|sales|NONE|ENTERQUEUE||1
      ${T + 300}|t1|sales|NONE|EXITWITHTIMEOUT|3|1|300
      ${T + 10}|t2|sales|NONE|ENTERQUEUE||2
      ${T + 190}|t2|sales|NONE|EXITWITHTIMEOUT|2`);
    expect(r.byKey('t1')).toMatchObject({ outcome: 'timeout', waitSeconds: 300, endedAt: (T + 300) * 1000 });
    expect(r.byKey('t2')).toMatchObject({ outcome: 'timeout', waitSeconds: 180 });
    // The second ENTERQUEUE is 290 s earlier than the line before it: a clock step back is reported.
    expect(r.warnings.map((w) => w.line)).toEqual([3]);
  });

  it('an exit by key, in both layouts', () => {
    const r = read(`
      ${T}|k1|sales|NONE|ENTERQUEUE||1
      ${T + 45}|k1|sales|NONE|EXITWITHKEY|1|2|2|45
      ${T + 50}|k2|sales|NONE|ENTERQUEUE||2
      ${T + 62}|k2|sales|NONE|EXITWITHKEY|5|1`);
    expect(r.byKey('k1')).toMatchObject({ outcome: 'exit_key', waitSeconds: 45 });
    expect(r.byKey('k2')).toMatchObject({ outcome: 'exit_key', waitSeconds: 12 });
    expect(countVisits(r.visits).exitKey).toBe(2);
  });

  it('EXITEMPTY and JOINEMPTY are no-agents visits', () => {
    const r = read(`
      ${T}|e1|sales|NONE|ENTERQUEUE||1
      ${T + 8}|e1|sales|NONE|EXITEMPTY|1|1|8
      ${T + 9}|e2|sales|NONE|JOINEMPTY|1|1|0`);
    expect(r.byKey('e1')).toMatchObject({ outcome: 'no_agents', waitSeconds: 8 });
    expect(r.byKey('e2')).toMatchObject({ outcome: 'no_agents', waitSeconds: 0, arrivedAt: (T + 9) * 1000, endedAt: (T + 9) * 1000 });
  });

  it('an overflow gives one visit per queue', () => {
    const r = read(`
      ${T}|o1|sales|NONE|ENTERQUEUE||07700900123|1
      ${T + 60}|o1|sales|NONE|EXITWITHTIMEOUT|1|1|60
      ${T + 60}|o1|overflow|NONE|ENTERQUEUE||07700900123|1
      ${T + 80}|o1|overflow|Agent/9|CONNECT|20|x|5
      ${T + 200}|o1|overflow|Agent/9|COMPLETEAGENT|20|120|1`);
    expect(r.problems).toEqual([]);
    expect(r.visits.map((v) => [v.queue, v.outcome, v.waitSeconds, v.arrivedAt / 1000 - T])).toEqual([
      ['sales', 'timeout', 60, 0],
      ['overflow', 'answered', 20, 60],
    ]);
    // All queues: two visits offered (one per queue), one answered.
    const acc = createCallAccumulator({ zone: 'Europe/London', grain: 'day', count: { shortAbandonSeconds: 5, serviceLevelSeconds: 120 }, byQueue: true });
    r.visits.forEach((v) => acc.add(v));
    expect(acc.rows().map((x) => [x.queue, x.counts.offered, x.counts.answered, x.counts.timeout])).toEqual([
      [null, 2, 1, 1],
      ['overflow', 1, 1, 0],
      ['sales', 1, 0, 1],
    ]);
  });

  it('transfers end an answered visit as transferred: TRANSFER (1.4 and 1.8), BLINDTRANSFER, ATTENDEDTRANSFER', () => {
    const r = read(`
      ${T}|x1|sales|NONE|ENTERQUEUE||1
      ${T + 15}|x1|sales|Agent/1|CONNECT|15|u|3
      ${T + 135}|x1|sales|Agent/1|BLINDTRANSFER|2001|from-internal|15|120|1
      ${T}|x2|sales|NONE|ENTERQUEUE||2
      ${T + 10}|x2|sales|Agent/2|CONNECT|10|u|3
      ${T + 100}|x2|sales|Agent/2|ATTENDEDTRANSFER|BRIDGE|1748854900.12|10|90|1
      ${T}|x3|sales|NONE|ENTERQUEUE||3
      ${T + 5}|x3|sales|Agent/3|CONNECT|5|u
      ${T + 65}|x3|sales|Agent/3|TRANSFER|2002|from-internal|5|60
      ${T}|x4|sales|NONE|ENTERQUEUE||4
      ${T + 5}|x4|sales|Agent/4|CONNECT|5|u|1
      ${T + 45}|x4|sales|Agent/4|ATTENDEDTRANSFER|LINK|SIP/a-1|SIP/b-2|5|40|1`);
    expect(r.problems).toEqual([]);
    expect(r.visits.map((v) => [v.callId, v.outcome, v.transferred, v.waitSeconds, v.talkSeconds, v.agent])).toEqual([
      ['x1', 'answered', true, 15, 120, 'Agent/1'],
      ['x2', 'answered', true, 10, 90, 'Agent/2'],
      ['x3', 'answered', true, 5, 60, 'Agent/3'],
      ['x4', 'answered', true, 5, 40, 'Agent/4'],
    ]);
    expect(countVisits(r.visits).transferred).toBe(4);
  });

  it('a call still waiting at the cut-off is waiting, never abandoned; one still talking is answered', () => {
    const r = read(`
      ${T}|w1|sales|NONE|ENTERQUEUE||1
      ${T + 5}|w2|sales|NONE|ENTERQUEUE||2
      ${T + 30}|w2|sales|Agent/1|CONNECT|25|u|2`);
    expect(r.visits.map(strip)).toEqual([
      expect.objectContaining({ callId: 'w1', outcome: 'waiting', answeredAt: null, endedAt: null, waitSeconds: null }),
      expect.objectContaining({ callId: 'w2', outcome: 'answered', answeredAt: (T + 30) * 1000, endedAt: null, waitSeconds: 25, talkSeconds: null }),
    ]);
    const c = countVisits(r.visits);
    expect([c.offered, c.waiting, c.abandoned, c.answered, c.handled]).toEqual([2, 1, 0, 1, 0]);
    expect(r.stillOpen.map((v) => v.callId)).toEqual(['w1', 'w2']);

    // The next run carries them on: their ends arrive in the next part of the log.
    const next = read(
      `
      ${T + 40}|w1|sales|NONE|ABANDON|1|1|40
      ${T + 90}|w2|sales|Agent/1|COMPLETECALLER|25|60|1`,
      r.stillOpen,
    );
    expect(next.problems).toEqual([]);
    expect(next.visits.map((v) => [v.callId, v.outcome, v.waitSeconds, v.talkSeconds, v.arrivedAt])).toEqual([
      ['w1', 'abandoned', 40, null, T * 1000],
      ['w2', 'answered', 25, 60, (T + 5) * 1000],
    ]);
  });

  it('a day with a clock change: visits fall on the local day and the repeated hour has two intervals', () => {
    // Sun 26 Oct 2025, Europe/London: 01:00–02:00 happens twice (BST, then GMT).
    const a = Date.UTC(2025, 9, 25, 23, 30) / 1000; // 00:30 BST
    const b = Date.UTC(2025, 9, 26, 0, 30) / 1000; // 01:30 BST
    const c = Date.UTC(2025, 9, 26, 1, 30) / 1000; // 01:30 GMT
    const d = Date.UTC(2025, 9, 26, 23, 30) / 1000; // 23:30 GMT, still the 26th
    const r = read(`
      ${a}|d1|sales|NONE|ENTERQUEUE||1
      ${a + 20}|d1|sales|NONE|ABANDON|1|1|20
      ${b}|d2|sales|NONE|ENTERQUEUE||1
      ${b + 30}|d2|sales|Agent/1|CONNECT|30|u|1
      ${b + 90}|d2|sales|Agent/1|COMPLETECALLER|30|60|1
      ${c}|d3|sales|NONE|ENTERQUEUE||1
      ${c + 150}|d3|sales|Agent/1|CONNECT|150|u|1
      ${c + 200}|d3|sales|Agent/1|COMPLETECALLER|150|50|1
      ${d}|d4|sales|NONE|ENTERQUEUE||1
      ${d + 10}|d4|sales|NONE|ABANDON|1|1|10`);
    expect(r.problems).toEqual([]);
    const count = { shortAbandonSeconds: 5, serviceLevelSeconds: 120 };
    const day = createCallAccumulator({ zone: 'Europe/London', grain: 'day', count });
    const hour = createCallAccumulator({ zone: 'Europe/London', grain: 'interval', intervalMinutes: 60, count });
    for (const v of r.visits) {
      day.add(v);
      hour.add(v);
    }
    // All four arrive on local day 26 Oct (the first one is 25 Oct in UTC; the day is 25 hours long).
    const [d26] = day.rows();
    expect(d26!.period).toBe('2025-10-26');
    expect([d26!.counts.offered, d26!.counts.answered, d26!.counts.abandoned, d26!.counts.answeredWithinSl]).toEqual([4, 2, 2, 1]);
    expect(serviceLevel(d26!.counts).value).toBe(0.25); // only d2 (30 s) within 120 s of 4 offered
    expect(hour.rows().map((x) => [x.period, x.counts.offered])).toEqual([
      ['2025-10-26T00:00+01:00', 1],
      ['2025-10-26T01:00+01:00', 1],
      ['2025-10-26T01:00+00:00', 1],
      ['2025-10-26T23:00+00:00', 1],
    ]);
  });
});

describe('queue_log bad input: reported per line, never a crash', () => {
  it('unknown events, missing fields, ends without a start, clock jumps; the rest goes in', () => {
    const r = read(`
      ${T}|b1|sales|NONE|ENTERQUEUE||1
      ${T + 1}|b1|sales|NONE|SOMETHINGNEW|x
      ${T + 2}|b1|sales
      ${T + 3}|zz|sales|NONE|ABANDON|1|1|3
      ${T + 4}|zz|sales|Agent/1|COMPLETECALLER|3|30|1
      ${T + 5}|NONE|NONE|Agent/1|PAUSE|lunch
      ${T + 6}|b1|sales|Agent/1|CONNECT|6|u|1
      ${T + 7}|b1|sales|Agent/1|CONNECT|6|u|1
      ${T - 3600}|b1|sales|Agent/1|COMPLETECALLER|6|20|1
      ${T + 30}|b1|sales|Agent/1|COMPLETECALLER|6|x|1
      ${T + 30}|b1|sales|Agent/1|COMPLETECALLER|6|24|1
      ${T + 31}|b1|sales|NONE|ABANDON|1|1|31`);
    expect(r.problems.map((p) => [p.line, p.field, p.reason])).toEqual([
      [2, 'event', 'unknown event "SOMETHINGNEW"'],
      [3, null, expect.stringContaining('3 fields')],
      [4, 'event', expect.stringContaining('without an ENTERQUEUE')],
      [5, 'event', expect.stringContaining('without an ENTERQUEUE')],
      [8, 'event', 'second CONNECT for call b1 in sales'],
      [9, 'time', expect.stringContaining('before the visit')],
      [10, 'data', expect.stringContaining('without a readable call time')],
      [12, 'event', expect.stringContaining('without an ENTERQUEUE')],
    ]);
    expect(r.problems[0]!.raw).toBe(`${T + 1}|b1|sales|NONE|SOMETHINGNEW|x`);
    // The clock jump back an hour on line 9 is reported; the line after it is read normally.
    expect(r.warnings).toEqual([{ line: 9, message: expect.stringContaining('clock jumped back 3607 s') }]);
    expect(r.events.map((e) => e.event)).toEqual(['PAUSE']);
    expect(r.visits.map((v) => [v.callId, v.outcome, v.waitSeconds, v.talkSeconds])).toEqual([['b1', 'answered', 6, 24]]);
  });

  it('a clock jump during a visit (forward or back) is reported; the wait Asterisk measured is kept', () => {
    const r = read(`
      ${T}|j1|sales|NONE|ENTERQUEUE||1
      ${T + 3630}|j1|sales|NONE|ABANDON|1|1|30
      ${T + 3640}|j2|sales|NONE|ENTERQUEUE||1
      ${T + 3650}|j2|sales|Agent/1|CONNECT|10|u|1
      ${T + 3700}|j2|sales|Agent/1|COMPLETECALLER|10|50|1`);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([{ line: 2, message: expect.stringContaining('clock jump during call j1 in sales: its timestamps are 3630 s apart but ABANDON says 30 s') }]);
    expect(r.byKey('j1')).toMatchObject({ outcome: 'abandoned', waitSeconds: 30 });
    // A visit whose timestamps agree with its fields (to the second) raises nothing.
    expect(r.byKey('j2')).toMatchObject({ waitSeconds: 10, talkSeconds: 50 });
  });

  it('a call entering the same queue again before its visit ended is reported and both are kept', () => {
    const r = read(`
      ${T}|r1|sales|NONE|ENTERQUEUE||1
      ${T + 100}|r1|sales|NONE|ENTERQUEUE||1
      ${T + 110}|r1|sales|NONE|ABANDON|1|1|10`);
    expect(r.warnings).toEqual([{ line: 2, message: expect.stringContaining('entered sales again') }]);
    expect(r.visits.map((v) => [v.outcome, v.arrivedAt / 1000 - T])).toEqual([
      ['waiting', 0],
      ['abandoned', 100],
    ]);
  });
});
