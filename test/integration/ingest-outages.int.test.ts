import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { systemSpecSchema } from '../../src/availability/config.ts';
import { ingestOutageFile } from '../../src/feeds/outages/ingest-file.ts';
import { listRejectedRows } from '../../src/store/ingest-runs.ts';
import { listOutages, listSystems, syncConfiguredSystems } from '../../src/store/availability.ts';
import { backends } from '../support/services.ts';

// Line 1 is the header. Naive times are Europe/London (GMT in March before the 30th).
const csv = `system,start,end,kind,reason,ref,extra
Email,2025-03-14 16:00,2025-03-17 09:40,unplanned,Mail store full,INC100,x
email,2025-03-04T10:00:00Z,2025-03-04T11:00:00Z,planned,Patching,CHG7,
Telephony,2025-03-10 09:00,2025-03-10 09:30,,Trunk down,INC101,
Telephony,2025-03-20 09:00,,unplanned,Still down,INC102,
,2025-03-10 09:00,2025-03-10 10:00,unplanned,no system,,
Email,yesterday,,unplanned,bad start,,
Email,2025-03-10 10:00,2025-03-10 09:00,unplanned,end before start,,
Email,2025-03-11 10:00,,sometimes,bad kind,,
Email,2025-03-12 10:00
`;
// Good: lines 2, 3, 4, 5 (4 outages; "email" matches Email). Rejected: 6 system, 7 start, 8 end, 9 kind, 10 field count.

describe.each(backends.filter((b) => b.available))('attain ingest outages on $name', (backend) => {
  let handle: DbHandle;
  let file: string;
  beforeAll(async () => {
    handle = await backend.open();
    await syncConfiguredSystems(handle.db, [systemSpecSchema.parse({ name: 'Email' })]);
    const dir = await mkdtemp(path.join(tmpdir(), 'attain-outages-'));
    file = path.join(dir, 'outages.csv');
    await writeFile(file, csv);
  });
  afterAll(async () => handle?.close());

  it('stores good rows, creates unknown systems with a warning, quarantines bad rows, and is idempotent', async () => {
    const zoneOf = () => 'Europe/London';
    const r = await ingestOutageFile(handle.db, file, { zoneOf });
    expect(r).toMatchObject({ status: 'succeeded', rowsRead: 9, inserted: 4, updated: 0, rejected: 5 });
    expect(r.warnings).toEqual(['line 4: system "Telephony" is not configured: created with calendar service-desk']);
    const rejected = await listRejectedRows(handle.db, r.runId);
    expect(rejected.map((x) => [x.line, x.field])).toEqual([
      [6, 'system'],
      [7, 'start'],
      [8, 'end'],
      [9, 'kind'],
      [10, null],
    ]);
    expect(rejected[0]!.raw).toBe(',2025-03-10 09:00,2025-03-10 10:00,unplanned,no system,,');

    const systems = await listSystems(handle.db);
    expect(systems.map((s) => [s.name, s.calendarId, s.source])).toEqual([
      ['Email', 'service-desk', 'config'],
      ['Telephony', 'service-desk', 'import'],
    ]);
    const out = await listOutages(handle.db, { from: new Date('2025-01-01'), to: new Date('2026-01-01') });
    expect(out.map((o) => [o.startAt.toISOString(), o.endAt?.toISOString() ?? null, o.kind, o.ref, o.source])).toEqual([
      ['2025-03-04T10:00:00.000Z', '2025-03-04T11:00:00.000Z', 'planned', 'CHG7', 'import'],
      ['2025-03-10T09:00:00.000Z', '2025-03-10T09:30:00.000Z', 'unplanned', 'INC101', 'import'], // empty kind = unplanned
      ['2025-03-14T16:00:00.000Z', '2025-03-17T09:40:00.000Z', 'unplanned', 'INC100', 'import'],
      ['2025-03-20T09:00:00.000Z', null, 'unplanned', 'INC102', 'import'], // empty end = still open
    ]);

    // The same file again: nothing new, nothing changed.
    const again = await ingestOutageFile(handle.db, file, { zoneOf });
    expect(again).toMatchObject({ status: 'succeeded', inserted: 0, updated: 0, unchanged: 4, rejected: 5, warnings: [] });

    // A later export closes the open outage: the row is updated, not duplicated.
    const later = path.join(path.dirname(file), 'later.csv');
    await writeFile(later, 'system,start,end,kind,reason,ref\nTelephony,2025-03-20 09:00,2025-03-20 11:00,unplanned,Restored,INC102\n');
    expect(await ingestOutageFile(handle.db, later, { zoneOf })).toMatchObject({ inserted: 0, updated: 1 });
    expect((await listOutages(handle.db, { from: new Date('2025-01-01'), to: new Date('2026-01-01') })).length).toBe(4);
  });
});
