/**
 * Issue 13: the SLA compute reads its candidates in keyset pages that carry each ticket's stored
 * state and status history. A page boundary must not lose a ticket's stored state (the join on
 * ticket_sla is bounded by the page's start as well), and an incremental window reads only the
 * tickets changed since its start. PostgreSQL and PGlite.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestTicketHistoryFile } from '../../src/feeds/tickets/history.ts';
import { ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { evaluateStaleTickets, verifySlaCounts } from '../../src/services/sla-compute.ts';
import { slaRules } from '../../src/sla/rules.ts';
import { ticketsToEvaluate } from '../../src/store/sla.ts';
import { backends } from '../support/services.ts';

const config = appConfigSchema.parse({});
const now = new Date('2025-03-06T12:00:00Z');

describe.each(backends.filter((b) => b.available))('SLA compute pages on $name', (backend) => {
  let handle: DbHandle;
  let dir: string;
  beforeAll(async () => {
    handle = await backend.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-pages-'));
  });
  afterAll(async () => handle?.close());

  it('pages of two carry every open ticket with its stored state and history; a window reads only what changed', async () => {
    // Five tickets opened Tue 4 Mar 2025: A, C and E still open, B and D resolved; C has two status changes.
    const f = path.join(dir, 'tickets.csv');
    await writeFile(
      f,
      'id,kind,priority,team,opened_at,resolved_at\nA,incident,high,Desk,2025-03-04 09:00,\nB,incident,high,Desk,2025-03-04 09:00,2025-03-04 10:00\nC,incident,high,Desk,2025-03-04 09:00,\nD,incident,high,Desk,2025-03-04 09:00,2025-03-04 11:00\nE,incident,high,Desk,2025-03-04 09:00,\n',
    );
    await ingestTicketFile(handle.db, f, { source: 'generic', zone: 'UTC', kinds: config.kinds });
    const h = path.join(dir, 'history.csv');
    await writeFile(h, 'id,at,field,value\nC,2025-03-04 09:30,status,In Progress\nC,2025-03-04 10:00,status,Awaiting User\n');
    await ingestTicketHistoryFile(handle.db, h, { source: 'generic', zone: 'UTC' });
    const first = await evaluateStaleTickets(handle.db, config, now);
    expect(first).toMatchObject({ evaluated: 5, written: 5 });

    // Full mode again: every stored state is fresh, so only the three open tickets are stale, in pages of at most two.
    const pages = [];
    for await (const page of ticketsToEvaluate(handle.db, slaRules(config).policyStamps, 2)) pages.push(page);
    expect(pages.map((p) => p.map((t) => t.externalId))).toEqual([['A', 'C'], ['E']]);
    // Each carries its stored state (none is missing at the page boundary) and C its two changes, oldest first.
    for (const t of pages.flat()) expect(t.old?.ticketId).toBe(t.id);
    expect(pages.flat().find((t) => t.externalId === 'C')!.history.map((e) => e.value)).toEqual(['In Progress', 'Awaiting User']);

    // A window starting after every change and ending before any next check reads nothing.
    const since = new Date(Date.now() + 3_600_000);
    const none = [];
    for await (const page of ticketsToEvaluate(handle.db, [], 2, { since, now: new Date('2025-03-04T08:00:00Z') })) none.push(...page);
    expect(none).toEqual([]);
    // One ticket changed after the window's start: it alone is read.
    await handle.db.execute(sql`update tickets set updated_at = ${new Date(since.getTime() + 1000).toISOString()}::timestamptz, status = 'Resolved' where external_id = 'D'`);
    const changed = [];
    for await (const page of ticketsToEvaluate(handle.db, [], 2, { since, now: new Date('2025-03-04T08:00:00Z') })) changed.push(...page.map((t) => t.externalId));
    expect(changed).toEqual(['D']);
    expect(await verifySlaCounts(handle.db)).toEqual([]);
  });
});
