// npm run bench: per-ticket SLA evaluation and attainment roll-up over synthetic tickets, in
// process (no database), median of several runs; prints tickets per second and peak memory.
import { compileCalendar } from '../src/calendar/calendar.ts';
import { defaultCalendars } from '../src/calendar/defaults.ts';
import { createAttainmentAccumulator } from '../src/sla/attainment.ts';
import { evaluateTicket, type SlaTicket } from '../src/sla/evaluate.ts';
import { defaultPolicies, priorities } from '../src/sla/policy.ts';
import { createRandom } from '../src/demo/random.ts';

const count = Number(process.argv[2] ?? 200_000);
const runs = Number(process.argv[3] ?? 5);
const calendar = compileCalendar(defaultCalendars.find((c) => c.id === 'service-desk')!);
const policy = defaultPolicies[0]!;
const start = Date.parse('2024-01-01T00:00:00Z');
const span = 2 * 365 * 24 * 3600_000;
const now = start + span + 30 * 24 * 3600_000;

function* tickets(n: number): Generator<SlaTicket> {
  const rnd = createRandom(42);
  for (let i = 0; i < n; i++) {
    const openedAt = start + Math.floor(rnd.next() * span);
    const open = rnd.chance(0.05);
    yield {
      kind: rnd.chance(0.65) ? 'incident' : 'service_request',
      priority: priorities[Math.floor(rnd.next() * priorities.length)]!,
      vip: rnd.chance(0.08),
      openedAt,
      resolvedAt: open ? null : openedAt + Math.floor(rnd.exponential(3 * 24 * 3600_000)),
    };
  }
}

const teams = ['Application Support', 'Civica', 'Network', 'Server', 'SWIFT Admin', 'Service desk', 'Tech Support Admin'];
let peakRss = 0;
function measure(label: string, rollUp: boolean) {
  const timings: number[] = [];
  for (let r = 0; r < runs; r++) {
    const acc = createAttainmentAccumulator('Europe/London');
    const t0 = performance.now();
    let i = 0;
    for (const t of tickets(count)) {
      const s = evaluateTicket(t, policy, calendar, now);
      if (rollUp) acc.add({ ...t, team: teams[i % teams.length]!, outcome: s.outcome, outcomeAt: s.outcomeAt, breachedAt: s.breachedAt });
      if ((++i & 0xffff) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    timings.push(performance.now() - t0);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  timings.sort((a, b) => a - b);
  const median = timings[Math.floor(timings.length / 2)]!;
  console.log(`  ${label}: median ${median.toFixed(0)} ms → ${Math.round(count / (median / 1000)).toLocaleString('en-GB')} tickets/s`);
}

console.log(`SLA bench: ${count.toLocaleString('en-GB')} synthetic tickets over two years, median of ${runs} runs (Node ${process.version})`);
measure('evaluation only            ', false);
measure('evaluation + day/month roll-up (8 slices)', true);
console.log(`  peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
