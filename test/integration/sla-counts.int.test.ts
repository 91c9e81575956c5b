/**
 * Issue 12: the stored SLA counts (sla_counts) stay equal to a recount of ticket_sla, and the
 * incremental compute (only changed tickets and states whose next check has come) leaves the same
 * ticket_sla as a full re-evaluation, after random ingests, team changes, reopenings (a resolution
 * taken back, a status history that resolves and reopens), clocks moving on and policy changes.
 * fast-check with a fixed seed, on PostgreSQL and PGlite.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestTicketHistoryFile } from '../../src/feeds/tickets/history.ts';
import { ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { evaluateStaleTickets, verifySlaCounts } from '../../src/services/sla-compute.ts';
import { attainmentCounts } from '../../src/store/sla-queries.ts';
import { backends } from '../support/services.ts';

const base = appConfigSchema.parse({});
// Two policy sets that judge reopenings differently: switching re-stamps every ticket.
const configs = [base, appConfigSchema.parse({ policies: [{ ...base.policies[0]!, reopen: 'new_cycle' }] })];
const START = Date.parse('2025-03-03T08:00:00Z');
const MIN = 60_000;
const local = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

const ticketRow = fc.record({
  id: fc.integer({ min: 0, max: 29 }),
  kind: fc.constantFrom('incident', 'service_request'),
  priority: fc.constantFrom('critical', 'high', 'normal', 'low', 'long_term'),
  vip: fc.boolean(),
  team: fc.constantFrom('Desk', 'Network', ''),
  channel: fc.constantFrom('phone', 'email', ''),
  openedMin: fc.integer({ min: 0, max: 3 * 24 * 60 }),
  resolvedAfter: fc.option(fc.integer({ min: 0, max: 3 * 24 * 60 }), { freq: 2 }),
});
const historyRow = fc.record({
  id: fc.integer({ min: 0, max: 29 }),
  atMin: fc.integer({ min: 0, max: 2 * 24 * 60 }),
  status: fc.constantFrom('In Progress', 'Awaiting User', 'Resolved', 'Reopened'),
});
const action = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('tickets' as const), rows: fc.array(ticketRow, { minLength: 1, maxLength: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('history' as const), rows: fc.array(historyRow, { minLength: 1, maxLength: 6 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('compute' as const), advanceMin: fc.integer({ min: 0, max: 24 * 60 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('policy' as const) }) },
);

describe.each(backends.filter((b) => b.available))('stored SLA counts on $name', (backend) => {
  let handle: DbHandle;
  let dir: string;
  beforeAll(async () => {
    handle = await backend.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-counts-'));
  });
  afterAll(async () => handle?.close());

  it('equal a recount of ticket_sla, and the incremental compute equals a full one, after random changes', async () => {
    let file = 0;
    let now = START;
    let policy = 0;
    let checks = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 3, maxLength: 10 }), async (actions) => {
        for (const a of actions) {
          if (a.t === 'tickets') {
            const f = path.join(dir, `t${file++}.csv`);
            const lines = a.rows.map((r) => {
              // Opened up to three days before the clock, so some are still running at the next compute.
              const opened = now - r.openedMin * MIN;
              const resolved = r.resolvedAfter === null ? '' : local(opened + r.resolvedAfter * MIN);
              return `T${r.id},${r.kind},${r.priority},${r.vip},${r.team},${r.channel},${local(opened)},${resolved}`;
            });
            await writeFile(f, `id,kind,priority,vip,team,channel,opened_at,resolved_at\n${lines.join('\n')}\n`);
            await ingestTicketFile(handle.db, f, { source: 'generic', zone: 'UTC', kinds: base.kinds });
          } else if (a.t === 'history') {
            const f = path.join(dir, `h${file++}.csv`);
            await writeFile(f, `id,at,field,value\n${a.rows.map((r) => `T${r.id},${local(now - r.atMin * MIN)},status,${r.status}`).join('\n')}\n`);
            await ingestTicketHistoryFile(handle.db, f, { source: 'generic', zone: 'UTC' });
          } else if (a.t === 'policy') {
            policy = 1 - policy;
          } else {
            now += a.advanceMin * MIN;
            await evaluateStaleTickets(handle.db, configs[policy]!, new Date(now));
            expect(await verifySlaCounts(handle.db)).toEqual([]);
            checks++;
          }
        }
        // Whatever the incremental runs skipped, a full re-evaluation at the same instant finds nothing to write.
        await evaluateStaleTickets(handle.db, configs[policy]!, new Date(now));
        await handle.db.execute(sql`delete from sla_compute_state`);
        const full = await evaluateStaleTickets(handle.db, configs[policy]!, new Date(now));
        expect(full.written).toBe(0);
        expect(await verifySlaCounts(handle.db)).toEqual([]);
      }),
      { seed: 20261201, numRuns: 8, endOnFailure: true },
    );
    expect(checks).toBeGreaterThan(10);
  });

  it('reads the figures from the counts: received, met and breached of a hand-made day', async () => {
    await handle.db.execute(sql`delete from tickets`);
    await handle.db.execute(sql`delete from sla_counts`);
    const f = path.join(dir, 'hand.csv');
    // Default policy: high, standard = 420 business minutes of the service desk (Mon–Thu 08:40–17:00,
    // Europe/London = UTC in early March). A: Tue 4 Mar 09:00 → 10:00, 60 ≤ 420 → met on the 4th.
    // B: 09:00, 420 min run out Tue 16:00 → breached on the 4th (resolved Thu 6th). C (Network):
    // 09:00, open; at 12:00 180 min counted → in progress, counted only as received.
    await writeFile(
      f,
      'id,kind,priority,team,opened_at,resolved_at\nA,incident,high,Desk,2025-03-04 09:00,2025-03-04 10:00\nB,incident,high,Desk,2025-03-04 09:00,2025-03-06 12:00\nC,incident,high,Network,2025-03-04 09:00,\n',
    );
    await ingestTicketFile(handle.db, f, { source: 'generic', zone: 'Europe/London', kinds: base.kinds });
    await handle.db.execute(sql`delete from sla_compute_state`);
    await evaluateStaleTickets(handle.db, base, new Date('2025-03-04T12:00:00Z'));
    const rows = await attainmentCounts(handle.db, { fromDay: '2025-03-01', toDay: '2025-03-31', grain: 'month', slice: {}, by: ['team'] });
    const desk = rows.find((r) => r.dims.team === 'Desk')!;
    expect(desk.counts).toEqual({ received: 2, met: 1, breached: 1, resolved: 2, noTarget: 0, resolvedWithTarget: 2, resolvedMet: 1 });
    expect(rows.find((r) => r.dims.team === 'Network')!.counts).toMatchObject({ received: 1, met: 0, breached: 0, resolved: 0 });
    expect(await verifySlaCounts(handle.db)).toEqual([]);
  });

  it('a month-grain figure over part of a month takes back the days outside it (month roll-up minus day counts)', async () => {
    // The hand-made day above: A met and resolved on the 4th, B breached on the 4th and resolved
    // on Thu 6th, C received on the 4th. March 4th alone: B's resolution (6th) is outside.
    const only4th = await attainmentCounts(handle.db, { fromDay: '2025-03-04', toDay: '2025-03-04', grain: 'month', slice: {}, by: ['team'] });
    expect(only4th.find((r) => r.dims.team === 'Desk')!.counts).toEqual({ received: 2, met: 1, breached: 1, resolved: 1, noTarget: 0, resolvedWithTarget: 1, resolvedMet: 1 });
    // From the 5th: only B's resolution on the 6th is left (resolved, with a target, not met).
    const from5th = await attainmentCounts(handle.db, { fromDay: '2025-03-05', toDay: '2025-03-31', grain: 'month', slice: {}, by: ['team'] });
    expect(from5th).toEqual([{ period: '2025-03', dims: { team: 'Desk' }, counts: { received: 0, met: 0, breached: 0, resolved: 1, noTarget: 0, resolvedWithTarget: 1, resolvedMet: 0 } }]);
    // The day grain reads the day counts: the same totals for the 4th.
    const day = await attainmentCounts(handle.db, { fromDay: '2025-03-04', toDay: '2025-03-04', grain: 'day', slice: { team: 'Desk' }, by: [] });
    expect(day.map((r) => r.counts)).toEqual([only4th.find((r) => r.dims.team === 'Desk')!.counts]);
  });
});
