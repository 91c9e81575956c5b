// npm run bench:sla [tickets=1000000] [runs=5] [referenceSample=2000]
//
// Issue 3, "Benchmark": the fast SLA engine (src/sla/evaluate.ts) over synthetic tickets with
// status histories, median of several runs, tickets per second and peak RSS; then the
// minute-by-minute reference (test/support/sla-reference.ts) on the first tickets of the same
// stream, as a ratio. Tickets are generated lazily, so memory stays bounded whatever the count.
import { compileCalendar } from '../src/calendar/calendar.ts';
import { defaultCalendars } from '../src/calendar/defaults.ts';
import { createRandom, type Random } from '../src/demo/random.ts';
import { evaluateTicket, type SlaTicket, type StatusChange } from '../src/sla/evaluate.ts';
import { defaultPolicies, priorities } from '../src/sla/policy.ts';
import { referenceEvaluate } from '../test/support/sla-reference.ts';

const count = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 5);
const sample = Number(process.argv[4] ?? 2_000);

const spec = defaultCalendars.find((c) => c.id === 'service-desk')!;
const policy = defaultPolicies[0]!; // reopen: continue
const MIN = 60_000;
const start = Date.parse('2024-01-01T00:00:00Z');
const spanMinutes = 2 * 365 * 24 * 60;

type Case = { ticket: SlaTicket; now: number };

/**
 * Synthetic tickets, whole minutes (so the reference can run on the same ones): opened over two
 * years; assigned, worked, paused awaiting the user in 40%, resolved (95%) after about a day or
 * two of active work, reopened and resolved again in 10%. Each is evaluated at an instant up to
 * two days after its last event, so open tickets are recent ones.
 */
function* tickets(n: number): Generator<Case> {
  // No closures per ticket: under tsx each would be named at creation, costing as much as the
  // evaluation being measured.
  const rnd = createRandom(7);
  for (let i = 0; i < n; i++) {
    const openedAt = start + rnd.int(0, spanMinutes) * MIN;
    const history: StatusChange[] = [];
    let at = change(history, openedAt, gapMinutes(rnd, 30), 'Assigned');
    at = change(history, at, gapMinutes(rnd, 120), 'In Progress');
    if (rnd.chance(0.4)) {
      at = change(history, at, gapMinutes(rnd, 600), 'Awaiting User');
      at = change(history, at, gapMinutes(rnd, 1440), 'In Progress');
    }
    let resolvedAt: number | null = null;
    if (rnd.chance(0.95)) {
      resolvedAt = at = change(history, at, gapMinutes(rnd, 1440), 'Resolved');
      if (rnd.chance(0.1)) {
        at = change(history, at, gapMinutes(rnd, 2880), 'Reopened');
        resolvedAt = at = change(history, at, gapMinutes(rnd, 600), 'Resolved');
      }
    }
    yield {
      ticket: { kind: rnd.chance(0.65) ? 'incident' : 'service_request', priority: rnd.pick(priorities), vip: rnd.chance(0.08), openedAt, resolvedAt, statusHistory: history },
      now: at + rnd.int(0, 2 * 1440) * MIN,
    };
  }
}

function gapMinutes(rnd: Random, mean: number): number {
  return Math.max(1, Math.round(rnd.exponential(mean)));
}

/** Appends a change `gap` minutes after `at`; returns its instant. */
function change(history: StatusChange[], at: number, gap: number, status: string): number {
  const next = at + gap * MIN;
  history.push({ at: next, status });
  return next;
}

let peakRss = process.memoryUsage().rss;
const sampleRss = () => {
  const rss = process.memoryUsage().rss;
  if (rss > peakRss) peakRss = rss;
};

/** Median wall time (ms) of `runs` passes over `n` tickets; a fresh calendar each pass. */
function measure(n: number, passes: number, evaluate: (c: Case, calendar: ReturnType<typeof compileCalendar>) => unknown): number {
  const timings: number[] = [];
  for (let r = 0; r < passes; r++) {
    const calendar = compileCalendar(spec);
    const t0 = performance.now();
    let i = 0;
    for (const c of tickets(n)) {
      evaluate(c, calendar);
      if ((++i & 0x3fff) === 0) sampleRss();
    }
    timings.push(performance.now() - t0);
    sampleRss();
  }
  timings.sort((a, b) => a - b);
  return timings[Math.floor(timings.length / 2)]!;
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-GB');
console.log(
  `SLA engine bench: ${fmt(count)} synthetic tickets with histories, service-desk calendar, ` +
    `reopen 'continue', median of ${runs} runs (Node ${process.version})`,
);

// Generator alone, to show what the engine itself costs.
const genMs = measure(count, Math.min(runs, 3), () => undefined);
let checksum = 0;
const fastMs = measure(count, runs, (c, calendar) => {
  checksum += evaluateTicket(c.ticket, policy, calendar, c.now).elapsedMs;
});
const fastRate = count / (fastMs / 1000);
console.log(`  generator alone:   ${fmt(genMs)} ms`);
console.log(`  fast engine:       ${fmt(fastMs)} ms → ${fmt(fastRate)} tickets/s (incl. generator; checksum ${checksum})`);
console.log(`  peak RSS:          ${(peakRss / 2 ** 20).toFixed(0)} MiB`);

// The reference on a sample, and agreement on it.
let mismatches = 0;
const checkCalendar = compileCalendar(spec);
const refMs = measure(sample, 1, (c) => {
  const ref = referenceEvaluate(c.ticket, policy, spec, c.now);
  const fast = evaluateTicket(c.ticket, policy, checkCalendar, c.now);
  if (ref.elapsedMs !== fast.elapsedMs || ref.outcome !== fast.outcome || ref.breachedAt !== fast.breachedAt) mismatches++;
});
// The reference pass above also runs the fast engine for the agreement check; its share is
// negligible (the fast engine runs ~10^5 times faster) but subtract it anyway.
const fastShare = (sample / fastRate) * 1000;
const refRate = sample / ((refMs - fastShare) / 1000);
console.log(`  reference:         ${fmt(sample)} tickets in ${fmt(refMs - fastShare)} ms → ${fmt(refRate)} tickets/s`);
console.log(`  ratio:             fast engine ${fmt(fastRate / refRate)}× the reference; ${mismatches} disagreements on the sample`);
console.log(`  peak RSS overall:  ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
