/**
 * Two SLA computes writing the same brand-new tickets at once (the scheduled job and an upload's
 * own compute) must count each ticket once: the stored counts equal a recount of ticket_sla.
 * Before the batch lock, the second batch moved the counts from "no old state" while the first
 * batch's uncommitted states were invisible to it, then overwrote them: every ticket twice.
 *
 * The interleaving is forced, not hoped for: batch A is written and held open; compute B is
 * started and the test waits until PostgreSQL shows it waiting on a lock; then A commits.
 * PostgreSQL only for the forced interleaving (PGlite has one connection, so two transactions
 * never overlap there); both databases for two computes started together.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { ticketSla } from '../../db/schema.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { evaluateStaleTickets, verifySlaCounts } from '../../src/services/sla-compute.ts';
import { rowsOf, writeSlaBatch } from '../../src/store/sla-counts.ts';
import { backends } from '../support/services.ts';

const config = appConfigSchema.parse({});
const now = new Date('2025-03-07T12:00:00Z');

/** 20 tickets opened on 3 March 2025 from 08:00, one an hour; every other one resolved 90 minutes after opening. */
async function ingestTwenty(db: DbHandle['db']) {
  const dir = await mkdtemp(path.join(tmpdir(), 'attain-concurrent-'));
  const file = path.join(dir, 'tickets.csv');
  const local = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  const start = Date.parse('2025-03-03T08:00:00Z');
  const lines = Array.from({ length: 20 }, (_, i) => {
    const opened = start + i * 3_600_000;
    return `C${i},incident,${['critical', 'high', 'normal', 'low'][i % 4]},false,Desk,phone,${local(opened)},${i % 2 ? local(opened + 90 * 60_000) : ''}`;
  });
  await writeFile(file, `id,kind,priority,vip,team,channel,opened_at,resolved_at\n${lines.join('\n')}\n`);
  await ingestTicketFile(db, file, { source: 'generic', zone: 'UTC', kinds: config.kinds });
}

async function receivedTotal(db: DbHandle['db']): Promise<number> {
  const [row] = rowsOf<{ n: string | number | null }>(await db.execute(sql`select sum(received) as n from sla_counts`));
  return Number(row?.n ?? 0);
}

/** Forget every computed state and count, as before the first compute (the tickets stay). */
async function forgetStates(db: DbHandle['db']) {
  await db.execute(sql`delete from ticket_sla`);
  await db.execute(sql`delete from sla_counts`);
  await db.execute(sql`delete from sla_compute_state`);
}

describe.each(backends.filter((b) => b.available && b.name === 'postgres'))('a compute racing another on new tickets, on $name', (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(async () => handle?.close());

  it('counts each ticket once when its batch waits for the other to commit', async () => {
    await ingestTwenty(handle.db);
    await evaluateStaleTickets(handle.db, config, now);
    const states = await handle.db.select().from(ticketSla);
    expect(states).toHaveLength(20);
    await forgetStates(handle.db);
    expect(await receivedTotal(handle.db)).toBe(0);

    // A: the same 20 states written and held uncommitted.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let written!: () => void;
    const aWritten = new Promise<void>((r) => (written = r));
    const a = handle.db.transaction(async (tx) => {
      await writeSlaBatch(tx as unknown as DbHandle['db'], states);
      written();
      await held;
    });
    await aWritten;

    // B: a full compute of the same tickets; it finds no committed state and must wait for A.
    const b = evaluateStaleTickets(handle.db, config, now);
    // Polled from PostgreSQL's own view, with no time limit of its own: B cannot finish before A
    // commits (its upsert meets A's uncommitted rows even without the batch lock), so it waits
    // sooner or later, however loaded the machine; the test's timeout bounds a hang.
    for (;;) {
      const [w] = rowsOf<{ n: string | number }>(
        await handle.db.execute(sql`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`),
      );
      if (Number(w!.n) > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    release();
    await a;
    await b;

    // 20 tickets, each received once on its opening day.
    expect(await receivedTotal(handle.db)).toBe(20);
    expect(await verifySlaCounts(handle.db)).toEqual([]);
  });
});

describe.each(backends.filter((b) => b.available))('two computes started together on new tickets, on $name', (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(async () => handle?.close());

  it('leave the counts equal to a recount', async () => {
    await ingestTwenty(handle.db);
    await Promise.all([evaluateStaleTickets(handle.db, config, now), evaluateStaleTickets(handle.db, config, now)]);
    expect(await receivedTotal(handle.db)).toBe(20);
    expect(await verifySlaCounts(handle.db)).toEqual([]);
  });
});
