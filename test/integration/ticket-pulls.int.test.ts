import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { tickets } from '../../db/schema.ts';
import { loadAppConfig } from '../../src/config/app-config.ts';
import { ticketPullSchema } from '../../src/feeds/tickets/feed-config.ts';
import { runTicketPull } from '../../src/feeds/tickets/pull.ts';
import { getFeedCursor } from '../../src/store/ticket-feeds.ts';
import { backends } from '../support/services.ts';

const config = loadAppConfig();

/** A ServiceNow incident as the Table API returns it with sysparm_display_value=all. */
function snRecord(n: number, updated: string, state: [string, string], priority = '2') {
  const f = (value: string, display = value) => ({ value, display_value: display });
  return {
    number: f(`INC00${n}`),
    sys_id: f(`sys${String(n).padStart(3, '0')}`),
    sys_updated_on: f(updated, updated),
    sys_mod_count: f('1'),
    opened_at: f('2025-03-03 09:00:00', '03/03/2025 09:00:00'),
    resolved_at: f(state[1] === 'Resolved' ? updated : '', state[1] === 'Resolved' ? updated : ''),
    closed_at: f(''),
    priority: f(priority, `${priority} - High`),
    state: f(state[0], state[1]),
    assignment_group: f('a1b2', 'Network'),
    contact_type: f('phone', 'Phone'),
    category: f('network', 'Network'),
    'caller_id.vip': f('false'),
  };
}

/**
 * Recorded incidents, ordered as the instance orders them (sys_updated_on, then sys_id). Update
 * times repeat so that a page of 3 ends inside a run of equal times: T2 ×3 spans pages 1-2.
 */
const snData = [
  snRecord(1, '2025-03-03 09:10:00', ['2', 'In Progress']),
  snRecord(2, '2025-03-03 09:20:00', ['2', 'In Progress']),
  snRecord(3, '2025-03-03 09:20:00', ['3', 'On Hold']),
  snRecord(4, '2025-03-03 09:20:00', ['2', 'In Progress']),
  snRecord(5, '2025-03-03 09:30:00', ['6', 'Resolved']),
  snRecord(6, '2025-03-03 09:30:00', ['1', 'New']),
  snRecord(7, '2025-03-03 09:40:00', ['2', 'In Progress']),
];

type Log = { path: string; params: Record<string, string>; status: number }[];

/** A real HTTP server on loopback answering like the Table API and Jira's search over the recorded data. */
function startServer(state: { sn: ReturnType<typeof snRecord>[]; failOnce: Set<string>; log: Log; jira: { key: string; fields: Record<string, unknown> }[] }) {
  return new Promise<Server>((resolve) => {
    const server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://127.0.0.1');
      const params = Object.fromEntries(url.searchParams);
      const reply = (status: number, body: unknown) => {
        state.log.push({ path: url.pathname, params, status });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Basic ${Buffer.from('svc:secret').toString('base64')}` && req.headers.authorization !== 'Bearer jira-token') {
        return reply(401, { error: { message: 'User Not Authenticated' } });
      }
      const failKey = `${url.pathname}#${params.sysparm_offset ?? params.nextPageToken ?? ''}`;
      if (state.failOnce.delete(failKey)) return reply(503, { error: { message: 'Service Unavailable' } });
      if (url.pathname === '/api/now/table/incident') {
        const since = /sys_updated_on>=([^^]+)/.exec(params.sysparm_query ?? '')![1]!;
        const rows = state.sn
          .filter((r) => r.sys_updated_on.value >= since)
          .sort((a, b) => a.sys_updated_on.value.localeCompare(b.sys_updated_on.value) || a.sys_id.value.localeCompare(b.sys_id.value));
        const offset = Number(params.sysparm_offset ?? 0);
        return reply(200, { result: rows.slice(offset, offset + Number(params.sysparm_limit)) });
      }
      if (url.pathname === '/rest/api/3/search/jql') {
        const since = /updated >= "([^"]+)"/.exec(params.jql ?? '')![1]!;
        const rows = state.jira.filter((i) => String(i.fields.updated).slice(0, 16).replace('T', ' ') >= since);
        const start = params.nextPageToken ? Number(Buffer.from(params.nextPageToken, 'base64url').toString()) : 0;
        const max = Number(params.maxResults);
        const page = rows.slice(start, start + max);
        const more = start + max < rows.length;
        return reply(200, { issues: page, ...(more ? { nextPageToken: Buffer.from(String(start + max)).toString('base64url') } : {}), isLast: !more });
      }
      reply(404, {});
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

describe.each(backends.filter((b) => b.available))('API pulls on $name', (backend) => {
  let handle: DbHandle;
  let server: Server;
  const state = { sn: [...snData], failOnce: new Set<string>(), log: [] as Log, jira: [] as { key: string; fields: Record<string, unknown> }[] };
  let base = '';
  beforeAll(async () => {
    handle = await backend.open();
    server = await startServer(state);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    await handle?.close();
  });

  it('ServiceNow: retries a failing page, resumes after an interruption without duplicates or gaps, and picks up later updates', async () => {
    const pull = ticketPullSchema.parse({ name: 'sn', tool: 'servicenow', baseUrl: base, pageSize: 3, since: '2025-03-01T00:00:00Z', env: { user: 'SN_USER', password: 'SN_PASS' } });
    const deps = { db: handle.db, config, env: { SN_USER: 'svc', SN_PASS: 'secret' }, retryDelayMs: 5 };
    // The second page (offset 2 at T2, see below) fails once with 503.
    state.failOnce.add('/api/now/table/incident#2');

    // Run 1 stops after one page, as a crash between pages would: INC001-003 committed.
    const r1 = await runTicketPull(pull, { ...deps, maxPages: 1 });
    // Page 1 = INC001 (09:10), INC002, INC003 (09:20): cursor at 09:20 with 2 records taken there.
    expect(r1).toMatchObject({ pages: 1, records: 3, inserted: 3, done: false });
    expect(await getFeedCursor(handle.db, 'pull:sn')).toEqual({ since: '2025-03-03 09:20:00', offset: 2 });

    // Run 2 resumes: >= 09:20 offset 2 → INC004-006 (after one 503 and a retry), then offset 2 at 09:30 → INC007.
    const r2 = await runTicketPull(pull, deps);
    expect(r2).toMatchObject({ pages: 2, records: 4, inserted: 4, updated: 0, done: true });
    expect(r1.records + r2.records).toBe(7); // every record fetched exactly once across the two runs
    const ids = await handle.db.select({ id: tickets.externalId }).from(tickets).where(eq(tickets.source, 'servicenow')).orderBy(asc(tickets.externalId));
    expect(ids.map((r) => r.id)).toEqual(['INC001', 'INC002', 'INC003', 'INC004', 'INC005', 'INC006', 'INC007']);
    expect(state.log.filter((l) => l.path === '/api/now/table/incident').map((l) => [l.params.sysparm_offset, l.status])).toEqual([
      ['0', 200],
      ['2', 503],
      ['2', 200],
      ['2', 200],
    ]);
    expect(await getFeedCursor(handle.db, 'pull:sn')).toEqual({ since: '2025-03-03 09:40:00', offset: 1 });

    // INC003 is resolved at 10:00: the next pull fetches only it.
    state.sn.push(snRecord(3, '2025-03-03 10:00:00', ['6', 'Resolved']));
    const r3 = await runTicketPull(pull, deps);
    expect(r3).toMatchObject({ records: 1, inserted: 0, updated: 1 });
    const [t3] = await handle.db.select().from(tickets).where(eq(tickets.externalId, 'INC003'));
    // State 6 → "Resolved"; resolved_at stored value is UTC.
    expect({ status: t3!.status, resolvedAt: t3!.resolvedAt?.toISOString(), priority: t3!.priority, team: t3!.team }).toEqual({
      status: 'Resolved',
      resolvedAt: '2025-03-03T10:00:00.000Z',
      priority: 'high',
      team: 'Network',
    });
  });

  it('Jira: token paging resumes mid-search from the saved nextPageToken; missing credentials are named', async () => {
    const issue = (n: number, updated: string, status: string) => ({
      key: `ITSD-${n}`,
      fields: { issuetype: { name: 'Incident' }, priority: { name: 'High' }, status: { name: status }, created: '2025-03-03T09:00:00.000+0000', updated, resolutiondate: null, components: [{ name: 'Desktop' }] },
    });
    state.jira = [1, 2, 3, 4, 5].map((n) => issue(n, `2025-03-03T09:0${n}:00.000+0000`, n === 2 ? 'Waiting for customer' : 'Open'));
    const pull = ticketPullSchema.parse({ name: 'jira', tool: 'jira', baseUrl: base, pageSize: 2, jql: 'project = ITSD', since: '2025-03-01T00:00:00Z', env: { token: 'JIRA_TOKEN' } });
    await expect(runTicketPull(pull, { db: handle.db, config, env: {} })).rejects.toThrow(/JIRA_TOKEN/);
    const deps = { db: handle.db, config, env: { JIRA_TOKEN: 'jira-token' }, retryDelayMs: 5 };
    const token2 = Buffer.from('2').toString('base64url');
    state.failOnce.add(`/rest/api/3/search/jql#${Buffer.from('4').toString('base64url')}`);
    const r1 = await runTicketPull(pull, { ...deps, maxPages: 1 });
    expect(r1).toMatchObject({ records: 2, done: false });
    expect(await getFeedCursor(handle.db, 'pull:jira')).toMatchObject({ since: '2025-03-01 00:00', token: token2 });
    const r2 = await runTicketPull(pull, deps);
    // Pages 2 (ITSD-3, 4) and 3 (ITSD-5, after one 503) → 3 records; 2 + 3 = 5, none twice.
    expect(r2).toMatchObject({ records: 3, inserted: 3, done: true });
    // The search ended: since moves to the minute of the latest update (09:05 UTC).
    expect(await getFeedCursor(handle.db, 'pull:jira')).toEqual({ since: '2025-03-03 09:05', token: null, maxUpdated: null });
    const rows = await handle.db.select().from(tickets).where(eq(tickets.source, 'jira')).orderBy(asc(tickets.externalId));
    expect(rows.map((t) => [t.externalId, t.kind, t.priority, t.status, t.team])).toEqual([
      ['ITSD-1', 'incident', 'high', 'Open', 'Desktop'],
      ['ITSD-2', 'incident', 'high', 'Awaiting customer', 'Desktop'],
      ['ITSD-3', 'incident', 'high', 'Open', 'Desktop'],
      ['ITSD-4', 'incident', 'high', 'Open', 'Desktop'],
      ['ITSD-5', 'incident', 'high', 'Open', 'Desktop'],
    ]);
  });
});
