import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { createApp } from '../../src/http/app.ts';
import { syncConfiguredSystems } from '../../src/store/availability.ts';
import { backends } from '../support/services.ts';

describe.each(backends.filter((b) => b.available))('the printable report under its CSP on $name', (backend) => {
  let handle: DbHandle;
  // A system name that would run as script if the page pasted it in unescaped.
  const config = appConfigSchema.parse({ systems: [{ name: 'Library <script>alert(1)</script>' }] });
  beforeAll(async () => {
    handle = await backend.open();
    await syncConfiguredSystems(handle.db, config.systems);
  });
  afterAll(async () => handle?.close());

  it("allows exactly the report's inline scripts by hash, never 'unsafe-inline'", async () => {
    const app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => new Date('2025-12-05T12:00:00Z'), log: () => {} });
    const res = await app.request('/api/v1/reports/monthly/2025-11.html');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    const scriptSrc = /script-src ([^;]*)/.exec(csp)![1]!.split(' ');
    expect(scriptSrc.some((s) => s.includes('unsafe'))).toBe(false);
    const html = await res.text();
    // Every script that runs (not the JSON data block) hashes to a source the CSP lists; two of them: Chart.js and the report's own.
    const run = [...html.matchAll(/<script>([^]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`);
    expect(run).toHaveLength(2);
    expect(scriptSrc.sort()).toEqual([...run].sort());
    // The name is text in the table (escaped by hono/jsx) and in the chart data (`<` as \u003c).
    expect(html).toContain('<th scope="row">Library &lt;script&gt;alert(1)&lt;/script&gt;</th>');
    expect(html).toContain('"systems":["Library \\u003cscript>alert(1)\\u003c/script>"]');
  });
});
