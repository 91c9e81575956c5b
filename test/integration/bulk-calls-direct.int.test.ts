import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.ts';
import { bulkInsertAgentEvents, bulkUpsertVisits } from '../../src/store/bulk-calls.ts';
import { plainFirst } from '../../src/store/bulk-plain.ts';
import type { StoredVisit } from '../../src/store/calls.ts';
import { backends } from '../support/services.ts';

// The straight COPY path of call visits and agent events (a batch no row of another run can
// meet) and its way back to the merge when the database refuses the COPY: a row of the same
// run already there (a line read twice). Every count below is by hand from the batches.
const at = (min: number) => Date.UTC(2025, 5, 2, 9, min);
const visit = (id: string, min: number, over: Partial<StoredVisit> = {}): StoredVisit =>
  ({
    source: 'direct', callId: id, queue: 'sales', arrivedAt: at(min), channel: 'voice', answeredAt: null, endedAt: null, outcome: 'waiting',
    waitSeconds: null, talkSeconds: null, holdSeconds: null, wrapSeconds: null, agent: null, transferred: false, ...over,
  }) as StoredVisit;
const answered = (id: string, min: number) =>
  visit(id, min, { answeredAt: at(min) + 30_000, endedAt: at(min) + 330_000, outcome: 'answered', waitSeconds: 30, talkSeconds: 300, agent: 'Agent/1' });

const rowsOf = <T>(r: unknown) => (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`call visits and agent events straight in with COPY on '${backend.name}'`, () => {
    let handle: DbHandle;
    beforeAll(async () => {
      handle = await backend.open();
    }, 600_000);
    afterAll(() => handle?.close());

    it('a batch meeting a row of the same run is merged after all, with the counts of the merge', async () => {
      const { db } = handle;
      // c1 ended, c2 waiting: two new rows.
      expect(await db.transaction((tx) => bulkUpsertVisits(tx as never, 7, [answered('c1', 0), visit('c2', 1)]))).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
      // Same run: c1 again as it is (unchanged), c2 now ended (updated), c3 new (inserted).
      expect(await db.transaction((tx) => bulkUpsertVisits(tx as never, 7, [answered('c1', 0), answered('c2', 1), visit('c3', 2)]))).toEqual({ inserted: 1, updated: 1, unchanged: 1 });
      // In one transaction: the refused COPY's savepoint takes back only itself.
      const both = await db.transaction(async (tx) => [await bulkUpsertVisits(tx as never, 8, [visit('c4', 3)]), await bulkUpsertVisits(tx as never, 8, [visit('c4', 3), visit('c5', 4)])]);
      expect(both).toEqual([
        { inserted: 1, updated: 0, unchanged: 0 },
        { inserted: 1, updated: 0, unchanged: 1 },
      ]);
      const rows = rowsOf<{ call_id: string; outcome: string; ingest_run_id: string | number }>(
        await db.execute(sql`select call_id, outcome, ingest_run_id from call_visits where source = 'direct' order by call_id`),
      );
      expect(rows.map((r) => [r.call_id, r.outcome, Number(r.ingest_run_id)])).toEqual([
        ['c1', 'answered', 7],
        ['c2', 'answered', 7],
        ['c3', 'waiting', 7],
        ['c4', 'waiting', 8],
        ['c5', 'waiting', 8],
      ]);
    });

    it("a run's probe names the keys arrived up to its last stored arrival and checks the span after it", async () => {
      const { db } = handle;
      const v = (id: string, min: number) => visit(id, min, { source: 'span' });
      const hint = plainFirst();
      // Run 9, first batch: e1 at :10, e2 at :20, both new, straight in; the run has stored up to :20.
      expect(await db.transaction((tx) => bulkUpsertVisits(tx as never, 9, [v('e1', 10), v('e2', 20)], hint))).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
      expect(hint).toEqual({ copy: true, storedUpTo: at(20) });
      // Another run stores e3 at :15 (before :20: a key run 9's probe names) and e4 at :30 (after :20: in the span it checks).
      expect(await db.transaction((tx) => bulkUpsertVisits(tx as never, 10, [v('e3', 15), v('e4', 30)]))).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
      // Run 9: e3 as stored and e5 new at :12. The named e3 is found: merged, 1 inserted + 1 unchanged (a COPY
      // refused on PostgreSQL would have failed the transaction); the next batch merges first.
      expect(await db.transaction((tx) => bulkUpsertVisits(tx as never, 9, [v('e3', 15), v('e5', 12)], hint))).toEqual({ inserted: 1, updated: 0, unchanged: 1 });
      expect(hint).toEqual({ copy: false, storedUpTo: at(20) });
      // As after a batch that went in whole: COPY first again. e4 at :30 lies in the span after :20 (stored by run
      // 10), e6 at :40 is new: merged, 1 inserted + 1 unchanged; stored up to :40.
      hint.copy = true;
      expect(await db.transaction((tx) => bulkUpsertVisits(tx as never, 9, [v('e4', 30), v('e6', 40)], hint))).toEqual({ inserted: 1, updated: 0, unchanged: 1 });
      expect(hint).toEqual({ copy: false, storedUpTo: at(40) });
      // e7 at :16 (named, not stored) and e8 at :50 (an empty span): straight in, 2 inserted.
      hint.copy = true;
      expect(await db.transaction((tx) => bulkUpsertVisits(tx as never, 9, [v('e7', 16), v('e8', 50)], hint))).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
      expect(hint).toEqual({ copy: true, storedUpTo: at(50) });
      const rows = rowsOf<{ call_id: string; ingest_run_id: string | number }>(await db.execute(sql`select call_id, ingest_run_id from call_visits where source = 'span' order by call_id`));
      // e3 and e4 unchanged by run 9: still run 10's.
      expect(rows.map((r) => [r.call_id, Number(r.ingest_run_id)])).toEqual([
        ['e1', 9], ['e2', 9], ['e3', 10], ['e4', 10], ['e5', 9], ['e6', 9], ['e7', 9], ['e8', 9],
      ]);
    });

    it('agent events: a repeat inside a batch is kept once; a repeat from an earlier batch of the same run is skipped', async () => {
      const { db } = handle;
      const e = (min: number, event: string) => ({ at: at(min), callId: null, queue: 'sales', agent: 'Agent/1', event, data: '' });
      // PAUSE at 0 twice in the batch: 2 distinct events.
      expect(await db.transaction((tx) => bulkInsertAgentEvents(tx as never, 'direct', 7, [e(0, 'PAUSE'), e(0, 'PAUSE'), e(10, 'UNPAUSE')]))).toBe(2);
      // UNPAUSE at 10 again (skipped) and PAUSE at 20 (new): 1.
      expect(await db.transaction((tx) => bulkInsertAgentEvents(tx as never, 'direct', 7, [e(10, 'UNPAUSE'), e(20, 'PAUSE')]))).toBe(1);
      const [n] = rowsOf<{ n: number | string }>(await db.execute(sql`select count(*)::int as n from call_agent_events where source = 'direct'`));
      expect(Number(n!.n)).toBe(3);
    });
  });
}
