/**
 * Issue 12: the team leader's open figures read the open-state counts (`sla_open_counts`, kept by
 * triggers on ticket_sla, migration 0018) and find each team's oldest open ticket by a skip scan.
 * Both must equal a direct count of the open states and the former `distinct on` query, after
 * random ingests, reopenings, team changes and computes. fast-check, on PostgreSQL and PGlite.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { evaluateStaleTickets } from '../../src/services/sla-compute.ts';
import { rowsOf } from '../../src/store/sla-counts.ts';
import { oldestOpenByTeam, openTicketsByTeam } from '../../src/store/sla-queries.ts';
import { backends } from '../support/services.ts';

const config = appConfigSchema.parse({});
const START = Date.parse('2025-03-03T08:00:00Z');
const MIN = 60_000;
const local = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const byKey = <T extends object>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();

describe.each(backends.filter((b) => b.available))('open-state counts on $name', (backend) => {
  let handle: DbHandle;
  let dir: string;
  beforeAll(async () => {
    handle = await backend.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-open-'));
  });
  afterAll(async () => handle?.close());

  /** The figures as counted from the open states themselves (the queries before the stored counts). */
  async function recount() {
    const q = async (text: ReturnType<typeof sql>) => rowsOf<Record<string, unknown>>(await handle.db.execute(text)).map((r) => ({ ...r, n: Number(r.n) }));
    return {
      openByKind: await q(sql`select coalesce(team, '(none)') as team, kind, count(*) as n from ticket_sla where resolved_at is null group by 1, 2`),
      breached: await q(sql`select coalesce(team, '(none)') as team, count(*) as n from ticket_sla where resolved_at is null and outcome = 'breached' group by 1`),
      oldest: rowsOf<{ team: string; id: string; openedAt: Date | string }>(
        await handle.db.execute(sql`
          with o as (select distinct on (team) team, ticket_id from ticket_sla where resolved_at is null order by team, opened_at, ticket_id)
          select coalesce(o.team, '(none)') as team, t.external_id as id, t.opened_at as "openedAt" from o join tickets t on t.id = o.ticket_id`),
      ).map((r) => [r.team, { id: r.id, openedAt: new Date(r.openedAt) }] as const),
    };
  }

  it('equal a count of the open states after random ingests and computes', async () => {
    const row = fc.record({
      id: fc.integer({ min: 0, max: 25 }),
      kind: fc.constantFrom('incident', 'service_request'),
      team: fc.constantFrom('Desk', 'Network', ''),
      openedMin: fc.integer({ min: 0, max: 3 * 24 * 60 }),
      resolvedAfter: fc.option(fc.integer({ min: 0, max: 3 * 24 * 60 }), { freq: 2 }),
    });
    const step = fc.oneof(
      fc.record({ t: fc.constant('tickets' as const), rows: fc.array(row, { minLength: 1, maxLength: 8 }) }),
      fc.record({ t: fc.constant('compute' as const), advanceMin: fc.integer({ min: 0, max: 24 * 60 }) }),
    );
    let now = START;
    let file = 0;
    let checks = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 8 }), async (steps) => {
        for (const s of steps) {
          if (s.t === 'tickets') {
            // A ticket re-delivered open after a resolution is reopened; another team moves it.
            const lines = s.rows.map((r) => {
              const opened = now - r.openedMin * MIN;
              return `T${r.id},${r.kind},high,${r.team},${local(opened)},${r.resolvedAfter === null ? '' : local(opened + r.resolvedAfter * MIN)}`;
            });
            const f = path.join(dir, `t${file++}.csv`);
            await writeFile(f, `id,kind,priority,team,opened_at,resolved_at\n${lines.join('\n')}\n`);
            await ingestTicketFile(handle.db, f, { source: 'generic', zone: 'UTC', kinds: config.kinds });
            continue;
          }
          now += s.advanceMin * MIN;
          await evaluateStaleTickets(handle.db, config, new Date(now));
          const stored = await openTicketsByTeam(handle.db, new Date(now));
          const expected = await recount();
          expect(byKey(stored.openByKind.map((r) => ({ team: r.team, kind: r.kind, n: Number(r.n) })))).toEqual(byKey(expected.openByKind));
          expect(byKey(stored.breached.map((r) => ({ team: r.team, n: Number(r.n) })))).toEqual(byKey(expected.breached));
          expect(await oldestOpenByTeam(handle.db)).toEqual(new Map(expected.oldest));
          checks++;
        }
      }),
      { seed: 20261202, numRuns: 10, endOnFailure: true },
    );
    expect(checks).toBeGreaterThan(10);
    // Deleting tickets takes their states (and their counts) with them.
    await handle.db.execute(sql`delete from tickets where external_id in ('T1', 'T2', 'T3')`);
    const after = await recount();
    expect(byKey((await openTicketsByTeam(handle.db, new Date(now))).openByKind.map((r) => ({ team: r.team, kind: r.kind, n: Number(r.n) })))).toEqual(byKey(after.openByKind));
  }, 300_000);

  it('counts by hand: two open Desk incidents, one resolved, one teamless request', async () => {
    await handle.db.execute(sql`delete from tickets`);
    const f = path.join(dir, 'hand.csv');
    // Tue 4 Mar 2025 (UTC = London): H1, H2 open Desk incidents (H1 older), H3 Desk resolved, H4 teamless open request.
    await writeFile(f, 'id,kind,priority,team,opened_at,resolved_at\nH1,incident,high,Desk,2025-03-04 09:00,\nH2,incident,high,Desk,2025-03-04 10:00,\nH3,incident,high,Desk,2025-03-04 09:30,2025-03-04 11:00\nH4,service_request,high,,2025-03-04 09:15,\n');
    await ingestTicketFile(handle.db, f, { source: 'generic', zone: 'Europe/London', kinds: config.kinds });
    await evaluateStaleTickets(handle.db, config, new Date('2025-03-04T12:00:00Z'));
    const open = await openTicketsByTeam(handle.db, new Date('2025-03-04T12:00:00Z'));
    expect(byKey(open.openByKind.map((r) => ({ team: r.team, kind: r.kind, n: Number(r.n) })))).toEqual(byKey([{ team: 'Desk', kind: 'incident', n: 2 }, { team: '(none)', kind: 'service_request', n: 1 }]));
    expect(open.breached).toEqual([]);
    const oldest = await oldestOpenByTeam(handle.db);
    expect([...oldest.entries()].map(([team, o]) => [team, o.id]).sort()).toEqual([['(none)', 'H4'], ['Desk', 'H1']]);
  });
});
