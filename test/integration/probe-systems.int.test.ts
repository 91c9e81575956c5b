import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { probeSystemsJob } from '../../jobs/probe-systems.ts';
import { systemSpecSchema } from '../../src/availability/config.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { latestProbeRuns, listOutages, listSystems, syncConfiguredSystems } from '../../src/store/availability.ts';
import { backends } from '../support/services.ts';

// Real servers on loopback only; the DNS failure uses the reserved .invalid TLD (RFC 2606).
const HOST = '127.0.0.1';

/** An HTTP or TCP server that the test stops and starts again on the same port. */
function restartable(make: () => net.Server | http.Server) {
  let server = make();
  let port = 0;
  return {
    get port() {
      return port;
    },
    async start() {
      server = make();
      await new Promise<void>((resolve) => server.listen(port, HOST, resolve));
      port = (server.address() as AddressInfo).port;
    },
    async stop() {
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sockets = new Set<net.Socket>();
// Whether a Web and a Slow request were ever in flight at the same time (probes concurrent), an
// event the servers see themselves: no clock involved.
let slowRequests = 0;
let slowInFlight = 0;
let webInFlight = 0;
let overlapped = false;
const slowArrived: (() => void)[] = [];
// Answers a request once the Slow server has received as many requests as Web has (one per tick):
// probed one after another, Web before Slow would wait out its timeout; Slow before Web would
// leave no overlap.
let webRequests = 0;
const web = restartable(() =>
  http.createServer((_req, res) => {
    const n = ++webRequests;
    webInFlight++;
    if (slowInFlight > 0) overlapped = true;
    res.on('close', () => webInFlight--);
    const answer = () => res.end('ok');
    if (slowRequests >= n) answer();
    else slowArrived.push(answer);
  }),
);
const tcp = restartable(() =>
  net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  }),
);
// Answers after 5 s: far beyond the probes' timeouts.
const slowTimers = new Set<NodeJS.Timeout>();
const slow = restartable(() =>
  http.createServer((_req, res) => {
    slowRequests++;
    slowInFlight++;
    if (webInFlight > 0) overlapped = true;
    res.on('close', () => slowInFlight--);
    for (const answer of slowArrived.splice(0)) answer();
    const t = setTimeout(() => res.end('late'), 5000);
    slowTimers.add(t);
  }),
);
let closedPort = 0;

const config = appConfigSchema.parse({});
const MIN = 60_000;
const t0 = Date.parse('2025-03-05T10:00:00Z');
const tick = (k: number) => new Date(t0 + k * MIN);

describe.each(backends.filter((b) => b.available))('probe-systems job on $name', (backend) => {
  let handle: DbHandle;
  const run = async (k: number) => {
    const result = (await probeSystemsJob.run({ db: handle.db, config, env: {} as never, now: () => tick(k), log: () => {}, enqueue: async () => {} }, {})) as {
      probed: number;
      results: Array<{ system: string; ok: boolean; detail: string; change: string | null }>;
    };
    return { ...result, by: Object.fromEntries(result.results.map((r) => [r.system, r])) };
  };

  beforeAll(async () => {
    await Promise.all([web.start(), tcp.start(), slow.start()]);
    const spare = net.createServer();
    await new Promise<void>((r) => spare.listen(0, HOST, r));
    closedPort = (spare.address() as AddressInfo).port;
    await new Promise<void>((r) => spare.close(() => r()));
    handle = await backend.open();
    const specs = [
      { name: 'Web', probe: { http: `http://${HOST}:${web.port}/`, timeoutMs: 800 } },
      { name: 'Database', probe: { tcp: { host: HOST, port: tcp.port }, timeoutMs: 800 } },
      { name: 'Slow', probe: { http: `http://${HOST}:${slow.port}/`, timeoutMs: 800 } },
      { name: 'Slow TCP', probe: { tcp: { host: HOST, port: slow.port }, timeoutMs: 800 } },
      { name: 'Bad name', probe: { http: 'http://attain-probe-test.invalid/', timeoutMs: 800 } },
      { name: 'Bad TCP name', probe: { tcp: { host: 'attain-probe-test.invalid', port: 80 }, timeoutMs: 800 } },
      { name: 'Refused', probe: { tcp: { host: HOST, port: closedPort }, timeoutMs: 800 } },
      { name: 'No probe' },
    ].map((s) => systemSpecSchema.parse(s));
    await syncConfiguredSystems(handle.db, specs);
  });
  afterAll(async () => {
    for (const t of slowTimers) clearTimeout(t);
    for (const s of sockets) s.destroy();
    await Promise.allSettled([web.stop(), tcp.stop(), slow.stop()]);
    await handle?.close();
  });

  it('opens and closes outages at the right samples, and no probe stalls another', async () => {
    const ids = Object.fromEntries((await listSystems(handle.db)).map((s) => [s.name, s.id]));

    // t0: Web and Database answer; the slow server, the .invalid names and the closed port fail.
    const r0 = await run(0);
    expect(r0.probed).toBe(7); // "No probe" has none
    expect([r0.by.Web!.ok, r0.by.Database!.ok, r0.by['Slow TCP']!.ok]).toEqual([true, true, true]); // TCP connect to the slow server succeeds
    expect(r0.by.Slow).toMatchObject({ ok: false, detail: 'no answer within 800 ms' });
    expect(r0.by['Bad name']!.ok).toBe(false);
    expect(r0.by['Bad TCP name']!.detail).toMatch(/DNS lookup failed|no answer/);
    expect(r0.by.Refused).toMatchObject({ ok: false, detail: 'connection refused (ECONNREFUSED)' });
    // Concurrent: Web's request was answered while Slow's was still held (see the servers above).
    expect(overlapped).toBe(true);

    // t1: Web and Database stop. One failure each: not yet an outage (2 needed).
    await Promise.all([web.stop(), tcp.stop()]);
    const r1 = await run(1);
    expect([r1.by.Web!.ok, r1.by.Database!.ok, r1.by.Web!.change]).toEqual([false, false, null]);
    // Second failure of Slow, Bad name, Refused: their outages open from their first failure, t0.
    expect(r1.by.Slow!.change).toBe('opened');

    // t2: second failure → outages open from t1, the first failure.
    const r2 = await run(2);
    expect([r2.by.Web!.change, r2.by.Database!.change]).toEqual(['opened', 'opened']);

    // t3: Web is back: its outage closes at t3, the first success. Database still down.
    await web.start();
    const r3 = await run(3);
    expect([r3.by.Web!.ok, r3.by.Web!.change, r3.by.Database!.change]).toEqual([true, 'closed', null]);

    // t4: Database is back.
    await tcp.start();
    const r4 = await run(4);
    expect(r4.by.Database!.change).toBe('closed');

    const out = await listOutages(handle.db, { from: tick(-60), to: tick(60) });
    const byName = (name: string) => out.filter((o) => o.systemId === ids[name]).map((o) => [o.source, o.kind, o.startAt.getTime(), o.endAt?.getTime() ?? null]);
    expect(byName('Web')).toEqual([['probe', 'unplanned', tick(1).getTime(), tick(3).getTime()]]);
    expect(byName('Database')).toEqual([['probe', 'unplanned', tick(1).getTime(), tick(4).getTime()]]);
    for (const name of ['Slow', 'Bad name', 'Bad TCP name', 'Refused']) expect(byName(name)).toEqual([['probe', 'unplanned', tick(0).getTime(), null]]);
    expect(byName('Slow TCP')).toEqual([]);

    // Five samples of Web stored as three runs: ok (t0), failing (t1, t2), ok (t3, t4).
    expect(await latestProbeRuns(handle.db, ids.Web!, 10)).toEqual([
      { from: tick(0).getTime(), to: tick(0).getTime(), ok: true, count: 1 },
      { from: tick(1).getTime(), to: tick(2).getTime(), ok: false, count: 2 },
      { from: tick(3).getTime(), to: tick(4).getTime(), ok: true, count: 2 },
    ]);

    // 30 s later nothing is due (interval 60 s).
    const early = await probeSystemsJob.run(
      { db: handle.db, config, env: {} as never, now: () => new Date(t0 + 4.5 * MIN), log: () => {}, enqueue: async () => {} },
      {},
    );
    expect((early as { probed: number }).probed).toBe(0);
  });
});
