import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestOutageFile } from '../../src/feeds/outages/ingest-file.ts';
import { createApp } from '../../src/http/app.ts';
import { syncConfiguredSystems } from '../../src/store/availability.ts';
import { backends } from '../support/services.ts';

// service-desk calendar; March 2025: Mon–Thu 17 days × 500 + Fri 4 × 470 = 10380 core minutes.
const config = appConfigSchema.parse({
  systems: [{ name: 'Email' }, { name: 'CRM' }, { name: 'Finance', weight: 2 }, { name: 'Library', group: 'service' }],
});
const csv = `system,start,end,kind,reason,ref
Email,2025-03-14 16:00,2025-03-17 09:40,unplanned,Mail store,INC1
CRM,2025-03-04 09:00,2025-03-04 12:00,unplanned,Crash,INC2
CRM,2025-03-04 10:00,2025-03-04 11:00,planned,Emergency patch,CHG1
Finance,2025-03-03 00:00,2025-03-06 00:00,unplanned,Ledger,INC3
Telephony,2025-03-10 09:00,2025-03-10 09:30,unplanned,Trunk,INC4
`;
// Hand figures (minutes): Email down 30 (Fri) + 60 (Mon) = 90 → up 10290, 0.99133 green.
// CRM planned 60, down 120 → eligible 10320, up 10200, 0.98837 green.
// Finance down Mon–Wed 3 × 500 = 1500 → up 8880, 0.85549 red (weight 2).
// Library nothing → 10380 / 10380 = 1 green. Telephony (created by the import) down 30 → 10350, 0.99711 green.
// All: Σ up = 10290 + 10200 + 2 × 8880 + 10380 + 10350 = 58980; Σ eligible = 10380 + 10320 + 2 × 10380 + 10380 + 10380 = 62220
//      → 0.94793, amber (≥ 95% × 0.95 = 0.9025); 4 of 5 systems at or over 95%.
const now = new Date('2025-04-02T11:00:00Z');
const MIN = 60;

describe.each(backends.filter((b) => b.available))('availability and outages API on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await app.request(url, body === undefined ? { method } : { method, body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    handle = await backend.open();
    await syncConfiguredSystems(handle.db, config.systems);
    const dir = await mkdtemp(path.join(tmpdir(), 'attain-avail-'));
    await writeFile(path.join(dir, 'outages.csv'), csv);
    const run = await ingestOutageFile(handle.db, path.join(dir, 'outages.csv'), { zoneOf: () => 'Europe/London' });
    expect(run).toMatchObject({ status: 'succeeded', inserted: 5, rejected: 0 });
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now });
  });
  afterAll(async () => handle?.close());

  it("serves March's availability for every system and all systems, with status against 95%", async () => {
    const { status, body } = await call('GET', '/api/v1/availability?from=2025-03&to=2025-03');
    expect(status).toBe(200);
    const rows = Object.fromEntries(body.rows.map((r: any) => [r.system, r]));
    expect(Object.keys(rows)).toEqual(['CRM', 'Email', 'Finance', 'Library', 'Telephony']);
    expect(rows.Email).toMatchObject({ period: '2025-03', coreSeconds: 10380 * MIN, downSeconds: 90 * MIN, outages: 1, restored: 1, mttrSeconds: 90 * MIN, target: 0.95, status: 'green' });
    expect(rows.Email.availability).toBeCloseTo(10290 / 10380, 12);
    expect(rows.CRM).toMatchObject({ plannedSeconds: 60 * MIN, downSeconds: 120 * MIN, upSeconds: 10200 * MIN, status: 'green' });
    expect(rows.Finance).toMatchObject({ downSeconds: 1500 * MIN, status: 'red', weight: 2 });
    expect(rows.Library).toMatchObject({ availability: 1, coverage: 1, outages: 0, mttrSeconds: null, status: 'green' });
    expect(rows.Telephony).toMatchObject({ downSeconds: 30 * MIN, status: 'green' });
    expect(body.allSystems).toHaveLength(1);
    expect(body.allSystems[0]).toMatchObject({ period: '2025-03', systems: 5, systemsWithData: 5, systemsAtTarget: 4, target: 0.95, status: 'amber' });
    expect(body.allSystems[0].availability).toBeCloseTo(58980 / 62220, 12);
  });

  it('serves days for one system', async () => {
    const { status, body } = await call('GET', '/api/v1/availability?grain=day&from=2025-03-14&to=2025-03-17&system=email');
    expect(status).toBe(200);
    expect(body.rows.map((r: any) => [r.period, r.coreSeconds / MIN, r.downSeconds / MIN, r.status])).toEqual([
      ['2025-03-14', 470, 30, 'amber'], // 440 / 470 = 0.93617: under 0.95, at or over 0.9025
      ['2025-03-15', 0, 0, 'no_data'],
      ['2025-03-16', 0, 0, 'no_data'],
      ['2025-03-17', 500, 60, 'red'], // 440 / 500 = 0.88 < 0.9025
    ]);
  });

  it('refuses bad parameters naming the field', async () => {
    expect((await call('GET', '/api/v1/availability?grain=week')).body.error.details.field).toBe('grain');
    expect((await call('GET', '/api/v1/availability?from=2025-13')).body.error.details.field).toBe('from');
    const unknown = await call('GET', '/api/v1/availability?system=Nope');
    expect([unknown.status, unknown.body.error.details.field]).toEqual([400, 'system']);
    expect((await call('GET', '/api/v1/availability?grain=day&from=2024-01-01&to=2025-12-31')).body.error.details.field).toBe('to');
  });

  it('records, validates and closes outages by API, and availability follows', async () => {
    const bad = async (body: unknown) => {
      const r = await call('POST', '/api/v1/outages', body);
      expect(r.status).toBe(400);
      return r.body.error.details.field;
    };
    expect(await bad('{not json')).toBe('body');
    expect(await bad({ start: '2025-03-20T09:00:00Z' })).toBe('system');
    expect(await bad({ system: 'Nope', start: '2025-03-20T09:00:00Z' })).toBe('system');
    expect(await bad({ system: 'Library', start: 'tomorrow' })).toBe('start');
    expect(await bad({ system: 'Library', start: '2025-03-20T09:00:00Z', kind: 'sometimes' })).toBe('kind');
    expect(await bad({ system: 'Library', start: '2025-03-20T09:00:00Z', end: '2025-03-20T08:00:00Z' })).toBe('end');
    expect(await bad({ system: 'Library', start: '2025-03-20T09:00:00Z', colour: 'red' })).toBe('colour');

    // Opened without an end (still open), then closed at 10:00: Library down Thu 20 Mar 09:00–10:00 = 60.
    const opened = await call('POST', '/api/v1/outages', { system: 'Library', start: '2025-03-20 09:00', reason: 'Catalogue down', ref: 'INC9' });
    expect(opened.status).toBe(201);
    expect(opened.body.outage).toMatchObject({ system: 'Library', start: '2025-03-20T09:00:00.000Z', end: null, kind: 'unplanned', source: 'manual' });
    // Posting the same outage again (a retry) does not add a second one.
    expect((await call('POST', '/api/v1/outages', { system: 'Library', start: '2025-03-20T09:00:00Z' })).status).toBe(200);
    const id = opened.body.outage.id;
    expect((await call('POST', `/api/v1/outages/${id}/close`, { end: '2025-03-20T08:00:00Z' })).body.error.details.field).toBe('end');
    expect((await call('POST', '/api/v1/outages/999999/close', {})).status).toBe(404);
    const closed = await call('POST', `/api/v1/outages/${id}/close`, { end: '2025-03-20T10:00:00Z' });
    expect(closed.body.outage).toMatchObject({ end: '2025-03-20T10:00:00.000Z', ref: 'INC9' });
    const patched = await call('PATCH', `/api/v1/outages/${id}`, { ref: 'INC10' });
    expect(patched.body.outage.ref).toBe('INC10');
    expect((await call('PATCH', `/api/v1/outages/${id}`, {})).body.error.code).toBe('invalid_body');

    const { body } = await call('GET', '/api/v1/availability?from=2025-03&to=2025-03&system=Library');
    // Library: 10320 / 10380 = 0.99422; MTTR 60 min.
    expect(body.rows[0]).toMatchObject({ downSeconds: 60 * MIN, outages: 1, mttrSeconds: 60 * MIN, status: 'green' });
    expect(body.rows[0].availability).toBeCloseTo(10320 / 10380, 12);
    const list = await call('GET', '/api/v1/outages?system=Library&from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z');
    expect(list.body.outages).toHaveLength(1);
  });
});
