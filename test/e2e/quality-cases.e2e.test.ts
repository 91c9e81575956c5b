import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { createApp } from '../../src/http/app.ts';
import { backends } from '../support/services.ts';

const config = appConfigSchema.parse({});
const now = new Date('2025-11-15T12:00:00Z');
// Q1 FOI received Wed 1 Oct 2025, answered Fri 10 Oct (day 8 of 20): met, October. Q2's kind
// "parking" is no kind: rejected; its date (2 October) puts it in October.
const csv = 'id,kind,received_at,responded_at\nQ1,foi,2025-10-01 10:00,2025-10-10 10:00\nQ2,parking,2025-10-02 10:00,\n';
const sentence = '1 row of the cases feed for this period was rejected and is not counted.';

describe.each(backends.filter((b) => b.available))('data-quality flags on the casework drill-down on $name', (backend) => {
  let handle: DbHandle;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    handle = await backend.open();
    app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now });
  });
  afterAll(async () => handle?.close());

  it("shows the cases feed's flag on the list behind October's figure, and none on September's", async () => {
    const up = await app.request('/api/v1/feeds/cases?filename=quality.csv', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(up.status).toBe(201);
    expect(((await up.json()) as any).run).toMatchObject({ inserted: 1, rejected: 1 });

    const october = await app.request('/pages/cases?measure=met&from=2025-10&to=2025-10');
    expect(october.status).toBe(200);
    const html = await october.text();
    expect(html).toContain('data-case="Q1"');
    expect(html).toMatch(/<small class="quality-flag" data-flags="rejected_rows"/);
    expect(html).toContain(`<span data-flag="rejected_rows" data-count="1" style="display:block"><span role="img" aria-label="Data-quality warning">⚠</span> ${sentence}</span>`);

    const september = await (await app.request('/pages/cases?measure=met&from=2025-09&to=2025-09')).text();
    expect(september).not.toContain('quality-flag');
    // A list of a state now (no figure, no period) carries no flag.
    expect(await (await app.request('/pages/cases?state=open')).text()).not.toContain('quality-flag');
  });
});
