import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { tickets, ticketSla } from '../../db/schema.ts';
import { computeSlaJob } from '../../jobs/compute-sla.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestTicketFeedFile } from '../../src/feeds/tickets/mapped-feed.ts';
import { backends } from '../support/services.ts';

// Small exports in each tool's own shape (ServiceNow list exports write display values and
// yyyy-MM-dd HH:mm:ss in the exporting user's zone, here Europe/London; GMT in March 2025).
const incidents = `"number","opened_at","priority","state","assignment_group","contact_type","caller_id.vip","category","resolved_at","closed_at"
"INC0010001","2025-03-03 09:00:00","1 - Critical","Resolved","Network","Phone","true","Network","2025-03-03 11:00:00",""
"INC0010002","2025-03-03 09:00:00","3 - Moderate","On Hold","Server","Email","false","Hardware","",""
"INC0010003","2025-03-04 10:00:00","2 - High","Canceled","Service Desk","Self-service","false","Software","","2025-03-04 10:30:00"
"INC0010004","2025-03-04 10:00:00","5 - Planning","In Progress","Server","Phone","false","Software","",""
"INC0010005","2025-03-05 10:00:00","Urgent","New","Server","Phone","false","Software","",""
`;
const requestedItems = `"number","opened_at","priority","state","stage","assignment_group","requested_for.vip","closed_at"
"RITM0020001","2025-03-03 09:00:00","4 - Low","Closed Complete","Completed","Service Desk","false","2025-03-04 09:00:00"
"RITM0020002","2025-03-03 09:00:00","4 - Low","Work in Progress","Fulfillment","Service Desk","false",""
`;

const config = appConfigSchema.parse({});
const now = new Date('2025-03-05T12:00:00Z');

describe.each(backends.filter((b) => b.available))('ServiceNow list-export presets on $name', (backend) => {
  let handle: DbHandle;
  let dir: string;
  beforeAll(async () => {
    handle = await backend.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-presets-'));
  });
  afterAll(async () => handle?.close());

  it('servicenow-incident: display values mapped; a bad priority is quarantined with its column', async () => {
    const file = path.join(dir, 'incident.csv');
    await writeFile(file, incidents);
    const r = await ingestTicketFeedFile(handle.db, file, config, { preset: 'servicenow-incident' });
    // 5 rows: INC0010005's priority "Urgent" is not a ServiceNow choice → rejected; 4 stored.
    expect(r).toMatchObject({ status: 'succeeded', source: 'servicenow', rowsRead: 5, inserted: 4, rejected: 1 });
    const rows = await handle.db
      .select({ id: tickets.externalId, kind: tickets.kind, priority: tickets.priority, vip: tickets.vip, team: tickets.team, status: tickets.status })
      .from(tickets)
      .where(eq(tickets.source, 'servicenow'))
      .orderBy(asc(tickets.externalId));
    expect(rows).toEqual([
      { id: 'INC0010001', kind: 'incident', priority: 'critical', vip: true, team: 'Network', status: 'Resolved' },
      { id: 'INC0010002', kind: 'incident', priority: 'normal', vip: false, team: 'Server', status: 'On Hold' },
      { id: 'INC0010003', kind: 'incident', priority: 'high', vip: false, team: 'Service Desk', status: 'Cancelled' },
      { id: 'INC0010004', kind: 'incident', priority: 'long_term', vip: false, team: 'Server', status: 'In Progress' },
    ]);
  });

  it('servicenow-requested-item: requested items are service requests, closed when Closed Complete', async () => {
    const file = path.join(dir, 'ritm.csv');
    await writeFile(file, requestedItems);
    const r = await ingestTicketFeedFile(handle.db, file, config, { preset: 'servicenow-requested-item' });
    expect(r).toMatchObject({ status: 'succeeded', rowsRead: 2, inserted: 2, rejected: 0 });
    const [closed] = await handle.db.select().from(tickets).where(eq(tickets.externalId, 'RITM0020001'));
    expect(closed).toMatchObject({ kind: 'service_request', priority: 'low', status: 'Closed' });
    expect(closed!.closedAt?.toISOString()).toBe('2025-03-04T09:00:00.000Z');
  });

  it('the SLA engine reads them: VIP critical met, cancelled resolved at closing, long term without a target', async () => {
    await computeSlaJob.run({ db: handle.db, config, env: {} as never, now: () => now, log: () => {}, enqueue: async () => {} }, {});
    const states = await handle.db
      .select({ id: tickets.externalId, outcome: ticketSla.outcome, elapsedMs: ticketSla.elapsedMs })
      .from(ticketSla)
      .innerJoin(tickets, eq(tickets.id, ticketSla.ticketId))
      .orderBy(asc(tickets.externalId));
    const byId = Object.fromEntries(states.map((s) => [s.id, s]));
    // INC0010001: VIP critical 180 min; 09:00 → 11:00 = 120 → met.
    expect(byId.INC0010001).toMatchObject({ outcome: 'met', elapsedMs: 120 * 60_000 });
    // INC0010003: high 420; closed (cancelled) at 10:30 after 30 min → met.
    expect(byId.INC0010003).toMatchObject({ outcome: 'met', elapsedMs: 30 * 60_000 });
    // INC0010004: long term → no target.
    expect(byId.INC0010004!.outcome).toBe('no_target');
    // RITM0020001: low 2100; Mon 09:00 → Tue 09:00 = 480 + 20 = 500 → met.
    expect(byId.RITM0020001).toMatchObject({ outcome: 'met', elapsedMs: 500 * 60_000 });
  });
});
