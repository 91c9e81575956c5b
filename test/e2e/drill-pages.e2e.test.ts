import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { createApp } from '../../src/http/app.ts';
import { backends } from '../support/services.ts';

// The casework fixture as in cases.e2e.test.ts: October's late cases are C1-2 (answered day 11 of
// 10) and FOI-4 (due 29 Oct, unanswered at 15 Nov); FOI-4's clock runs 2–29 Oct.
const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/cases');
const config = appConfigSchema.parse({});
const now = new Date('2025-11-15T12:00:00Z');

describe.each(backends.filter((b) => b.available))('casework drill-down pages on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  const page = async (url: string) => {
    const res = await app.request(url);
    return { status: res.status, html: await res.text() };
  };
  beforeAll(async () => {
    handle = await backend.open();
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now });
    const csv = await readFile(path.join(fixtures, 'casework.csv'), 'utf8');
    expect((await app.request('/api/v1/feeds/cases?filename=casework.csv', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv })).status).toBe(201);
  });
  afterAll(async () => handle?.close());

  it("lists October's late cases with the filter in words, each linked to its timeline page", async () => {
    const { status, html } = await page('/pages/cases?measure=late&from=2025-10&to=2025-10');
    expect(status).toBe(200);
    expect(html).toContain('<span id="filter-words">cases answered late or overdue from 2025-10-01 to 2025-10-31</span>');
    expect([...html.matchAll(/<tr data-case="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual(['C1-2', 'FOI-4']);
    expect(html).toMatch(/href="\/pages\/cases\/FOI-4\?source=[^"]+"/);
    // One a page: 2 cases, page 2 of 2 links back.
    const second = await page('/pages/cases?measure=late&from=2025-10&to=2025-10&pageSize=1&page=2');
    expect(second.html).toContain('Cases 2–2 of 2 (page 2 of 2).');
    expect(second.html).toContain('rel="prev"');
  });

  it("shows a case's clock as a page", async () => {
    const href = (await page('/pages/cases?measure=late&from=2025-10&to=2025-10')).html.match(/href="(\/pages\/cases\/FOI-4\?source=[^"]+)"/)![1]!;
    const { status, html } = await page(href.replace(/&amp;/g, '&'));
    expect(status).toBe(200);
    expect(html).toContain('Case FOI-4: its clock, step by step');
    expect(html).toContain('Due 2025-10-29');
  });

  it('gives the HTML error page for bad parameters and unknown cases, never a 500', async () => {
    for (const [url, code, st] of [
      ['/pages/cases?measure=lost', 'invalid_parameter', 400],
      ['/pages/cases?measure=late&state=open', 'invalid_parameter', 400],
      ['/pages/cases/NOPE', 'not_found', 404],
      ['/pages/cases/a%00b', 'invalid_parameter', 400],
      ['/pages/tickets/NOPE', 'not_found', 404],
      ['/pages/calls?month=2025-13', 'invalid_parameter', 400],
    ] as const) {
      const { status, html } = await page(url);
      expect(status, url).toBe(st);
      expect(html, url).toContain(`data-code="${code}"`);
    }
  });
});
