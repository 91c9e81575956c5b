import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { computeSlaJob } from '../../jobs/compute-sla.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ingestTicketFile } from '../../src/feeds/tickets/ingest-file.ts';
import { createApp } from '../../src/http/app.ts';
import { backends, inCI } from '../support/services.ts';

const CHROMIUM = '/usr/bin/chromium';
const zone = 'Europe/London';
const config = appConfigSchema.parse({});
// Wed 2 April 2025 12:00 BST.
const now = new Date('2025-04-02T11:00:00Z');
// T1 met yesterday, T2 open today (Network). T9's priority "urgentish" is none: rejected, and
// its date (2 April) makes it today's: today's and the month's cells carry the flag, yesterday's not.
const tickets = `id,kind,priority,team,status,opened_at,resolved_at
T1,incident,critical,Network,Resolved,2025-04-01 09:00,2025-04-01 11:00
T2,incident,critical,Network,In Progress,2025-04-02 09:00,
T9,incident,urgentish,Network,New,2025-04-02 08:50,
`;
const sentence = '1 row of the tickets feed for this period was rejected and is not counted.';

const backend = backends.find((b) => b.name === 'pglite')!;
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && inCI) throw new Error(`${CHROMIUM} is missing (CI=true: .ci/run installs Debian's chromium)`);
if (!haveChromium) console.warn(`SKIPPING browser tests: ${CHROMIUM} is missing (apt-get install -y chromium)`);

describe.skipIf(!haveChromium)('data-quality flags on the team leader page (chromium, PGlite)', () => {
  let handle: DbHandle;
  let server: ServerType;
  let base: string;
  let context: BrowserContext;
  let dir: string;

  beforeAll(async () => {
    handle = await backend.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-quality-pages-'));
    await writeFile(path.join(dir, 'tickets.csv'), tickets);
    expect(await ingestTicketFile(handle.db, path.join(dir, 'tickets.csv'), { source: 'generic', zone, kinds: config.kinds })).toMatchObject({ status: 'succeeded', inserted: 2, rejected: 1 });
    await computeSlaJob.run({ db: handle.db, config, env: {} as never, now: () => now, log: () => {}, enqueue: async () => {} }, {});
    const app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now, auth: { mode: 'keys', publicRead: true }, log: () => {} });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
  });
  afterAll(async () => {
    await context?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    await handle?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("shows the flag icon and sentence on the tiles whose period holds the rejected row", async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const res = await page.goto(`${base}/pages/team-leader`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    const cell = (period: string) => page.locator(`#attainment td[data-team="Network"][data-period="${period}"]`);
    const today = cell('today').locator('.quality-flag');
    await expect(today.isVisible()).resolves.toBe(true);
    expect(await today.getAttribute('data-flags')).toBe('rejected_rows');
    expect((await today.innerText()).trim()).toBe(`⚠ ${sentence}`);
    expect(await today.locator('[role="img"]').getAttribute('aria-label')).toBe('Data-quality warning');
    expect(await cell('month').locator('.quality-flag').innerText()).toContain(sentence);
    // Yesterday (1 April) holds no rejected row: no flag.
    expect(await cell('yesterday').locator('.quality-flag').count()).toBe(0);
    const shots = path.join(tmpdir(), 'attain-screenshots');
    await mkdir(shots, { recursive: true });
    await page.locator('#attainment').screenshot({ path: path.join(shots, 'quality-flag-team-leader.png') });
    expect(existsSync(path.join(shots, 'quality-flag-team-leader.png'))).toBe(true);
    expect(errors).toEqual([]);
  });
});
