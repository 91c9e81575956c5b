import { describe, expect, it } from 'vitest';
import {
  abandonRate,
  aht,
  ahtBasis,
  answerRate,
  asa,
  avgWait,
  countVisits,
  emptyCallCounts,
  mergeCallCounts,
  serviceLevel,
  type CountOptions,
} from '../../src/calls/kpis.ts';
import {
  countOpenDays,
  createCallAccumulator,
  daysOfPeriod,
  intervalStart,
  intervalStartsBetween,
  localIsoMinute,
} from '../../src/calls/periods.ts';
import { callFigures, callTargetsSchema, defaultCallTargets, figureStatus, targetsInForce } from '../../src/calls/targets.ts';
import { callVisitSchema, type CallVisit } from '../../src/calls/visit.ts';

const T0 = Date.UTC(2025, 5, 2, 9, 0, 0); // Mon 2 June 2025 10:00 BST

/** A visit with sensible defaults: answered after `wait` seconds, talked 300 s. */
function visit(over: Partial<CallVisit> & { wait?: number } = {}): CallVisit {
  const { wait = 10, ...rest } = over;
  const outcome = rest.outcome ?? 'answered';
  const arrivedAt = rest.arrivedAt ?? T0;
  const answered = outcome === 'answered';
  const v: CallVisit = {
    source: 'test',
    callId: `c${Math.random().toString(36).slice(2)}`,
    queue: 'main',
    channel: 'voice',
    arrivedAt,
    answeredAt: answered ? arrivedAt + wait * 1000 : null,
    endedAt: outcome === 'waiting' ? null : arrivedAt + (wait + (answered ? 300 : 0)) * 1000,
    outcome,
    waitSeconds: outcome === 'waiting' ? null : wait,
    talkSeconds: answered ? 300 : null,
    holdSeconds: null,
    wrapSeconds: null,
    agent: answered ? 'Agent/1' : null,
    transferred: false,
    ...rest,
  };
  return callVisitSchema.parse(v);
}
const many = (n: number, over: Parameters<typeof visit>[0]) => Array.from({ length: n }, () => visit(over));
const opts: CountOptions = { shortAbandonSeconds: 5, serviceLevelSeconds: 120 };

describe('service level variants (METRICS.md §3)', () => {
  it("Cisco's worked example: 70 answered within T, 10 abandoned within T, 20 over T → 77.8% / 70% / 80%", () => {
    // 70 answered at 30 s (≤ 120), 10 abandoned at 60 s (≤ 120, not short), 20 answered at 200 s.
    const c = countVisits([...many(70, { wait: 30 }), ...many(10, { outcome: 'abandoned', wait: 60 }), ...many(20, { wait: 200 })], opts);
    expect(c.offered).toBe(100);
    // Abandons ignored: 70 / (100 − 10) = 0.7777…
    expect(serviceLevel(c, 'cisco_ignore').value).toBeCloseTo(70 / 90, 12);
    expect(serviceLevel(c, 'cisco_ignore').value!.toFixed(3)).toBe('0.778');
    // Abandons negative: 70 / 100.
    expect(serviceLevel(c, 'cisco_negative').value).toBe(0.7);
    // Abandons positive: (70 + 10) / 100.
    expect(serviceLevel(c, 'cisco_positive').value).toBe(0.8);
    // The default (Asterisk wait ≤ T over offered − short abandons) is the "negative" one.
    expect(serviceLevel(c, 'offered')).toEqual({ value: 0.7, numerator: 70, denominator: 100 });
    // ÷ answered: 70 / 90; ÷ (answered + abandoned after T): 70 / (90 + 0).
    expect(serviceLevel(c, 'answered')).toEqual({ value: 70 / 90, numerator: 70, denominator: 90 });
    expect(serviceLevel(c, 'answered_and_late_abandons')).toEqual({ value: 70 / 90, numerator: 70, denominator: 90 });
  });

  it('answered at exactly T is within T', () => {
    const c = countVisits([visit({ wait: 120 }), visit({ wait: 121 })], opts);
    expect(serviceLevel(c).value).toBe(0.5);
  });
});

describe('counts and figures', () => {
  it('short abandons: under the threshold short, at it not; 0 disables', () => {
    const vs = [visit({ outcome: 'abandoned', wait: 4 }), visit({ outcome: 'abandoned', wait: 5 }), visit({ wait: 20 }), visit({ wait: 40 })];
    const c = countVisits(vs, opts);
    expect(c.shortAbandoned).toBe(1); // the 4 s one
    expect(c.abandoned).toBe(1); // the 5 s one: exactly the threshold is a real abandon
    // Rates over offered − short = 3: answered 2/3, abandoned 1/3.
    expect(answerRate(c)).toEqual({ value: 2 / 3, numerator: 2, denominator: 3 });
    expect(abandonRate(c)).toEqual({ value: 1 / 3, numerator: 1, denominator: 3 });
    // avgWait leaves the short abandon out: (5 + 20 + 40) / 3.
    expect(avgWait(c).value).toBeCloseTo(65 / 3, 12);
    const off = countVisits(vs, { ...opts, shortAbandonSeconds: 0 });
    expect(off.shortAbandoned).toBe(0);
    expect(off.abandoned).toBe(2);
    expect(abandonRate(off).value).toBe(0.5);
  });

  it('timeouts, exits by key and no-agents exits are offered and unanswered, not abandoned', () => {
    const c = countVisits(
      [visit({ outcome: 'timeout', wait: 300 }), visit({ outcome: 'exit_key', wait: 45 }), visit({ outcome: 'no_agents', wait: 2 }), visit({ wait: 10 })],
      opts,
    );
    expect([c.offered, c.answered, c.abandoned, c.timeout, c.exitKey, c.noAgents]).toEqual([4, 1, 0, 1, 1, 1]);
    expect(answerRate(c).value).toBe(0.25);
    expect(abandonRate(c).value).toBe(0);
    // A no-agents exit after 2 s is not a short abandon (only abandons are).
    expect(avgWait(c)).toEqual({ value: (300 + 45 + 2 + 10) / 4, numerator: 357, denominator: 4 });
  });

  it('a visit still waiting is offered and waiting, never abandoned, and out of every denominator', () => {
    const c = countVisits([visit({ outcome: 'waiting' }), visit({ wait: 30 }), visit({ outcome: 'abandoned', wait: 90 })], opts);
    expect([c.offered, c.waiting, c.answered, c.abandoned]).toEqual([3, 1, 1, 1]);
    expect(answerRate(c)).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    expect(avgWait(c).value).toBe(60);
  });

  it('asa, maxAnswerWait and AHT (talk-only when the feed has no hold or wrap)', () => {
    const c = countVisits(
      [visit({ wait: 10, talkSeconds: 200 }), visit({ wait: 50, talkSeconds: 400 }), visit({ outcome: 'abandoned', wait: 200 })],
      opts,
    );
    expect(asa(c).value).toBe(30); // (10 + 50) / 2
    expect(c.maxAnswerWait).toBe(50);
    expect(c.maxWait).toBe(200);
    expect(aht(c).value).toBe(300); // (200 + 400) / 2
    expect(ahtBasis(c)).toBe('talk-only');
    const full = countVisits([visit({ talkSeconds: 300, holdSeconds: 30, wrapSeconds: 68 })], opts);
    expect(aht(full).value).toBe(398);
    expect(ahtBasis(full)).toBe('talk+hold+wrap');
    expect(ahtBasis(mergeCallCounts(full, c))).toBe('partly talk-only');
  });

  it('an answered visit still being handled counts as answered but not in AHT', () => {
    const c = countVisits([visit({ endedAt: null, talkSeconds: null }), visit({ talkSeconds: 100 })], opts);
    expect(c.answered).toBe(2);
    expect(c.handled).toBe(1);
    expect(aht(c).value).toBe(100);
  });

  it('roll-ups are Σ numerators / Σ denominators, never a mean of rates', () => {
    // Interval A: 9 of 10 answered (90%); interval B: 1 of 2 (50%). Mean of rates 70%; the day 10/12.
    const a = countVisits([...many(9, { wait: 10 }), visit({ outcome: 'abandoned', wait: 30 })], opts);
    const b = countVisits([visit({ wait: 10 }), visit({ outcome: 'abandoned', wait: 30 })], opts);
    const day = mergeCallCounts(mergeCallCounts(emptyCallCounts(), a), b);
    expect(answerRate(day)).toEqual({ value: 10 / 12, numerator: 10, denominator: 12 });
    expect(day).toEqual(countVisits([...many(9, { wait: 10 }), visit({ outcome: 'abandoned', wait: 30 }), visit({ wait: 10 }), visit({ outcome: 'abandoned', wait: 30 })], opts));
  });
});

describe('targets and status (METRICS.md §3, §5)', () => {
  it('green meets (equal meets), amber within 5% of the target, red beyond; both directions', () => {
    expect(figureStatus(0.825, 0.825, 'up')).toBe('green');
    expect(figureStatus(0.80, 0.825, 'up')).toBe('amber'); // ≥ 0.78375
    expect(figureStatus(0.78, 0.825, 'up')).toBe('red');
    expect(figureStatus(360, 360, 'down')).toBe('green');
    expect(figureStatus(378, 360, 'down')).toBe('amber'); // ≤ 378
    expect(figureStatus(379, 360, 'down')).toBe('red');
    expect(figureStatus(null, 360, 'down')).toBe('no_data');
    expect(figureStatus(10, null, 'down')).toBe('data_only');
  });

  it('targets are effective-dated by the first day of the period', () => {
    const versions = [...defaultCallTargets, callTargetsSchema.parse({ effectiveFrom: '2025-04-01', answerRate: 0.9 })];
    expect(targetsInForce(versions, '2025-03-31')!.answerRate).toBe(0.825);
    expect(targetsInForce(versions, '2025-04-01')!.answerRate).toBe(0.9);
    expect(targetsInForce([callTargetsSchema.parse({ effectiveFrom: '2025-01-01' })], '2024-12-31')).toBeUndefined();
  });

  it('the defaults are the published targets', () => {
    const t = defaultCallTargets[0]!;
    expect([t.answerRate, t.abandonRate, t.maxAbandonRate, t.avgWaitSeconds, t.maxAnswerWaitSeconds, t.ahtSeconds, t.callsPerDay, t.emailsPerDay['*']]).toEqual([
      0.825, 0.175, 0.1, 360, 120, 398, 590, 59,
    ]);
  });

  it('figures carry value, counts, target and status; the worst day is judged against the 10% maximum', () => {
    // 8 answered, 1 abandoned (wait 60), 1 short: base 9 → answered 88.9%, abandoned 11.1%.
    const c = countVisits([...many(8, { wait: 20 }), visit({ outcome: 'abandoned', wait: 60 }), visit({ outcome: 'abandoned', wait: 1 })], opts);
    const f = callFigures(c, {
      targets: defaultCallTargets[0],
      variant: 'offered',
      serviceLevelSeconds: 120,
      shortAbandonSeconds: 5,
      tolerance: 0.05,
      openDays: 2,
      emailsProcessed: 120,
      maxDailyAbandon: { ...abandonRate(c), day: '2025-06-02' },
    });
    expect(f.answerRate).toMatchObject({ value: 8 / 9, numerator: 8, denominator: 9, target: 0.825, status: 'green' });
    // 11.1% is within 17.5% (green) but, as the worst day, over the 10% maximum by more than 5% of it (red).
    expect(f.abandonRate).toMatchObject({ value: 1 / 9, target: 0.175, status: 'green' });
    expect(f.maxDailyAbandonRate).toMatchObject({ value: 1 / 9, day: '2025-06-02', target: 0.1, status: 'red' });
    expect(f.callsPerDay).toMatchObject({ value: 5, numerator: 10, denominator: 2, target: 590, status: 'red' });
    expect(f.emailsPerDay).toMatchObject({ value: 60, target: 59, status: 'green' });
    expect(f.aht).toMatchObject({ value: 300, label: 'talk-only', status: 'green' });
    expect(f.serviceLevel).toMatchObject({ value: 8 / 9, thresholdSeconds: 120, status: 'data_only' });
    expect(f.maxAnswerWait).toMatchObject({ value: 20, target: 120, status: 'green' });
  });
});

describe('periods by arrival time in the calendar zone', () => {
  const zone = 'Europe/London';

  it('intervals are local: a spring-change day has 92 quarter hours, an autumn one 100', () => {
    expect(intervalStartsBetween(zone, '2025-03-30', '2025-03-30', 15)).toHaveLength(92);
    expect(intervalStartsBetween(zone, '2025-10-26', '2025-10-26', 15)).toHaveLength(100);
    expect(intervalStartsBetween(zone, '2025-06-02', '2025-06-02', 30)).toHaveLength(48);
    const autumn = intervalStartsBetween(zone, '2025-10-26', '2025-10-26', 60).map((t) => localIsoMinute(zone, t));
    // The repeated hour appears twice with its two offsets.
    expect(autumn.slice(0, 4)).toEqual(['2025-10-26T00:00+01:00', '2025-10-26T01:00+01:00', '2025-10-26T01:00+00:00', '2025-10-26T02:00+00:00']);
    const spring = intervalStartsBetween(zone, '2025-03-30', '2025-03-30', 60).map((t) => localIsoMinute(zone, t));
    expect(spring.slice(0, 3)).toEqual(['2025-03-30T00:00+00:00', '2025-03-30T02:00+01:00', '2025-03-30T03:00+01:00']);
  });

  it('an arrival at 00:30 BST belongs to that local day, though it is the previous UTC day', () => {
    const arrived = Date.UTC(2025, 5, 1, 23, 30); // 2 June 00:30 BST
    expect(localIsoMinute(zone, intervalStart(zone, arrived, 15))).toBe('2025-06-02T00:30+01:00');
    const acc = createCallAccumulator({ zone, grain: 'day', count: opts, byQueue: true });
    acc.add(visit({ arrivedAt: arrived, queue: 'a' }));
    acc.add(visit({ arrivedAt: Date.UTC(2025, 5, 1, 22, 59), queue: 'b' })); // 1 June 23:59 BST
    const rows = acc.rows().map((r) => [r.period, r.queue, r.counts.offered]);
    expect(rows).toEqual([
      ['2025-06-01', null, 1],
      ['2025-06-01', 'b', 1],
      ['2025-06-02', null, 1],
      ['2025-06-02', 'a', 1],
    ]);
  });

  it('months roll up by local month, intervals by local interval', () => {
    const acc = createCallAccumulator({ zone, grain: 'month', count: opts });
    acc.add(visit({ arrivedAt: Date.UTC(2025, 5, 30, 23, 10) })); // 1 July 00:10 BST
    acc.add(visit({ arrivedAt: Date.UTC(2025, 5, 30, 22, 50) })); // 30 June 23:50 BST
    expect(acc.rows().map((r) => [r.period, r.counts.offered])).toEqual([
      ['2025-06', 1],
      ['2025-07', 1],
    ]);
    const iv = createCallAccumulator({ zone, grain: 'interval', intervalMinutes: 30, count: opts });
    for (const m of [0, 14, 29, 30, 59]) iv.add(visit({ arrivedAt: T0 + m * 60_000 }));
    expect(iv.rows().map((r) => [r.period, r.counts.offered])).toEqual([
      ['2025-06-02T10:00+01:00', 3],
      ['2025-06-02T10:30+01:00', 2],
    ]);
  });

  it('open days: calendar days plus days that had contacts; a month in progress counts days so far', () => {
    const days = daysOfPeriod('2025-06', '2025-06-10');
    expect(days).toHaveLength(10);
    // 2025-06-01 and -07, -08 are weekend days; calls arrived on Saturday 7th.
    const weekday = (d: string) => ![0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay());
    expect(countOpenDays(days, weekday, (d) => d === '2025-06-07')).toBe(8);
  });
});
