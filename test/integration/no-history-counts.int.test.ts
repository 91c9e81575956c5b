/**
 * Issue 12: the `no_history` flag's evidence comes from stored day counts (migration 0018,
 * src/store/quality.ts) and must equal what the anti-join of every ticket against
 * `ticket_history` gave before, whichever comes first, tickets or their history, for a zone
 * counted before the data arrived and one counted after. On PostgreSQL and PGlite.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { addDays, localToUtc, parseDayKey } from '../../src/calendar/zone.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestTicketHistoryFile } from '../../src/feeds/tickets/history.ts';
import { ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { ticketsWithoutHistory } from '../../src/store/quality.ts';
import { rowsOf } from '../../src/store/sla-counts.ts';
import { backends } from '../support/services.ts';

const kinds = appConfigSchema.parse({}).kinds;
const dayStart = (zone: string, day: string) => {
  const [y, m, d] = parseDayKey(day)!;
  return new Date(localToUtc(zone, y, m, d, 0)).toISOString();
};

/** The evidence as it was read before the stored counts (the query of commit 6b07a8a), for comparison. */
async function antiJoin(handle: DbHandle, zone: string, fromDay: string, toDay: string) {
  const rows = rowsOf<{ day: string; n: number }>(
    await handle.db.execute(sql`
      select to_char(t.opened_at at time zone ${zone}, 'YYYY-MM-DD') as day, count(*)::int as n
      from tickets t
      where t.opened_at >= ${dayStart(zone, fromDay)} and t.opened_at < ${dayStart(zone, addDays(toDay, 1))}
        and exists (select 1 from ticket_history h where h.source = t.source)
        and not exists (select 1 from ticket_history h where h.source = t.source and h.external_id = t.external_id)
      group by 1`),
  );
  return rows.map((r) => ({ day: r.day, n: Number(r.n) })).sort((a, b) => a.day.localeCompare(b.day));
}
const stored = async (handle: DbHandle, zone: string, fromDay: string, toDay: string) =>
  (await ticketsWithoutHistory(handle.db, zone, fromDay, toDay)).sort((a, b) => a.day.localeCompare(b.day));

describe.each(backends.filter((b) => b.available))('no-history day counts on $name', (backend) => {
  let handle: DbHandle;
  let dir: string;
  let file = 0;
  beforeAll(async () => {
    handle = await backend.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-nohist-'));
  });
  afterAll(async () => handle?.close());

  const tickets = async (source: string, lines: string[]) => {
    const f = path.join(dir, `t${file++}.csv`);
    await writeFile(f, `id,kind,priority,opened_at\n${lines.join('\n')}\n`);
    await ingestTicketFile(handle.db, f, { source, zone: 'UTC', kinds });
  };
  const history = async (source: string, lines: string[]) => {
    const f = path.join(dir, `h${file++}.csv`);
    await writeFile(f, `id,at,field,value\n${lines.join('\n')}\n`);
    await ingestTicketHistoryFile(handle.db, f, { source, zone: 'UTC' });
  };

  it('counts by hand: tickets first, then history; history first, then tickets; a ticket moved to another day', async () => {
    // London is counted from the start (empty), so the triggers keep it; UTC only at the end (built from the tickets).
    expect(await stored(handle, 'Europe/London', '2025-03-01', '2025-04-30')).toEqual([]);
    // Source a, tickets first. A1 Mon 3 Mar 09:00Z, A2 3 Mar 23:30Z, A3 Sun 30 Mar 23:30Z = Mon 31 Mar 00:30 BST.
    await tickets('a', ['A1,incident,high,2025-03-03 09:00', 'A2,incident,high,2025-03-03 23:30', 'A3,incident,high,2025-03-30 23:30']);
    // No history from source a yet: a desk without a history feed is not flagged.
    expect(await stored(handle, 'Europe/London', '2025-03-01', '2025-04-30')).toEqual([]);
    await history('a', ['A1,2025-03-03 10:00,status,In Progress']);
    // A2 (3 Mar) and A3 (31 Mar London) have none.
    expect(await stored(handle, 'Europe/London', '2025-03-01', '2025-04-30')).toEqual([{ day: '2025-03-03', n: 1 }, { day: '2025-03-31', n: 1 }]);
    // Source b, history first: B1's history, then B1 and B2 (Tue 4 Mar 12:00Z). Only B2 lacks history.
    await history('b', ['B1,2025-03-04 13:00,status,In Progress']);
    await tickets('b', ['B1,incident,high,2025-03-04 12:00', 'B2,incident,high,2025-03-04 12:00']);
    expect(await stored(handle, 'Europe/London', '2025-03-01', '2025-04-30')).toEqual([{ day: '2025-03-03', n: 1 }, { day: '2025-03-04', n: 1 }, { day: '2025-03-31', n: 1 }]);
    // A3 re-delivered opened 1 Apr 10:00Z: it leaves 31 Mar for 1 Apr. A2's history arrives: 3 Mar empties.
    await tickets('a', ['A3,incident,high,2025-04-01 10:00']);
    await history('a', ['A2,2025-03-04 08:00,status,Resolved']);
    expect(await stored(handle, 'Europe/London', '2025-03-01', '2025-04-30')).toEqual([{ day: '2025-03-04', n: 1 }, { day: '2025-04-01', n: 1 }]);
    // A range of one day, and UTC counted now from the stored tickets: A3 Apr 1, B2 Mar 4.
    expect(await stored(handle, 'Europe/London', '2025-04-01', '2025-04-01')).toEqual([{ day: '2025-04-01', n: 1 }]);
    expect(await stored(handle, 'UTC', '2025-03-01', '2025-04-30')).toEqual([{ day: '2025-03-04', n: 1 }, { day: '2025-04-01', n: 1 }]);
    for (const zone of ['Europe/London', 'UTC']) expect(await stored(handle, zone, '2025-03-01', '2025-04-30')).toEqual(await antiJoin(handle, zone, '2025-03-01', '2025-04-30'));
  });

  it('marks, in one statement of three sources, only the inserted tickets whose history came first (migration 0024)', async () => {
    await handle.db.execute(sql`delete from tickets`);
    await handle.db.execute(sql`delete from ticket_history`);
    // History first: p has P0 and P9 (outside the keys inserted below, P2..P6) and P3 (inside their
    // range, not inserted) and P5 (inserted); q only Q9 (outside Q1..Q2); r has R1 (the one key inserted).
    await handle.db.execute(sql`
      insert into ticket_history (source, external_id, at, field, value)
      select k.source, k.id, timestamptz '2025-05-06 08:00Z', 'status', 'In Progress'
      from (values ('p', 'P0'), ('p', 'P3'), ('p', 'P5'), ('p', 'P9'), ('q', 'Q9'), ('r', 'R1')) k(source, id)`);
    await handle.db.execute(sql`
      insert into tickets (source, external_id, kind, priority, opened_at)
      select k.source, k.id, 'incident', 'high', timestamptz '2025-05-06 09:00Z'
      from (values ('p', 'P2'), ('p', 'P4'), ('p', 'P5'), ('p', 'P6'), ('q', 'Q1'), ('q', 'Q2'), ('r', 'R1')) k(source, id)`);
    const marked = rowsOf<{ source: string; id: string }>(
      await handle.db.execute(sql`select source, external_id as id from tickets where has_history order by 1, 2`),
    );
    // P5 and R1 have their own history; P2, P4, P6 (history around them, not theirs), Q1 and Q2 do not.
    expect(marked).toEqual([{ source: 'p', id: 'P5' }, { source: 'r', id: 'R1' }]);
    // Tue 6 May 2025 10:00 in London: the five without history, all three sources delivering history.
    expect(await stored(handle, 'Europe/London', '2025-05-06', '2025-05-06')).toEqual([{ day: '2025-05-06', n: 5 }]);
    expect(await stored(handle, 'Europe/London', '2025-05-06', '2025-05-06')).toEqual(await antiJoin(handle, 'Europe/London', '2025-05-06', '2025-05-06'));
  });

  it('equals the anti-join after random ingests of tickets and histories in either order', async () => {
    await handle.db.execute(sql`delete from tickets`);
    await handle.db.execute(sql`delete from ticket_history`);
    const step = fc.record({
      what: fc.constantFrom('tickets' as const, 'history' as const),
      source: fc.constantFrom('s1', 's2'),
      rows: fc.array(fc.record({ id: fc.integer({ min: 0, max: 20 }), hour: fc.integer({ min: 0, max: 24 * 20 }) }), { minLength: 1, maxLength: 6 }),
    });
    let zoneRound = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 8 }), async (steps) => {
        // A new zone each run: counted from what is stored by then, then kept by the triggers.
        const late = ['America/St_Johns', 'Asia/Kolkata', 'Australia/Adelaide', 'Pacific/Chatham'][zoneRound++ % 4]!;
        for (const s of steps) {
          // Around the London clock change of 30 March 2025, some within an hour of midnight.
          const at = (h: number) => new Date(Date.parse('2025-03-20T00:00:00Z') + h * 3_600_000 + (h % 3) * 1_200_000).toISOString().slice(0, 16).replace('T', ' ');
          if (s.what === 'tickets') await tickets(s.source, s.rows.map((r) => `X${r.id},incident,high,${at(r.hour)}`));
          else await history(s.source, s.rows.map((r) => `X${r.id},${at(r.hour)},status,In Progress`));
          for (const zone of ['Europe/London', late]) {
            expect(await stored(handle, zone, '2025-03-18', '2025-04-12')).toEqual(await antiJoin(handle, zone, '2025-03-18', '2025-04-12'));
          }
        }
      }),
      { seed: 20261202, numRuns: 12, endOnFailure: true },
    );
  }, 300_000);
});
