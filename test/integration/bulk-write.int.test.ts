import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.ts';
import { bulkInsertAgentEvents, bulkUpsertVisits } from '../../src/store/bulk-calls.ts';
import { bulkUpsertTickets } from '../../src/store/bulk-tickets.ts';
import { batchSizes } from '../../src/feeds/ingest-csv.ts';
import type { NormalisedTicket } from '../../src/feeds/tickets/generic.ts';
import type { StoredVisit } from '../../src/store/calls.ts';
import { backends } from '../support/services.ts';

// Text that CSV, COPY's text format or JSON could each get wrong: quotes, the delimiter, line
// breaks, a backslash sequence, COPY's end marker, non-ASCII, and an empty string (not NULL).
const awkward = ['say "hi", then go', 'two\nlines\r\nhere', 'C:\\temp\\N', '\\.', 'Zoë — ☎', ''];

const ticket = (i: number, over: Partial<NormalisedTicket> = {}): NormalisedTicket => ({
  externalId: `T${i}`, kind: 'incident', priority: 'high', vip: i % 2 === 0, team: awkward[i % awkward.length]!, channel: null,
  category: awkward[(i + 1) % awkward.length]!, status: 'open', openedAt: new Date(Date.UTC(2025, 2, 30, 0, 30) + i * 60_000),
  firstResponseAt: null, resolvedAt: null, closedAt: null, satisfaction: i, extra: { [`note "${i}"`]: awkward[i % awkward.length]! }, ...over,
});

describe('batch sizes', () => {
  it('grow from 1,000 by doubling to 20,000 when none is set; a set size stays', () => {
    const next = batchSizes();
    // 1,000 · 2 · 2 · 2 · 2 = 16,000; the next doubling (32,000) is capped at 20,000.
    expect(Array.from({ length: 7 }, () => next())).toEqual([1000, 2000, 4000, 8000, 16_000, 20_000, 20_000]);
    const fixed = batchSizes(500);
    expect([fixed(), fixed()]).toEqual([500, 500]);
  });
});

for (const backend of backends) {
  describe.skipIf(!backend.available)(`bulk writes through COPY on '${backend.name}'`, () => {
    let handle: DbHandle;
    beforeAll(async () => {
      handle = await backend.open();
    }, 60_000);
    afterAll(() => handle?.close());

    it('stores awkward text, NULL and empty strings exactly; counts inserted, updated and unchanged', async () => {
      const batch = Array.from({ length: 12 }, (_, i) => ticket(i));
      // T3 twice in the batch: the last one wins and the first counts as unchanged (12 + 1 rows, 12 written).
      const withRepeat = [...batch.slice(0, 3), ticket(3, { status: 'first' }), ...batch.slice(3)];
      const first = await handle.db.transaction((tx) => bulkUpsertTickets(tx as never, 'bulk', 1, withRepeat));
      expect(first).toEqual({ inserted: 12, updated: 0, unchanged: 1 });
      const rows = (await handle.db.execute(sql`select external_id, team, category, channel, status, extra, vip, satisfaction from tickets where source = 'bulk' order by satisfaction`)) as unknown;
      const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { external_id: string; team: string; category: string; channel: string | null; status: string; extra: Record<string, string>; vip: boolean; satisfaction: number }[];
      expect(list.map((r) => r.team)).toEqual(batch.map((t) => t.team));
      expect(list.map((r) => r.category)).toEqual(batch.map((t) => t.category));
      expect(list.map((r) => r.extra)).toEqual(batch.map((t) => t.extra));
      expect(list.every((r) => r.channel === null)).toBe(true);
      expect(list[3]!.status).toBe('open');
      expect(list.map((r) => r.vip)).toEqual(batch.map((t) => t.vip));

      // Same batch again: nothing changes; then two rows changed and one new.
      expect(await handle.db.transaction((tx) => bulkUpsertTickets(tx as never, 'bulk', 2, batch))).toEqual({ inserted: 0, updated: 0, unchanged: 12 });
      const changed = [ticket(0, { status: 'closed' }), ticket(5, { team: null }), ticket(12), ticket(7)];
      expect(await handle.db.transaction((tx) => bulkUpsertTickets(tx as never, 'bulk', 3, changed))).toEqual({ inserted: 1, updated: 2, unchanged: 1 });
    });

    it('a visit never goes back to an earlier state; agent events are kept once', async () => {
      const base: StoredVisit = {
        source: 'bulk', callId: 'c1', queue: 'q "main"', arrivedAt: Date.UTC(2025, 5, 1, 9), channel: 'voice', answeredAt: Date.UTC(2025, 5, 1, 9, 1),
        endedAt: Date.UTC(2025, 5, 1, 9, 5), outcome: 'answered', waitSeconds: 60, talkSeconds: 240, holdSeconds: null, wrapSeconds: null,
        agent: 'Agent, One', transferred: false, extra: { 'k,1': 'v\n2' },
      } as StoredVisit;
      const waiting = { ...base, answeredAt: null, endedAt: null, outcome: 'waiting', talkSeconds: null, agent: null } as StoredVisit;
      expect(await handle.db.transaction((tx) => bulkUpsertVisits(tx as never, 1, [base]))).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
      // An older part of the log re-read: the ended visit stays as it is (counted unchanged).
      expect(await handle.db.transaction((tx) => bulkUpsertVisits(tx as never, 2, [waiting]))).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
      const r = (await handle.db.execute(sql`select outcome, agent, extra, extract(epoch from ended_at)::bigint * 1000 as ended from call_visits where source = 'bulk'`)) as unknown;
      const [row] = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as { outcome: string; agent: string; extra: Record<string, string>; ended: string | number }[];
      expect(row).toMatchObject({ outcome: 'answered', agent: 'Agent, One', extra: { 'k,1': 'v\n2' } });
      expect(Number(row!.ended)).toBe(base.endedAt);

      const events = [{ at: base.arrivedAt, callId: null, queue: 'q "main"', agent: 'Agent, One', event: 'PAUSE', data: 'lunch|"x"' }];
      expect(await handle.db.transaction((tx) => bulkInsertAgentEvents(tx as never, 'bulk', 1, events))).toBe(1);
      expect(await handle.db.transaction((tx) => bulkInsertAgentEvents(tx as never, 'bulk', 2, events))).toBe(0);
    });
  });
}
