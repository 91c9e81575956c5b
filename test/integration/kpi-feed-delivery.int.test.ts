import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import type { JobContext } from '../../jobs/context.ts';
import { deliverKpiFeedJob } from '../../jobs/deliver-kpi-feed.ts';
import { kpiFeedJob } from '../../jobs/kpi-feed.ts';
import { createInlineRunner } from '../../jobs/runners/inline.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import type { Env } from '../../src/config/env.ts';
import { verifySignature } from '../../src/reports/kpi-feed.ts';
import { kpiDeliveriesOf } from '../../src/store/kpi-feed.ts';
import { backends } from '../support/services.ts';

const config = appConfigSchema.parse({});
const secret = 'test-secret-0123456789';

describe.each(backends.filter((b) => b.available))('KPI feed job and webhook delivery on $name', (backend) => {
  let handle: DbHandle;
  let server: Server;
  let url: string;
  const received: { body: string; signature: string | undefined; answered: number }[] = [];

  beforeAll(async () => {
    handle = await backend.open();
    // A receiver on loopback that fails twice, then accepts.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answered = received.length < 2 ? 503 : 200;
        received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: req.headers['x-attain-signature'] as string | undefined, answered });
        res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered === 200 ? 'ok' : 'busy');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kpi`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await handle?.close();
  });

  function runnerAt(now: Date, dataDir: string) {
    const env: Env = { port: 0, dataDir, publicRead: true, kpiWebhookUrl: url, kpiWebhookSecret: secret };
    // Small backoff so three attempts take milliseconds.
    const catalog = new Map([kpiFeedJob, { ...deliverKpiFeedJob, backoffMs: 10 }].map((j) => [j.name, j as never]));
    return createInlineRunner((enqueue): JobContext => ({ db: handle.db, config, env, now: () => now, log: () => {}, enqueue }), { catalog });
  }

  it('does nothing on a day that is not the first working day of the month', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'attain-kpi-'));
    // Tue 2 Dec 2025 06:00 GMT: the first working day of December was Mon 1 Dec.
    const runner = runnerAt(new Date('2025-12-02T06:00:00Z'), dataDir);
    await runner.enqueue('kpi-feed', 'kpi-feed-2025-12-02T0600', {});
    await runner.close();
    await expect(readdir(path.join(dataDir, 'outbox'))).rejects.toThrow();
    expect(received).toHaveLength(0);
  });

  it("on the first working day builds last month's feed into the outbox and delivers it once, signed, after two failures", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'attain-kpi-'));
    // Mon 1 Dec 2025 06:00 GMT: builds November.
    const runner = runnerAt(new Date('2025-12-01T06:00:00Z'), dataDir);
    // The signature's timestamp is the real sending instant: it falls between these two readings.
    const before = Math.floor(Date.now() / 1000);
    await runner.enqueue('kpi-feed', 'kpi-feed-2025-12-01T0600', {});
    await runner.drain();
    await runner.close();
    const after = Math.ceil(Date.now() / 1000);

    const files = (await readdir(path.join(dataDir, 'outbox'))).sort();
    expect(files).toEqual(['kpi-feed-2025-11-r1.csv', 'kpi-feed-2025-11-r1.json']); // no temporary files left
    const outboxDoc = JSON.parse(await readFile(path.join(dataDir, 'outbox', 'kpi-feed-2025-11-r1.json'), 'utf8'));
    expect(outboxDoc).toMatchObject({ period: '2025-11', revision: 1 });

    // Three requests: 503, 503, 200 — exactly one successful delivery.
    expect(received.map((r) => r.answered)).toEqual([503, 503, 200]);
    const ok = received[2]!;
    expect(JSON.parse(ok.body)).toEqual(outboxDoc);
    // t=<unix>,v1=<HMAC-SHA256 of "t.body">, computed here independently of src/.
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(ok.signature ?? '') ?? [];
    expect(Number(t)).toBeGreaterThanOrEqual(before);
    expect(Number(t)).toBeLessThanOrEqual(after);
    const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${ok.body}`).digest('hex'));
    expect(timingSafeEqual(Buffer.from(v1!), expected)).toBe(true);
    // The receiver's check documented in the README accepts it now, and refuses it as a replay
    // 301 s later or with another body.
    expect(verifySignature(secret, ok.signature!, ok.body, Number(t))).toEqual({ ok: true });
    expect(verifySignature(secret, ok.signature!, ok.body, Number(t) + 301)).toMatchObject({ ok: false, reason: expect.stringContaining('replay') });
    expect(verifySignature(secret, ok.signature!, ok.body + ' ', Number(t))).toEqual({ ok: false, reason: 'signature does not match the body' });

    const log = await kpiDeliveriesOf(handle.db, '2025-11', 1);
    expect(log.map((d) => [d.attempt, d.httpStatus, d.ok])).toEqual([
      [1, 503, false],
      [2, 503, false],
      [3, 200, true],
    ]);
    expect(log.every((d) => d.url === url)).toBe(true);

    // Run again (forced, same content): no new revision, and a delivered revision is not sent again.
    const again = runnerAt(new Date('2025-12-01T07:00:00Z'), dataDir);
    await again.enqueue('kpi-feed', 'kpi-feed-forced', { force: true, month: '2025-11' });
    await again.close();
    expect(received).toHaveLength(3);
    expect((await readdir(path.join(dataDir, 'outbox'))).sort()).toEqual(files);
  });
});
