import { describe, expect, it } from 'vitest';
import { abandonRate, avgWait } from '../../src/calls/kpis.ts';
import { createCallAccumulator } from '../../src/calls/periods.ts';
import { demoEmailCsvLines, demoQueueLogLines, demoQueues } from '../../src/demo/calls.ts';
import { createQueueLogAssembler } from '../../src/feeds/calls/queue-log.ts';

const opts = { today: '2025-06-20', days: 30, zone: 'Europe/London', seed: 2025 };

function readDemo(lines: string[]) {
  const problems: string[] = [];
  const warnings: string[] = [];
  const byDay = createCallAccumulator({ zone: 'Europe/London', grain: 'day', count: { shortAbandonSeconds: 5, serviceLevelSeconds: 120 }, byQueue: true });
  const asm = createQueueLogAssembler(
    { source: 'demo', zone: 'Europe/London' },
    { visit: (v) => byDay.add(v), agentEvent: () => {}, problem: (_l, raw, p) => problems.push(`${p.reason}: ${raw}`), warning: (_l, m) => warnings.push(m) },
  );
  lines.forEach((l, i) => asm.push(l.trimEnd(), i + 1));
  const open = asm.finish();
  return { rows: byDay.rows(), problems, warnings, open };
}

describe('demo contact-centre feed', () => {
  const lines = [...demoQueueLogLines(opts)];
  const { rows, problems, warnings, open } = readDemo(lines);
  const days = rows.filter((r) => r.queue === null);

  it('is a clean queue_log in time order: every line read, nothing left open', () => {
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]); // no clock steps back
    expect(open).toEqual([]);
    const times = lines.map((l) => Number(l.split('|')[0]));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });

  it('is deterministic, and a day does not depend on the window around it', () => {
    expect([...demoQueueLogLines(opts)]).toEqual(lines);
    const oneDay = [...demoQueueLogLines({ ...opts, days: 1 })];
    expect(lines.slice(-oneDay.length)).toEqual(oneDay);
    expect([...demoQueueLogLines({ ...opts, seed: 7 })]).not.toEqual(lines);
  });

  it('has calls on weekdays only (bank holidays closed), about 590 a day, in every queue', () => {
    // 30 days from Thu 22 May to Fri 20 June 2025: 22 weekdays less the spring bank holiday (26 May).
    expect(days).toHaveLength(21);
    expect(days.map((d) => d.period)).not.toContain('2025-05-26');
    expect(days.every((d) => ![0, 6].includes(new Date(`${d.period}T12:00:00Z`).getUTCDay()))).toBe(true);
    const mean = days.reduce((a, d) => a + d.counts.offered, 0) / days.length;
    expect(mean).toBeGreaterThan(520);
    expect(mean).toBeLessThan(700);
    expect(new Set(rows.map((r) => r.queue).filter((q) => q !== null))).toEqual(new Set(demoQueues.map((q) => q.name)));
    const late = [...demoQueueLogLines({ today: '2025-05-26', days: 1 })]; // Spring bank holiday
    expect(late).toEqual([]);
  });

  it('has every outcome, overflow from housing, and abandons that rise with the wait', () => {
    const all = days.reduce(
      (a, d) => ({ answered: a.answered + d.counts.answered, abandoned: a.abandoned + d.counts.abandoned, short: a.short + d.counts.shortAbandoned, timeout: a.timeout + d.counts.timeout, exitKey: a.exitKey + d.counts.exitKey, transferred: a.transferred + d.counts.transferred }),
      { answered: 0, abandoned: 0, short: 0, timeout: 0, exitKey: 0, transferred: 0 },
    );
    expect(Object.values(all).every((n) => n > 0)).toBe(true);
    // Overflow: a call that timed out of housing enters general.
    const timedOut = new Set(lines.filter((l) => l.includes('|housing|NONE|EXITWITHTIMEOUT|')).map((l) => l.split('|')[1]));
    expect(lines.some((l) => l.includes('|general|NONE|ENTERQUEUE|') && timedOut.has(l.split('|')[1]))).toBe(true);
    // Queue-days ranked by average wait: the longer-waiting half abandons more.
    const queueDays = rows.filter((r) => r.queue !== null && r.counts.offered > 20).sort((a, b) => avgWait(a.counts).value! - avgWait(b.counts).value!);
    const half = Math.floor(queueDays.length / 2);
    const rate = (xs: typeof queueDays) => xs.reduce((a, r) => a + r.counts.abandoned, 0) / xs.reduce((a, r) => a + r.counts.offered - r.counts.shortAbandoned, 0);
    expect(rate(queueDays.slice(half))).toBeGreaterThan(2 * rate(queueDays.slice(0, half)));
    expect(abandonRate(days[0]!.counts).value).toBeLessThan(0.5);
  });

  it('stops at `until`: calls still queueing then are left waiting', () => {
    const until = Date.UTC(2025, 5, 20, 9, 30); // Fri 20 June 10:30 BST
    const cut = [...demoQueueLogLines({ ...opts, days: 1, until })];
    expect(cut.every((l) => Number(l.split('|')[0]) * 1000 <= until)).toBe(true);
    const r = readDemo(cut);
    expect(r.problems).toEqual([]);
    expect(r.open.length).toBeGreaterThan(0);
  });

  it('writes email contacts for two mailboxes', () => {
    const emails = [...demoEmailCsvLines(opts)];
    expect(emails[0]).toBe('id,mailbox,received_at,processed_at\n');
    const boxes = new Set(emails.slice(1).map((l) => l.split(',')[1]));
    expect(boxes).toEqual(new Set(['contact', 'benefits']));
    expect(emails.length).toBeGreaterThan(30 * 20);
  });
});
