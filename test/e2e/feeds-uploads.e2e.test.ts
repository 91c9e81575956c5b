import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { createApp } from '../../src/http/app.ts';
import { backends } from '../support/services.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const config = appConfigSchema.parse({});

describe.each(backends.filter((b) => b.available))('call and outage uploads on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    handle = await backend.open();
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => new Date('2025-06-03T12:00:00Z') });
  });
  afterAll(async () => handle?.close());

  const post = async (url: string, body: string) => {
    const res = await app.request(url, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('POST /api/v1/feeds/calls ingests the calls CSV through the feed path and computes the day', async () => {
    const csv = await readFile(path.join(fixtures, 'calls', 'generic-calls.csv'), 'utf8');
    const r = await post('/api/v1/feeds/calls?format=csv&filename=calls.csv', csv);
    // 11 rows: 6 visits stored, 5 refused (lines 7–11; see test/integration/ingest-calls.int.test.ts).
    expect(r.status).toBe(201);
    expect(r.body.run).toMatchObject({ feed: 'calls', file: 'calls.csv', rowsRead: 11, inserted: 6, rejected: 5 });
    expect(r.body.compute).toMatchObject({ queued: false, callDays: 1 });
    const rejected = (await (await app.request(`/api/v1/feeds/runs/${r.body.run.id}/rejected`)).json()) as any;
    expect(rejected.rejected.map((x: any) => x.line)).toEqual([7, 8, 9, 10, 11]);
    // The day's figures: G1, G2, G3, G4, G5 (waiting), G11 arrived on 2 June → 6 offered.
    const kpis = (await (await app.request('/api/v1/calls/kpis?grain=day&from=2025-06-02&to=2025-06-02')).json()) as any;
    expect(kpis.rows[0]).toMatchObject({ period: '2025-06-02', offered: 6 });
  });

  it('POST /api/v1/feeds/outages ingests outage records, creating an unknown system and refusing a bad row', async () => {
    const csv = 'system,start,end,kind,reason,ref\nTelephony,2025-06-02 09:00,2025-06-02 10:30,unplanned,Carrier fault,INC9\nTelephony,yesterday,,unplanned,,\n';
    const r = await post('/api/v1/feeds/outages?filename=outages.csv', csv);
    expect(r.status).toBe(201);
    expect(r.body.run).toMatchObject({ feed: 'outages', rowsRead: 2, inserted: 1, rejected: 1 });
    expect(r.body.run.warnings.join(' ')).toContain('Telephony');
    const list = (await (await app.request('/api/v1/outages?system=Telephony&from=2025-06-01T00:00:00Z&to=2025-06-30T00:00:00Z')).json()) as any;
    expect(JSON.stringify(list)).toContain('Carrier fault');
  });

  it('refuses an unknown call format with a 400 naming the field', async () => {
    const r = await post('/api/v1/feeds/calls?format=wav', 'x');
    expect(r.status).toBe(400);
    expect(r.body.error.details.field).toBe('format');
  });
});
