import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { inCI } from './services.ts';

/** The browser tests' shared setup: Debian's chromium driven by playwright-core against the app on a loopback port. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether chromium is there. Outside CI a missing browser skips the suite with a loud message; in
 * CI (CI=true) it is a failure, never a silent skip.
 */
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && inCI) throw new Error(`${CHROMIUM} is missing (CI=true: .ci/run installs Debian's chromium)`);
if (!haveChromium) console.warn(`SKIPPING browser tests: ${CHROMIUM} is missing (apt-get install -y chromium)`);

/** Serves a Hono app's fetch on 127.0.0.1 at a free port. */
export async function serveApp(fetch: (req: Request) => Response | Promise<Response>): Promise<{ base: string; close: () => Promise<void> }> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** A headless chromium with its profile under `dir` (quiet: no background network, no sync). */
export function launchBrowser(dir: string, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
  });
}

/**
 * Opens `url` (relative to `base`) expecting 200 and collecting console errors and uncaught
 * exceptions (and, with `failedResponses`, every answer of 400 or more the page fetched).
 */
export async function openPage(context: BrowserContext, base: string, url: string, opts: { failedResponses?: boolean; status?: number } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  if (opts.failedResponses) {
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
  }
  const res = await page.goto(`${base}${url}`, { waitUntil: 'load' });
  expect(res?.status(), url).toBe(opts.status ?? 200);
  return { page, errors };
}
