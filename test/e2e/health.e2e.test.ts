import { describe, expect, it } from 'vitest';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { createApp } from '../../src/http/app.ts';
import { backends } from '../support/services.ts';

const config = appConfigSchema.parse({});

describe.each(backends.filter((b) => b.available))('/health on $name', (backend) => {
  it('answers ok without a key; with the database gone, 503 "degraded" and the driver\'s text only in the log', async () => {
    const handle = await backend.open();
    const logged: string[] = [];
    const app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => new Date('2026-03-02T09:00:00Z'), log: (m) => logged.push(m), auth: { mode: 'keys', publicRead: false } });
    try {
      const ok = await app.request('/health');
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ status: 'ok', database: { kind: backend.name, ok: true }, time: '2026-03-02T09:00:00.000Z' });
    } finally {
      // A real database, really unreachable: the handle is closed (on PostgreSQL the database
      // is also dropped), so the driver throws whatever it throws; nothing is mocked.
      await handle.close();
    }
    const res = await app.request('/health');
    expect(res.status).toBe(503);
    const text = await res.text();
    // The whole body, so no driver text can ride along in another field.
    expect(JSON.parse(text)).toEqual({ status: 'degraded', database: { kind: backend.name, ok: false, state: 'unreachable' }, time: '2026-03-02T09:00:00.000Z' });
    expect(logged).toHaveLength(1);
    const detail = logged[0]!.replace(/^GET \/health: database unreachable: /, '');
    expect(detail.length).toBeGreaterThan(0);
    expect(text).not.toContain(detail);
  }, 60_000);
});
