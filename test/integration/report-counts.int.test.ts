/**
 * Issue 12, the monthly report at scale: its backlog, channel-shift and satisfaction figures read
 * the stored SLA counts (satisfaction sums among them), its not-actioned at a month that is over the
 * stored month-end counts (`sla_not_actioned_months`) and at any other day an index-served query. Each must equal a
 * recount from `tickets` and `ticket_sla` (the queries the report ran before, written out here)
 * after random ingests, team and channel changes, first responses, satisfaction scores,
 * reopenings, clocks moving on and policy changes. fast-check with a fixed seed, on PostgreSQL
 * and PGlite; then a hand-made month whose backlog is counted by hand.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, DbHandle } from '../../db/client.ts';
import { addDays } from '../../src/calendar/zone.ts';
import { dayStartMs, nextMonth } from '../../src/calls/periods.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestTicketHistoryFile } from '../../src/feeds/tickets/history.ts';
import { ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { evaluateStaleTickets, verifySlaCounts } from '../../src/services/sla-compute.ts';
import { slaRules } from '../../src/sla/rules.ts';
import { rowsOf } from '../../src/store/sla-counts.ts';
import { notActionedAtMonthEnd, notActionedDifferences } from '../../src/store/not-actioned.ts';

/** The stored month-end figure; the SLA compute has counted the zone, so it must be there. */
async function storedNotActioned(db: Parameters<typeof notActionedAtMonthEnd>[0], zone: string, month: string) {
  const rows = await notActionedAtMonthEnd(db, zone, month);
  if (rows === undefined) throw new Error(`zone ${zone} not counted after an SLA compute`);
  return rows;
}
import { backlogByTeamAt, notActionedByTeamAt, satisfactionByMonth, ticketsByChannelAndMonth } from '../../src/store/reports.ts';
import { backends } from '../support/services.ts';

const base = appConfigSchema.parse({});
const configs = [base, appConfigSchema.parse({ policies: [{ ...base.policies[0]!, reopen: 'new_cycle' }] })];
const zone = slaRules(base).zone;
// Late March: the tickets span February and March and the clocks' change on 30 March 2025.
const START = Date.parse('2025-03-31T21:30:00Z');
const MIN = 60_000;
const local = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

const ticketRow = fc.record({
  id: fc.integer({ min: 0, max: 39 }),
  kind: fc.constantFrom('incident', 'service_request'),
  priority: fc.constantFrom('critical', 'high', 'normal', 'low'),
  team: fc.constantFrom('Desk', 'Network', ''),
  channel: fc.constantFrom('Web portal', 'Phone', 'Walk-in', ''),
  openedMin: fc.integer({ min: 0, max: 50 * 24 * 60 }),
  respondedAfter: fc.option(fc.integer({ min: 0, max: 20 * 24 * 60 }), { freq: 2 }),
  resolvedAfter: fc.option(fc.integer({ min: 0, max: 30 * 24 * 60 }), { freq: 2 }),
  satisfaction: fc.option(fc.integer({ min: 1, max: 5 }), { freq: 2 }),
});
const historyRow = fc.record({
  id: fc.integer({ min: 0, max: 39 }),
  atMin: fc.integer({ min: 0, max: 40 * 24 * 60 }),
  status: fc.constantFrom('In Progress', 'Awaiting User', 'Resolved', 'Reopened'),
});
const action = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('tickets' as const), rows: fc.array(ticketRow, { minLength: 1, maxLength: 10 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('history' as const), rows: fc.array(historyRow, { minLength: 1, maxLength: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('policy' as const) }) },
);

const NONE = '(none)';
const sorted = <T>(rows: T[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** The recounts: what the report asked of `tickets` and `ticket_sla` before the stored counts (channels and satisfaction: whole months up to the day's). */
async function recount(db: Db, lastDay: string, end: Date, fromMonth: string) {
  const openAtEnd = sql`s.opened_day <= ${lastDay}::date and (s.resolved_day is null or s.resolved_day > ${lastDay}::date)`;
  const num = <T extends Record<string, unknown>>(rows: T[]) => rows.map((r) => ({ ...r, n: Number(r.n) }));
  const backlog = rowsOf<{ team: string; kind: string; n: number }>(
    await db.execute(sql`select coalesce(t.team, ${NONE}) as team, t.kind, count(*) as n from ticket_sla s join tickets t on t.id = s.ticket_id where ${openAtEnd} group by 1, 2`),
  );
  const notActioned = rowsOf<{ team: string; n: number }>(
    await db.execute(sql`select coalesce(t.team, ${NONE}) as team, count(*) as n from ticket_sla s join tickets t on t.id = s.ticket_id
      where ${openAtEnd} and (t.first_response_at is null or t.first_response_at >= ${end.toISOString()}::timestamptz) group by 1`),
  );
  const satisfaction = rowsOf<{ month: string; total: number; n: number }>(
    await db.execute(sql`select to_char(s.resolved_day, 'YYYY-MM') as month, sum(t.satisfaction) as total, count(*) as n from ticket_sla s join tickets t on t.id = s.ticket_id
      where s.resolved_day >= ${`${fromMonth}-01`}::date and s.resolved_day < ${`${nextMonth(lastDay.slice(0, 7))}-01`}::date and t.satisfaction is not null group by 1`),
  );
  const channels = rowsOf<{ month: string; channel: string | null; n: number }>(
    await db.execute(sql`select to_char(opened_at at time zone ${zone}, 'YYYY-MM') as month, channel, count(*) as n from tickets
      where opened_at >= ${new Date(dayStartMs(zone, `${fromMonth}-01`)).toISOString()}::timestamptz and opened_at < ${new Date(dayStartMs(zone, `${nextMonth(lastDay.slice(0, 7))}-01`)).toISOString()}::timestamptz
      group by 1, 2`),
  );
  return {
    backlog: sorted(num(backlog)),
    notActioned: sorted(num(notActioned)),
    satisfaction: sorted(satisfaction.map((r) => ({ month: r.month, total: Number(r.total), n: Number(r.n) }))),
    channels: sorted(num(channels)),
  };
}

/** The report's own reads for the same day (channels and satisfaction: whole months, up to the day's month). */
async function stored(db: Db, lastDay: string, end: Date, fromMonth: string) {
  const dayEnd = new Date(dayStartMs(zone, addDays(lastDay, 1)));
  return {
    backlog: sorted(await backlogByTeamAt(db, lastDay)),
    notActioned: sorted(await notActionedByTeamAt(db, lastDay, dayEnd, end)),
    satisfaction: sorted(await satisfactionByMonth(db, fromMonth, lastDay.slice(0, 7))),
    channels: sorted(await ticketsByChannelAndMonth(db, fromMonth, lastDay.slice(0, 7))),
  };
}

describe.each(backends.filter((b) => b.available))('the monthly report from stored counts on $name', (backend) => {
  let handle: DbHandle;
  let dir: string;
  beforeAll(async () => {
    handle = await backend.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-report-counts-'));
  });
  afterAll(async () => handle?.close());

  it('backlog, not actioned, satisfaction and tickets per channel equal a recount, after random changes', async () => {
    let file = 0;
    let policy = 0;
    let nonEmpty = 0;
    let monthEnds = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 2, maxLength: 6 }), fc.integer({ min: 0, max: 3 * 24 * 60 }), async (actions, advanceMin) => {
        const now = START + advanceMin * MIN;
        for (const a of actions) {
          if (a.t === 'tickets') {
            const f = path.join(dir, `t${file++}.csv`);
            const lines = a.rows.map((r) => {
              const opened = START - r.openedMin * MIN;
              const at = (after: number | null) => (after === null ? '' : local(opened + after * MIN));
              return `T${r.id},${r.kind},${r.priority},${r.team},${r.channel},${local(opened)},${at(r.respondedAfter)},${at(r.resolvedAfter)},${r.satisfaction ?? ''}`;
            });
            await writeFile(f, `id,kind,priority,team,channel,opened_at,first_response_at,resolved_at,satisfaction\n${lines.join('\n')}\n`);
            await ingestTicketFile(handle.db, f, { source: 'generic', zone: 'UTC', kinds: base.kinds });
          } else if (a.t === 'history') {
            const f = path.join(dir, `h${file++}.csv`);
            await writeFile(f, `id,at,field,value\n${a.rows.map((r) => `T${r.id},${local(START - r.atMin * MIN)},status,${r.status}`).join('\n')}\n`);
            await ingestTicketHistoryFile(handle.db, f, { source: 'generic', zone: 'UTC' });
          } else {
            policy = 1 - policy;
          }
        }
        await evaluateStaleTickets(handle.db, configs[policy]!, new Date(now));
        // The stored day counts (satisfaction sums among them) equal a recount of ticket_sla, and the month roll-up their sum.
        expect(await verifySlaCounts(handle.db)).toEqual([]);
        // The month-end not-actioned changes equal a recount of ticket_sla (the compute counted the zone).
        expect(await notActionedDifferences(handle.db)).toEqual([]);
        // Month ends (whole months from the month roll-up), days inside a month (its days from the
        // day counts), the day of the clocks' change and today.
        for (const lastDay of ['2025-02-28', '2025-03-14', '2025-03-30', '2025-03-31', '2025-04-02']) {
          const end = new Date(Math.min(dayStartMs(zone, addDays(lastDay, 1)), now));
          const want = await recount(handle.db, lastDay, end, '2025-01');
          expect(await stored(handle.db, lastDay, end, '2025-01')).toEqual(want);
          // A month that is over (its end before now): the stored month-end counts give the same figure.
          if (lastDay.endsWith('-28') || lastDay.endsWith('-31')) {
            if (end.getTime() === dayStartMs(zone, addDays(lastDay, 1))) {
              expect(sorted(await storedNotActioned(handle.db, zone, lastDay.slice(0, 7)))).toEqual(want.notActioned);
              monthEnds++;
            }
          }
          if (want.backlog.length > 0 && want.notActioned.length > 0 && want.satisfaction.length > 0) nonEmpty++;
        }
      }),
      { seed: 20261202, numRuns: 8, endOnFailure: true },
    );
    // The comparisons were of real figures, not of empty lists.
    expect(nonEmpty).toBeGreaterThan(10);
    // Both month ends (February's always over, March's once the clock passes its end) were compared.
    expect(monthEnds).toBeGreaterThan(8);
  });

  it('counts a hand-made backlog at the end of a month and on a day inside the next', async () => {
    await handle.db.execute(sql`delete from tickets`);
    await handle.db.execute(sql`delete from ticket_history`);
    await handle.db.execute(sql`delete from sla_counts`);
    await handle.db.execute(sql`delete from sla_counts_month`);
    await handle.db.execute(sql`delete from sla_compute_state`);
    const f = path.join(dir, 'hand.csv');
    // A: opened 10 Jan, resolved 5 Feb → open at the end of January, not on 10 Feb.
    // B: opened 20 Jan, never resolved → open at both. C: opened 3 Feb, resolved 12 Feb → open on
    // 10 Feb only. D: opened and resolved 15 Jan → neither. E (no team): opened 31 Jan 23:30 UTC
    // (Europe/London = UTC in winter: still the 31st) → open at both. First responses: A on 10 Jan,
    // B on 1 Feb, C on 3 Feb; D and E none.
    await writeFile(
      f,
      'id,kind,priority,team,opened_at,first_response_at,resolved_at\n' +
        'A,incident,high,Desk,2025-01-10 09:00,2025-01-10 10:00,2025-02-05 10:00\nB,incident,high,Desk,2025-01-20 09:00,2025-02-01 08:00,\n' +
        'C,service_request,normal,Desk,2025-02-03 09:00,2025-02-03 10:00,2025-02-12 10:00\nD,incident,high,Network,2025-01-15 09:00,,2025-01-15 11:00\n' +
        'E,incident,low,,2025-01-31 23:30,,\n',
    );
    await ingestTicketFile(handle.db, f, { source: 'generic', zone: 'UTC', kinds: base.kinds });
    await evaluateStaleTickets(handle.db, base, new Date('2025-02-20T12:00:00Z'));
    // End of January: Desk incidents A and B = 2; E without a team = 1; Network's D resolved the same day = 0.
    expect(sorted(await backlogByTeamAt(handle.db, '2025-01-31'))).toEqual([
      { team: '(none)', kind: 'incident', n: 1 },
      { team: 'Desk', kind: 'incident', n: 2 },
    ]);
    // 10 February: B (incident) and C (service request) for Desk; E; A resolved on the 5th.
    expect(sorted(await backlogByTeamAt(handle.db, '2025-02-10'))).toEqual([
      { team: '(none)', kind: 'incident', n: 1 },
      { team: 'Desk', kind: 'incident', n: 1 },
      { team: 'Desk', kind: 'service_request', n: 1 },
    ]);
    // Not actioned at the end of January (the month is over): of A, B and E open then, A was
    // answered on 10 Jan; B (answered 1 Feb) for Desk and E without a team remain, 1 each.
    const handMade = [
      { team: '(none)', n: 1 },
      { team: 'Desk', n: 1 },
    ];
    expect(sorted(await storedNotActioned(handle.db, zone, '2025-01'))).toEqual(handMade);
    expect(sorted(await notActionedByTeamAt(handle.db, '2025-01-31', new Date('2025-02-01T00:00:00Z'), new Date('2025-02-01T00:00:00Z')))).toEqual(handMade);
    // The earlier tickets' counts were taken back as their states were deleted with them.
    expect(await notActionedDifferences(handle.db)).toEqual([]);
  });
});
