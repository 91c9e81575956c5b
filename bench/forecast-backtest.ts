/**
 * `npm run bench:forecast [-- FILE]`: backtest of the month-end SLA forecast (src/sla/forecast.ts)
 * on the real ServiceNow incident event log (../shared/data, docs/data-sources.md). The export is
 * read through the product's own `servicenow-event-log` preset mapping and judged by the default
 * policy and calendar; for each whole month of the log, the forecast is made as the tickets stood
 * at 00:00 local on the 10th and on the 20th (later events unseen), and set against the month's
 * final figure (every event seen), beside the naive forecast (attainment so far) in the same run.
 * Errors are in percentage points; "in 80%" says whether the final figure fell in the interval.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { localToUtc } from '../src/calendar/zone.ts';
import { loadAppConfig } from '../src/config/app-config.ts';
import { readCsvRecords } from '../src/feeds/csv-records.ts';
import { mappingNamed } from '../src/feeds/tickets/mapped-feed.ts';
import { compileMapping, type MappedRow } from '../src/feeds/tickets/mapping.ts';
import { evaluateTicket, type SlaTicket } from '../src/sla/evaluate.ts';
import { forecastAttainment } from '../src/sla/forecast.ts';
import { forecastInputAsOf, RECENT_DAYS, ticketAsOf } from '../src/sla/forecast-input.ts';
import type { Priority } from '../src/sla/policy.ts';
import { slaRules } from '../src/sla/rules.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file =
  process.argv[2] ?? path.resolve(root, '../shared/data/servicenow-incident-event-log/incident_event_log_opened_2016-02_to_2016-04.csv.gz');
if (!existsSync(file)) {
  console.error(`bench:forecast: ${file} not found; pass the ServiceNow event log's path (see docs/data-sources.md)`);
  process.exit(1);
}

const config = loadAppConfig();
const rules = slaRules(config);
const mapping = mappingNamed(config, 'servicenow-event-log')!;
const normalise = compileMapping(mapping, { zone: rules.zone, kinds: config.kinds });

type Known = { row: MappedRow; history: MappedRow['history'] };
const latest = new Map<string, Known>();
let rows = 0;
for await (const record of readCsvRecords(file, { delimiter: mapping.delimiter })) {
  rows++;
  const r = normalise(record.values);
  if (!r.ok) continue;
  const id = r.item.ticket.externalId;
  const known = latest.get(id);
  if (!known) latest.set(id, { row: r.item, history: [...r.item.history] });
  else {
    known.history.push(...r.item.history);
    if ((r.item.version ?? '') >= (known.row.version ?? '')) known.row = r.item;
  }
}

/** Each ticket for the engine, with its priority changes so the priority as of a date can be read. */
const tickets = [...latest.values()].map(({ row, history }) => {
  const sorted = [...history].sort((a, b) => a.at.getTime() - b.at.getTime());
  const t = row.ticket;
  const ticket: SlaTicket = {
    kind: t.kind,
    priority: t.priority,
    vip: t.vip,
    openedAt: t.openedAt.getTime(),
    resolvedAt: (t.resolvedAt ?? t.closedAt)?.getTime() ?? null,
    firstResponseAt: t.firstResponseAt?.getTime() ?? null,
    statusHistory: sorted.filter((h) => h.field === 'status').map((h) => ({ at: h.at.getTime(), status: h.value })),
  };
  const priorities = sorted.filter((h) => h.field === 'priority').map((h) => ({ at: h.at.getTime(), value: h.value as Priority }));
  return { ticket, priorities };
});
const priorityAsOf = (t: (typeof tickets)[number], asOf: number): Priority => {
  let p: Priority | null = null;
  for (const c of t.priorities) if (c.at < asOf) p = c.value;
  return p ?? t.ticket.priority;
};

const monthStart = (y: number, m: number) => localToUtc(rules.zone, y, m, 1, 0);
const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);
const months: [number, number][] = [[2016, 2], [2016, 3], [2016, 4]];
const lines: string[] = [];
const errors = { naive: [] as number[], forecast: [] as number[], inside: 0, n: 0 };
const farFuture = Date.UTC(2100, 0, 1);
// The arrivals' met share read from other spans than the chosen one (RECENT_DAYS), for the record.
const variantDays = [14, 28];
const variants = new Map(variantDays.map((d) => [d, [] as number[]]));
for (const [y, m] of months) {
  const start = monthStart(y, m);
  const end = m === 12 ? monthStart(y + 1, 1) : monthStart(y, m + 1);
  // The month's final figure: every event seen.
  let met = 0;
  let breached = 0;
  for (const { ticket } of tickets) {
    const { policy, calendar } = rules.policyAt(ticket.openedAt);
    const r = evaluateTicket(ticket, policy, calendar, farFuture);
    if (r.outcome === 'met' && r.outcomeAt! >= start && r.outcomeAt! < end) met++;
    else if (r.outcome === 'breached' && r.breachedAt! >= start && r.breachedAt! < end) breached++;
  }
  const final = met / (met + breached);
  for (const day of [10, 20]) {
    const asOf = localToUtc(rules.zone, y, m, day, 0);
    const asKnown = tickets
      .filter((t) => t.ticket.openedAt < asOf)
      .map((t) => ({ ticket: { ...ticketAsOf(t.ticket, asOf), priority: priorityAsOf(t, asOf) }, group: priorityAsOf(t, asOf) }));
    const input = forecastInputAsOf(asKnown, { asOf, periodStart: start, periodEnd: end, rules });
    const f = forecastAttainment(input);
    if (f.naive === null) {
      lines.push(`| ${y}-${String(m).padStart(2, '0')} | ${day}th | no outcome yet (the log begins later) | | | | | ${pct(final)} (${met} met, ${breached} breached) |`);
      continue;
    }
    if (process.env.DIAG) console.log(y, m, day, { met: input.met, breached: input.breached, open: input.open.length, arrivals: input.arrivals, expMet: f.expectedMet, expBr: f.expectedBreached, final: [met, breached] });
    for (const days of variantDays) {
      const v = forecastAttainment(forecastInputAsOf(asKnown, { asOf, periodStart: start, periodEnd: end, rules, recentDays: days }));
      variants.get(days)!.push(Math.abs(100 * (v.central! - final)));
    }
    const naiveErr = 100 * ((f.naive ?? 0) - final);
    const fErr = 100 * ((f.central ?? 0) - final);
    errors.naive.push(Math.abs(naiveErr));
    errors.forecast.push(Math.abs(fErr));
    errors.n++;
    const inside = f.low !== null && f.high !== null && final >= f.low && final <= f.high;
    if (inside) errors.inside++;
    lines.push(
      `| ${y}-${String(m).padStart(2, '0')} | ${day}th | ${pct(f.naive)} | ${naiveErr >= 0 ? '+' : ''}${naiveErr.toFixed(1)} | ${pct(f.central)} (${pct(f.low)}–${pct(f.high)}) | ${fErr >= 0 ? '+' : ''}${fErr.toFixed(1)} | ${inside ? 'yes' : 'no'} | ${pct(final)} (${met} met, ${breached} breached) |`,
    );
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`forecast backtest: ${path.basename(file)}, ${rows.toLocaleString('en-GB')} rows, ${tickets.length.toLocaleString('en-GB')} tickets, Node ${process.version}`);
console.log('| month | made on | naive (so far) | naive error (pp) | forecast (80% interval) | forecast error (pp) | final in 80% | final |');
console.log('|---|---|---|---|---|---|---|---|');
for (const l of lines) console.log(l);
console.log(
  `mean absolute error: naive ${mean(errors.naive).toFixed(2)} pp, forecast ${mean(errors.forecast).toFixed(2)} pp ` +
    `(met share of the last ${RECENT_DAYS} days; ${variantDays.map((d) => `${d} days: ${mean(variants.get(d)!).toFixed(2)} pp`).join(', ')}); ` +
    `final inside the 80% interval ${errors.inside} of ${errors.n}`,
);
