import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.ts';
import type { NormalisedTicket } from '../../src/feeds/tickets/generic.ts';
import { bulkUpsertTickets } from '../../src/store/bulk-tickets.ts';
import { plainFirst } from '../../src/store/bulk-plain.ts';
import { rowsOf } from '../../src/store/sla-counts.ts';
import { backends } from '../support/services.ts';

// The straight COPY path of tickets (a batch none of whose keys is stored) against the merge
// through a staging table: the same rows stored either way, the counts of the merge, and the way
// back to the merge when a key is stored. Every count below is by hand from the batches.
const ticket = (id: string, over: Partial<NormalisedTicket> = {}): NormalisedTicket => ({
  externalId: id, kind: 'incident', priority: 'high', vip: false, team: 'desk "one", 1st', channel: null, category: '', status: 'open',
  openedAt: new Date(Date.UTC(2025, 2, 30, 0, 30)), firstResponseAt: null, resolvedAt: null, closedAt: null, satisfaction: null, extra: null, ...over,
});

// Instants as the COPY text writes them in each of its shapes: a whole minute, seconds with
// milliseconds (each of 1, 2 and 3 digits), and one before 1970 (a negative day number).
const batch = [
  ticket('b', { openedAt: new Date(Date.UTC(2025, 2, 30, 0, 30, 15, 7)), firstResponseAt: new Date(Date.UTC(2025, 2, 30, 0, 31, 0, 45)), resolvedAt: new Date(Date.UTC(2025, 2, 31, 23, 59, 59, 999)) }),
  ticket('a', { openedAt: new Date(Date.UTC(1969, 11, 31, 23, 59, 59, 999)), closedAt: new Date(Date.UTC(1970, 0, 1)), vip: true, satisfaction: 4, extra: { site: 'a\\b "c"' } }),
  ticket('c', { status: 'first copy of c' }),
  ticket('c', { status: 'last copy of c' }),
];

type Row = Record<string, unknown>;
const stored = async (db: DbHandle['db'], source: string): Promise<Row[]> =>
  rowsOf<Row>(
    await db.execute(sql`
      select external_id, kind, priority, vip, team, channel, category, status, satisfaction, extra, ingest_run_id::int as run, has_history,
        (extract(epoch from opened_at) * 1000)::bigint::text as opened, (extract(epoch from first_response_at) * 1000)::bigint::text as first_response,
        (extract(epoch from resolved_at) * 1000)::bigint::text as resolved, (extract(epoch from closed_at) * 1000)::bigint::text as closed
      from tickets where source = ${source} order by external_id`),
  );

for (const backend of backends) {
  describe.skipIf(!backend.available)(`tickets straight in with COPY on '${backend.name}'`, () => {
    let handle: DbHandle;
    beforeAll(async () => {
      handle = await backend.open();
    }, 600_000);
    afterAll(() => handle?.close());

    it('stores a new batch as the merge does, with the merge counts; ids in key order', async () => {
      const { db } = handle;
      const direct = plainFirst();
      const merged = { copy: false };
      // 4 rows, 3 keys (c twice: its last row wins, its first counts unchanged).
      expect(await db.transaction((tx) => bulkUpsertTickets(tx as never, 'direct', 7, batch, direct))).toEqual({ inserted: 3, updated: 0, unchanged: 1 });
      expect(await db.transaction((tx) => bulkUpsertTickets(tx as never, 'merged', 7, batch, merged))).toEqual({ inserted: 3, updated: 0, unchanged: 1 });
      // Both leave the run on COPY: the straight COPY went in, and the merge inserted every row of its batch.
      expect([direct.copy, merged.copy]).toEqual([true, true]);
      const a = await stored(db, 'direct');
      expect(a).toEqual(await stored(db, 'merged'));
      expect(a.map((r) => [r.external_id, r.status, r.opened])).toEqual([
        ['a', 'open', String(Date.UTC(1969, 11, 31, 23, 59, 59, 999))],
        ['b', 'open', String(Date.UTC(2025, 2, 30, 0, 30, 15, 7))],
        ['c', 'last copy of c', String(Date.UTC(2025, 2, 30, 0, 30))],
      ]);
      expect(a[0]).toMatchObject({ closed: String(Date.UTC(1970, 0, 1)), vip: true, satisfaction: 4, extra: { site: 'a\\b "c"' }, team: 'desk "one", 1st', category: '', channel: null, run: 7, has_history: false });
      expect(a[1]).toMatchObject({ first_response: String(Date.UTC(2025, 2, 30, 0, 31, 0, 45)), resolved: String(Date.UTC(2025, 2, 31, 23, 59, 59, 999)) });
      // Ids taken for the batch in one step, given in key order: a, b, c consecutive.
      const ids = rowsOf<{ id: string | number }>(await db.execute(sql`select id from tickets where source = 'direct' order by external_id`)).map((r) => Number(r.id));
      expect(ids).toEqual([ids[0], ids[0]! + 1, ids[0]! + 2]);
    });

    it('a batch meeting a stored key is merged, and the run merges on until a merge inserts every row; keys between stored ones go in', async () => {
      const { db } = handle;
      const hint = plainFirst();
      expect(await db.transaction((tx) => bulkUpsertTickets(tx as never, 'rerun', 1, [ticket('k1'), ticket('k2')], hint))).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
      // In one transaction: k1 as stored (unchanged), k2 changed (updated), k3 new (inserted); then k4, k5, both new.
      const [mixed, afterMixed, fresh, afterFresh] = await db.transaction(async (tx) => {
        const m = await bulkUpsertTickets(tx as never, 'rerun', 2, [ticket('k1'), ticket('k2', { status: 'closed' }), ticket('k3')], hint);
        const copyAfterMixed = hint.copy;
        const f = await bulkUpsertTickets(tx as never, 'rerun', 2, [ticket('k4'), ticket('k5')], hint);
        return [m, copyAfterMixed, f, hint.copy];
      });
      expect(mixed).toEqual({ inserted: 1, updated: 1, unchanged: 1 });
      // 1 of 3 rows inserted: the next batch goes to the merge first; it inserts 2 of 2, so COPY next.
      expect(afterMixed).toBe(false);
      expect(fresh).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
      expect(afterFresh).toBe(true);
      // Keys between stored ones (k0 < k1 … k3 < k35 < k4 … k5 < k6), none stored: 3 inserted.
      expect(await db.transaction((tx) => bulkUpsertTickets(tx as never, 'rerun', 3, [ticket('k6'), ticket('k35'), ticket('k0')], hint))).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
      const rows = await stored(db, 'rerun');
      expect(rows.map((r) => [r.external_id, r.status, r.run])).toEqual([
        ['k0', 'open', 3],
        ['k1', 'open', 1],
        ['k2', 'closed', 2],
        ['k3', 'open', 2],
        ['k35', 'open', 3],
        ['k4', 'open', 2],
        ['k5', 'open', 2],
        ['k6', 'open', 3],
      ]);
    });

    it("a value the database refuses fails the batch with the database's reason and keeps none of it", async () => {
      const { db } = handle;
      // 2^40 is past PostgreSQL's integer (2^31 − 1): the straight COPY is refused, then the staging COPY names why.
      const refused = await db
        .transaction((tx) => bulkUpsertTickets(tx as never, 'refused', 1, [ticket('r1'), ticket('r2', { satisfaction: 2 ** 40 })]))
        .then(() => 'stored', (e: { message?: string; cause?: { message?: string } }) => `${e.message} ${e.cause?.message ?? ''}`);
      expect(refused).toMatch(/out of range for type integer/);
      expect(await stored(db, 'refused')).toEqual([]);
      // The connection is fine after it: the batch without the bad row goes in.
      expect(await db.transaction((tx) => bulkUpsertTickets(tx as never, 'refused', 2, [ticket('r1')]))).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    });
  });
}
