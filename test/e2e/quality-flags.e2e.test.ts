import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { computeCalls } from '../../jobs/compute-calls.ts';
import { computeSlaJob } from '../../jobs/compute-sla.ts';
import { callsRules } from '../../src/calls/rules.ts';
import { ingestCallFile } from '../../src/feeds/calls/ingest-file.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestTicketHistoryFile } from '../../src/feeds/tickets/history.ts';
import { ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { createApp } from '../../src/http/app.ts';
import { insertProbeRuns, listSystems, syncConfiguredSystems } from '../../src/store/availability.ts';
import { getIngestRun } from '../../src/store/ingest-runs.ts';
import { backends } from '../support/services.ts';

const zone = 'Europe/London';
const config = appConfigSchema.parse({
  systems: [{ name: 'Web', probe: { tcp: { host: '127.0.0.1', port: 9 } }, intervalSeconds: 60 }],
});
// March 2025 (GMT). T3's priority "urgentish" is no priority: that row is rejected; its date
// (4 March) puts it in March. The corrected file spells it "high".
const header = 'id,kind,priority,team,status,opened_at,resolved_at\n';
const good = 'T1,incident,normal,Network,Resolved,2025-03-03 09:00,2025-03-03 10:00\nT2,incident,normal,Network,Resolved,2025-03-03 11:00,2025-03-03 12:00\n';
const bad = `${header}${good}T3,incident,urgentish,Network,Resolved,2025-03-04 09:00,2025-03-04 10:00\n`;
const corrected = `${header}${good}T3,incident,high,Network,Resolved,2025-03-04 09:00,2025-03-04 10:00\n`;
const H = 3_600_000;

describe.each(backends.filter((b) => b.available))('data-quality flags through the API on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  let dir: string;
  let now = new Date('2025-04-02T11:00:00Z');
  const get = async (url: string) => {
    const res = await app.request(url);
    return { status: res.status, body: (await res.json()) as any };
  };
  const ingest = async (text: string) => {
    await writeFile(path.join(dir, 'tickets.csv'), text);
    return ingestTicketFile(handle.db, path.join(dir, 'tickets.csv'), { source: 'generic', zone, kinds: config.kinds });
  };
  const compute = () => computeSlaJob.run({ db: handle.db, config, env: {} as never, now: () => now, log: () => {}, enqueue: async () => {} }, {});

  beforeAll(async () => {
    handle = await backend.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-quality-'));
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now });
  });
  afterAll(async () => handle?.close());

  it('flags March figures while a tickets row of March sits in quarantine, and clears the flag when the corrected file is re-ingested', async () => {
    expect(await ingest(bad)).toMatchObject({ status: 'succeeded', inserted: 2, rejected: 1 });
    await compute();
    const march = await get('/api/v1/sla/attainment?from=2025-02&to=2025-03');
    expect(march.status).toBe(200);
    const [feb, mar] = march.body.rows;
    // One rejected row (T3, dated 4 March): March only; February has no flag.
    expect(feb.flags).toEqual([]);
    expect(mar).toMatchObject({ period: '2025-03', met: 2, breached: 0 });
    expect(mar.flags).toEqual([{ code: 'rejected_rows', feed: 'tickets', count: 1, message: '1 row of the tickets feed for this period was rejected and is not counted.' }]);
    // The day grain: only 4 March carries it.
    const days = await get('/api/v1/sla/attainment?grain=day&from=2025-03-03&to=2025-03-04');
    expect(days.body.rows.map((r: any) => [r.period, r.flags.map((f: any) => f.code)])).toEqual([['2025-03-03', []], ['2025-03-04', ['rejected_rows']]]);

    expect(await ingest(corrected)).toMatchObject({ status: 'succeeded', inserted: 1, rejected: 0 });
    await compute();
    const after = await get('/api/v1/sla/attainment?from=2025-03&to=2025-03');
    // T1, T2 met; T3 high (420 min), resolved in 60 → met: 3 met, no flag.
    expect(after.body.rows[0]).toMatchObject({ met: 3, breached: 0, flags: [] });
  });

  it('flags tickets without status history once the source delivers history for some', async () => {
    await writeFile(path.join(dir, 'history.csv'), 'id,at,field,value\nT1,2025-03-03 09:00,status,New\nT1,2025-03-03 10:00,status,Resolved\n');
    expect(await ingestTicketHistoryFile(handle.db, path.join(dir, 'history.csv'), { source: 'generic', zone })).toMatchObject({ status: 'succeeded', rejected: 0 });
    // T2 (3 March) and T3 (4 March) have no history: 2 in March, 1 on 4 March.
    const march = await get('/api/v1/sla/attainment?from=2025-03&to=2025-03');
    expect(march.body.rows[0].flags).toEqual([{ code: 'no_history', feed: 'ticket-history', count: 2, message: '2 tickets opened in this period have no status history: pauses are not counted for them.' }]);
    const day = await get('/api/v1/sla/attainment?grain=day&from=2025-03-04&to=2025-03-04');
    expect(day.body.rows[0].flags.map((f: any) => [f.code, f.count])).toEqual([['no_history', 1]]);
  });

  it('flags the tickets feed stale on the day and month to date when it has been silent over 24 hours', async () => {
    // An open ticket gives the team leader's day a Network row.
    await writeFile(path.join(dir, 'open.csv'), `${header}T4,incident,low,Network,Assigned,2025-03-10 09:00,\n`);
    const ingested = await ingestTicketFile(handle.db, path.join(dir, 'open.csv'), { source: 'generic', zone, kinds: config.kinds });
    expect(ingested).toMatchObject({ inserted: 1 });
    await compute();
    const last = await getIngestRun(handle.db, ingested.runId);
    const delivered = last!.finishedAt!.getTime();
    // 25 h after the last delivery, cadence 24 h (1440 min): stale for 25 hours.
    now = new Date(delivered + 25 * H);
    const today = await get('/api/v1/sla/today');
    expect(today.status).toBe(200);
    const team = today.body.teams.find((t: any) => t.team === 'Network');
    const stale = { code: 'stale_feed', feed: 'tickets', count: 25, message: 'The tickets feed has not delivered for 25 hours (expected every 24 h): recent data may be missing.' };
    expect(team.today.flags).toContainEqual(stale);
    expect(team.monthToDate.flags).toContainEqual(stale);
    // March 2025 ended long before the last delivery: nothing of it can be missing.
    expect((await get('/api/v1/sla/attainment?from=2025-03&to=2025-03')).body.rows[0].flags.map((f: any) => f.code)).toEqual(['no_history']);
    // 23 h after it: not stale.
    // The month of now, from the attainment API: the same flag.
    const month = now.toISOString().slice(0, 7);
    expect((await get(`/api/v1/sla/attainment?from=${month}&to=${month}`)).body.rows[0].flags).toContainEqual(stale);
    now = new Date(delivered + 23 * H);
    const fresh = await get('/api/v1/sla/today');
    expect(fresh.body.teams.find((t: any) => t.team === 'Network').today.flags.map((f: any) => f.code)).not.toContain('stale_feed');
    now = new Date('2025-04-02T11:00:00Z');
  });

  it('flags calls answered before they arrived (clock skew) and talk-only AHT on the calls KPIs', async () => {
    // Mon 2 June 2025 (BST). C2 is answered 3 s before it arrived: within calls.clockSkewSeconds
    // (5 s), read as answered on arrival, with a warning. No hold or wrap columns: both handled
    // calls (C1, C2) are talk-only.
    await writeFile(
      path.join(dir, 'calls.csv'),
      'call_id,queue,arrived_at,answered_at,ended_at,outcome,wait_seconds,talk_seconds\n' +
        'C1,sales,2025-06-02 09:05:00,2025-06-02 09:05:30,2025-06-02 09:08:50,answered,30,200\n' +
        'C2,sales,2025-06-02 09:10:00,2025-06-02 09:09:57,2025-06-02 09:12:00,answered,,120\n',
    );
    const run = await ingestCallFile(handle.db, path.join(dir, 'calls.csv'), 'csv', { source: 'asterisk', zone, clockSkewSeconds: 5 });
    expect(run).toMatchObject({ status: 'succeeded', inserted: 2, rejected: 0 });
    await computeCalls(handle.db, callsRules(config), now);
    const res = await get('/api/v1/calls/kpis?grain=day&from=2025-06-02&to=2025-06-03');
    expect(res.status).toBe(200);
    const [mon, tue] = res.body.rows;
    expect(mon).toMatchObject({ period: '2025-06-02', handled: 2, handledTalkOnly: 2 });
    expect(mon.flags).toEqual([
      { code: 'clock_skew', feed: 'calls', count: 1, message: "1 call answered before it arrived (two systems' clocks) was read as answered on arrival." },
      { code: 'aht_talk_only', feed: 'calls', count: 2, message: 'AHT is talk-only for 2 handled calls (the feed gave no hold or wrap time).' },
    ]);
    // 3 June: no calls, no run touched it.
    expect(tue.flags).toEqual([]);
  });

  it("carries the calls flags of today on the supervisor's now (calls/now todaySoFar)", async () => {
    // The run above touched Mon 2 June 2025 only. At 16:00 BST that day: C2's skew correction
    // (1 call) and both handled calls talk-only (C1, C2: no hold or wrap columns).
    now = new Date('2025-06-02T15:00:00Z');
    const res = await get('/api/v1/calls/now');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ today: '2025-06-02', todaySoFar: { offered: 2, answered: 2 } });
    expect(res.body.todaySoFar.flags).toEqual([
      { code: 'clock_skew', feed: 'calls', count: 1, message: "1 call answered before it arrived (two systems' clocks) was read as answered on arrival." },
      { code: 'aht_talk_only', feed: 'calls', count: 2, message: 'AHT is talk-only for 2 handled calls (the feed gave no hold or wrap time).' },
    ]);
    // The next day: no calls, no run touched it, the feed delivered after "now": no flag.
    now = new Date('2025-06-03T15:00:00Z');
    expect((await get('/api/v1/calls/now')).body.todaySoFar.flags).toEqual([]);
    now = new Date('2025-04-02T11:00:00Z');
  });

  it('flags availability below 100% coverage with its unknown minutes', async () => {
    await syncConfiguredSystems(handle.db, config.systems);
    const web = (await listSystems(handle.db)).find((s) => s.name === 'Web')!;
    // Mon 3 Mar 2025 (GMT), core 08:40–17:00 = 500 min. Samples every minute 09:00–10:00, then
    // from 10:30 on: the 10:00 sample vouches to 10:01, so 10:01–10:30 = 29 min unknown.
    // Before 09:00 (the first sample) is judged on outage records: known. Coverage (500 − 29) / 500 = 94.2%.
    const at = (t: string) => Date.parse(`2025-03-03T${t}:00Z`);
    await insertProbeRuns(handle.db, web.id, [
      { from: at('09:00'), to: at('10:00'), ok: true, count: 61 },
      { from: at('10:30'), to: Date.parse('2025-03-05T17:00:00Z'), ok: true, count: 3271 },
    ]);
    const res = await get('/api/v1/availability?grain=day&from=2025-03-03&to=2025-03-04&system=Web');
    expect(res.status).toBe(200);
    const [mon, tue] = res.body.rows;
    expect(mon).toMatchObject({ period: '2025-03-03', system: 'Web', unknownSeconds: 29 * 60 });
    expect(mon.coverage).toBeCloseTo(471 / 500, 12);
    expect(mon.flags).toEqual([{ code: 'unknown_time', feed: null, count: 29, message: 'Coverage 94.2%: 29 minutes of core time had no evidence (unknown) and are left out.' }]);
    expect(tue.flags).toEqual([]);
  });
});
