import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { defaultMeasures } from '../../src/measures/catalogue.ts';
import { createApp } from '../../src/http/app.ts';
import { ingestMeasuresFile } from '../../src/services/measures.ts';
import { createApiKey } from '../../src/store/api-keys.ts';
import { listRejectedRows } from '../../src/store/ingest-runs.ts';
import { backends } from '../support/services.ts';

const file = path.resolve(import.meta.dirname, '../fixtures/measures/success-measures.csv');
// The default catalogue plus one supplied monthly measure (the casework ones are computed, so
// their values cannot be supplied): an FOI figure reported by another system.
const config = appConfigSchema.parse({
  measures: [
    ...defaultMeasures,
    { code: 'CX-FOI', title: '% FOI requests answered within 20 working days (case system)', unit: 'percent', direction: 'up', targets: [{ effectiveFrom: '1970-01-01', target: 0.9 }], frequency: 'monthly', category: 'Casework' },
  ],
});
const now = new Date('2025-12-02T10:00:00Z');

describe.each(backends.filter((b) => b.available))('measures from any source on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  const keys: Record<string, string> = {};
  const call = async (method: string, url: string, body?: unknown, key = keys.ingest) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key) headers.authorization = `Bearer ${key}`;
    const res = await app.request(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json()) as any };
  };
  beforeAll(async () => {
    handle = await backend.open();
    for (const role of ['viewer', 'ingest'] as const) keys[role] = (await createApiKey(handle.db, `${role} officer`, role)).secret;
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now, auth: { mode: 'keys', publicRead: true } });
  });
  afterAll(async () => handle?.close());

  it('imports supplied values and quarantines bad rows with file, line and field; a second import changes nothing', async () => {
    const r = await ingestMeasuresFile(handle.db, file, config);
    // 10 data rows: lines 2–7 good, 8–11 bad.
    expect(r).toMatchObject({ status: 'succeeded', rowsRead: 10, inserted: 6, rejected: 4 });
    const rejected = await listRejectedRows(handle.db, r.runId);
    expect(rejected.map((x) => [x.file, x.line, x.field])).toEqual([
      ['success-measures.csv', 8, 'code'], // unknown measure
      ['success-measures.csv', 9, 'period'], // a month for a quarterly measure
      ['success-measures.csv', 10, 'value'], // not a number
      ['success-measures.csv', 11, 'value'], // 150 is not a fraction 0–1
    ]);
    const again = await ingestMeasuresFile(handle.db, file, config);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 6, rejected: 4 });
  });

  it('GET values between two periods, with target, status and both directions of travel', async () => {
    const { status, body } = await call('GET', '/api/v1/measures/HR-EXIT/values?from=2025-Q2&to=2025-Q3');
    expect(status).toBe(200);
    expect(body).toMatchObject({ code: 'HR-EXIT', unit: 'percent', frequency: 'quarterly', source: 'supplied' });
    expect(body.values.map((v: any) => v.period)).toEqual(['2025-Q2', '2025-Q3']);
    const q3 = body.values[1];
    // 19 / 20 = 0.95 meets 95%: green. Against Q2 (18 / 20 = 0.90) improving; against Q3 2024 (88%) improving.
    expect(q3).toMatchObject({ value: 0.95, numerator: 19, denominator: 20, target: 0.95, status: 'green', note: 'All but one leaver offered' });
    expect(q3.shortTerm).toEqual({ period: '2025-Q2', earlier: 0.9, travel: 'improving' });
    expect(q3.longTerm).toEqual({ period: '2024-Q3', earlier: 0.88, travel: 'improving' });
    // Q2 0.90 against 95%: below 0.9025 → red.
    expect(body.values[0].status).toBe('red');
    const sick = await call('GET', '/api/v1/measures/HR-SICKNESS/values');
    // 2024: 8.6 days against 9 (lower is better): green; 9.4 → 8.6 improving; benchmark 9.9.
    expect(sick.body.values.find((v: any) => v.period === '2024')).toMatchObject({ value: 8.6, status: 'green', benchmark: 9.9, shortTerm: { travel: 'improving' } });
  });

  it('POST values: one, several, and 4xx naming the field', async () => {
    const one = await call('POST', '/api/v1/measures/HR-TRAINING/values', { period: '2025-Q3', value: '48%', note: 'two teams behind' });
    expect(one).toMatchObject({ status: 200, body: { code: 'HR-TRAINING', inserted: 1 } });
    const many = await call('POST', '/api/v1/measures/CX-FOI/values', { values: [{ period: '2025-10', numerator: 45, denominator: 50 }, { period: '2025-11', numerator: 47, denominator: 50 }] });
    expect(many.body).toMatchObject({ inserted: 2 });
    const foi = await call('GET', '/api/v1/measures/CX-FOI/values?from=2025-11-01');
    // 47 / 50 = 0.94 ≥ 0.90 green; 45 / 50 = 0.90 → 0.94 improving.
    expect(foi.body.values).toHaveLength(1);
    expect(foi.body.values[0]).toMatchObject({ period: '2025-11', value: 0.94, status: 'green', shortTerm: { earlier: 0.9, travel: 'improving' }, suppliedBy: 'api:ingest officer' });

    const badPeriod = await call('POST', '/api/v1/measures/CX-FOI/values', { period: '2025-Q4', value: 0.9 });
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.body.error).toMatchObject({ code: 'invalid_body', details: { field: 'period' } });
    const badItem = await call('POST', '/api/v1/measures/CX-FOI/values', [{ period: '2025-09', value: 0.9 }, { period: '2025-08', value: 'many' }]);
    expect(badItem.body.error.details).toEqual({ field: 'values[1].value' });
    // A computed measure takes a benchmark only.
    const computed = await call('POST', '/api/v1/measures/CW-FOI/values', { period: '2025-11', value: 0.9 });
    expect(computed.status).toBe(400);
    expect(computed.body.error.details).toEqual({ field: 'value' });
    const unknown = await call('POST', '/api/v1/measures/NOPE/values', { period: '2025-11', value: 1 });
    expect(unknown.status).toBe(404);
    const viewer = await call('POST', '/api/v1/measures/CX-FOI/values', { period: '2025-09', value: 0.9 }, keys.viewer);
    expect(viewer.status).toBe(403);
  });

  it('PUT commentary keeps every edit with who and when; a viewer may not write', async () => {
    const first = await call('PUT', '/api/v1/measures/HR-EXIT/commentary/2025-Q2', { commentary: 'Two leavers not reached', correctiveAction: 'Exit survey by email' });
    expect(first.status).toBe(200);
    const second = await call('PUT', '/api/v1/measures/HR-EXIT/commentary/2025-Q2', { commentary: 'Two leavers not reached; one declined' });
    expect(second.body.current).toEqual({ commentary: 'Two leavers not reached; one declined', correctiveAction: null, author: 'ingest officer', at: now.toISOString() });
    expect(second.body.history.map((h: any) => h.commentary)).toEqual(['Two leavers not reached; one declined', 'Two leavers not reached']);
    const read = await call('GET', '/api/v1/measures/HR-EXIT/commentary/2025-Q2');
    expect(read.body.history).toHaveLength(2);

    expect((await call('PUT', '/api/v1/measures/HR-EXIT/commentary/2025-Q2', { commentary: 'x' }, keys.viewer)).status).toBe(403);
    expect((await call('PUT', '/api/v1/measures/HR-EXIT/commentary/2025-Q2', { commentary: 'x' }, '')).status).toBe(401);
    const empty = await call('PUT', '/api/v1/measures/HR-EXIT/commentary/2025-Q2', { commentary: '  ' });
    expect(empty.body.error).toMatchObject({ code: 'invalid_body', details: { field: 'commentary' } });
    const wrongPeriod = await call('PUT', '/api/v1/measures/HR-EXIT/commentary/2025-06', { commentary: 'x' });
    expect(wrongPeriod.body.error).toMatchObject({ code: 'invalid_body', details: { field: 'period' } });
  });
});
