/**
 * Issue 12, item 4: the request-path queries of the SLA and calls stores are served by indexes.
 * A PostgreSQL database is seeded set-based (bench/serve-seed.ts: 60,000 tickets over 12 months,
 * 200,000 call visits over 30 days) and ANALYZEd; every query the store runs for a page or an
 * endpoint is captured and EXPLAINed: none may read `tickets`, `ticket_sla`, `call_visits` or
 * `call_interval_counts` with a sequential scan. PostgreSQL only: the plans are PostgreSQL's (PGlite has no statistics
 * worth the name at this size), and sequential scans are not disabled.
 */
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, DbHandle } from '../../db/client.ts';
import * as schema from '../../db/schema.ts';
import { seedTickets, seedVisits } from '../../bench/serve-seed.ts';
import { intervalCountThresholds, intervalCountsBetween } from '../../src/store/call-intervals.ts';
import { callQueues, waitingVisits, visitsArrivedBetween } from '../../src/store/calls.ts';
import { backlogByTeamAt, notActionedByTeamAt, satisfactionByMonth, ticketsByChannelAndMonth } from '../../src/store/reports.ts';
import { flagEvidence, ticketsWithoutHistory } from '../../src/store/quality.ts';
import { attainmentCounts, listSlaTickets, oldestOpenByTeam, openTicketsByTeam } from '../../src/store/sla-queries.ts';
import { backends } from '../support/services.ts';

const pg = backends.find((b) => b.name === 'postgres')!;
const END = new Date('2025-06-30T16:00:00Z');
// ticket_history too: the no-history flag evidence must not read it whole either.
const FORBIDDEN = new Set(['tickets', 'ticket_sla', 'call_visits', 'call_interval_counts', 'ticket_history']);

type Plan = { 'Node Type': string; 'Relation Name'?: string; Plans?: Plan[] };
const seqScans = (p: Plan): string[] => [
  ...(p['Node Type'] === 'Seq Scan' && p['Relation Name'] && FORBIDDEN.has(p['Relation Name']) ? [p['Relation Name']] : []),
  ...(p.Plans ?? []).flatMap(seqScans),
];

describe.runIf(pg.available)('request-path query plans on a seeded PostgreSQL', () => {
  let handle: DbHandle;
  let client: postgres.Sql;
  let db: Db;
  const captured: { query: string; params: unknown[] }[] = [];
  const prepared = new Set<string>();

  beforeAll(async () => {
    handle = await pg.open();
    const url = (handle.location.replace('postgres://', 'postgres://postgres@'));
    client = postgres(url, { max: 2, onnotice: () => {} });
    // Which statements go as prepared statements (src/store/prepared.ts): their generic plans are checked too.
    const unsafe = client.unsafe.bind(client);
    const recording = new Proxy(client, {
      get: (target, key) => (key === 'unsafe' ? (q: string, p?: never[], o?: { prepare?: boolean }) => (o?.prepare && prepared.add(q), unsafe(q, p, o)) : Reflect.get(target, key)),
    });
    db = drizzle(recording, { schema, logger: { logQuery: (query, params) => void captured.push({ query, params }) } }) as unknown as Db;
    await seedTickets(handle.db, 60_000, END);
    await seedVisits(handle.db, 200_000, END);
    // Per-ticket state written set-based (the plans, not the figures, are under test): outcomes
    // spread over met, breached, in progress and no target, days from the ticket's instants.
    await handle.db.execute(sql`
      insert into ticket_sla (ticket_id, policy_version, calendar_id, opened_at, resolved_at, target_minutes, elapsed_ms, outcome, due_at, breached_at, outcome_at,
        ever_breached, reopen_count, opened_day, resolved_day, outcome_day, ticket_updated_at, evaluated_at, kind, priority, vip, team, channel, next_check_at)
      select t.id, 'bench', 'service-desk', t.opened_at, t.resolved_at, 480, 0,
        case when t.resolved_at is null then 'in_progress' when t.id % 7 = 0 then 'breached' when t.id % 13 = 0 then 'no_target' else 'met' end,
        t.opened_at + interval '1 day', case when t.id % 7 = 0 then t.opened_at + interval '1 day' end,
        case when t.id % 7 = 0 then t.opened_at + interval '1 day' when t.resolved_at is not null and t.id % 13 <> 0 then t.resolved_at end,
        t.id % 7 = 0, 0, (t.opened_at at time zone 'Europe/London')::date, (t.resolved_at at time zone 'Europe/London')::date,
        case when t.id % 7 = 0 then ((t.opened_at + interval '1 day') at time zone 'Europe/London')::date when t.resolved_at is not null and t.id % 13 <> 0 then (t.resolved_at at time zone 'Europe/London')::date end,
        date_trunc('milliseconds', t.updated_at), now(), t.kind, t.priority, t.vip, t.team, t.channel,
        case when t.resolved_at is null then t.opened_at + interval '1 day' end
      from tickets t`);
    // The zone's no-history day counts are built once, on first use (a scan of tickets, not a request's work).
    await ticketsWithoutHistory(handle.db, 'Europe/London', '2024-07-01', '2025-06-30');
    await handle.db.execute(sql`analyze`);
  }, 300_000);
  afterAll(async () => {
    await client?.end();
    await handle?.close();
  });

  it('reads no ticket, SLA state or call visit table with a sequential scan', async () => {
    const riskBy = new Date(END.getTime() + 3_600_000);
    await attainmentCounts(db, { fromDay: '2024-07-01', toDay: '2025-06-30', grain: 'month', slice: {}, by: ['team'] });
    await listSlaTickets(db, { measure: 'breached', fromDay: '2025-05-01', toDay: '2025-05-31', slice: { team: 'Team 07' }, limit: 50, offset: 0 });
    await listSlaTickets(db, { measure: 'met', fromDay: '2025-06-01', toDay: '2025-06-30', slice: { team: 'Team 03', kind: 'incident' }, limit: 50, offset: 0 });
    await listSlaTickets(db, { open: true, outcomes: ['in_progress'], dueBy: riskBy, slice: { team: 'Team 01' }, limit: 50, offset: 0 });
    await openTicketsByTeam(db, riskBy);
    await oldestOpenByTeam(db);
    // The data-quality flag evidence (src/services/quality.ts): every kind in one statement, as a
    // report reads it (all feeds, skew runs and tickets without history).
    await ticketsWithoutHistory(db, 'Europe/London', '2024-07-01', '2025-06-30');
    await flagEvidence(db, {
      feeds: ['tickets', 'ticket-history', 'calls', 'emails', 'outages', 'cases'],
      since: new Date('2024-06-30T00:00:00Z'),
      skewFeeds: ['calls', 'emails'],
      noHistory: { zone: 'Europe/London', fromDay: '2024-07-01', toDay: '2025-06-30' },
    });
    await waitingVisits(db, { arrivedAfter: new Date(END.getTime() - 12 * 3_600_000) });
    for await (const page of visitsArrivedBetween(db, new Date('2025-06-30T00:00:00Z'), END)) expect(page.length).toBeGreaterThan(0);
    await callQueues(db);
    // The monthly report's backlog, not actioned, satisfaction and channel shift, at a month's end
    // (the instant May ends in Europe/London) and at the seed's last instant (a month in progress).
    const mayEnds = new Date('2025-05-31T23:00:00Z');
    await backlogByTeamAt(db, '2025-05-31');
    await notActionedByTeamAt(db, '2025-05-31', mayEnds, mayEnds);
    await notActionedByTeamAt(db, '2025-06-30', new Date('2025-06-30T23:00:00Z'), END);
    await satisfactionByMonth(db, '2024-05', '2025-05');
    await ticketsByChannelAndMonth(db, '2024-06', '2025-05');
    // Today's call figures and a day by interval: the stored quarter hours, then the visits of the
    // interval in progress (a 15-minute range of call_visits).
    await intervalCountThresholds(db);
    expect((await intervalCountsBetween(db, new Date('2025-06-30T00:00:00Z'), new Date('2025-06-30T15:45:00Z'))).length).toBeGreaterThan(0);
    expect((await intervalCountsBetween(db, new Date('2025-06-30T00:00:00Z'), new Date('2025-07-01T00:00:00Z'), { queue: 'Queue 3' })).length).toBeGreaterThan(0);
    for await (const page of visitsArrivedBetween(db, new Date('2025-06-30T15:45:00Z'), END, { queue: 'Queue 3' })) expect(page.length).toBeGreaterThan(0);
    expect(captured.length).toBeGreaterThanOrEqual(24);
    const found: string[] = [];
    // `set local` (a read's own settings, src/store/serial-plan.ts) is not a query to EXPLAIN.
    for (const { query, params } of captured.filter((c) => !/^\s*set\s/i.test(c.query))) {
      const [row] = await client.unsafe(`explain (format json) ${query}`, params as never[]);
      const plan = (row!['QUERY PLAN'] as { Plan: Plan }[])[0]!.Plan;
      for (const table of seqScans(plan)) found.push(`${table}: ${query.slice(0, 160)}`);
    }
    // A prepared statement (src/store/prepared.ts) may run PostgreSQL's generic plan, made without
    // the parameters' values, from its sixth execution on: that plan must not scan them either.
    expect(prepared.size).toBeGreaterThanOrEqual(8);
    const generic = await client.reserve();
    await generic.unsafe('set plan_cache_mode = force_generic_plan');
    for (const { query, params } of captured.filter((c) => c.params.length > 0 && prepared.has(c.query))) {
      await generic.unsafe(`prepare generic_plan as ${query}`);
      const [row] = await generic.unsafe(`explain (format json) execute generic_plan(${params.map(() => 'null').join(', ')})`);
      await generic.unsafe('deallocate generic_plan');
      const plan = (row!['QUERY PLAN'] as { Plan: Plan }[])[0]!.Plan;
      for (const table of seqScans(plan)) found.push(`${table} (generic plan): ${query.slice(0, 160)}`);
    }
    generic.release();
    expect(found).toEqual([]);
  });
});
