import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { ticketPullSchema } from '../../src/feeds/tickets/feed-config.ts';
import { runTicketPull } from '../../src/feeds/tickets/pull.ts';
import { backends } from '../support/services.ts';

// An ITSM server on loopback that accepts each request and never answers: the pull must give up
// after its timeoutMs instead of waiting forever.
const pglite = backends.find((b) => b.name === 'pglite')!;
const config = appConfigSchema.parse({});

describe('a ticket pull against a hung server', () => {
  let handle: DbHandle;
  let server: Server;
  let base = '';
  const held: ServerResponse[] = [];
  let requests = 0;
  beforeAll(async () => {
    handle = await pglite.open();
    server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      requests++;
      held.push(res); // never answered
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await handle?.close();
  });

  // 1.5 s, not less: on a loaded 2-core machine a shorter limit can pass before the server has read the request.
  it('fails the run naming the timeout after its retries, each request aborted', async () => {
    const pull = ticketPullSchema.parse({ name: 'hung', tool: 'servicenow', baseUrl: base, timeoutMs: 1500, env: { token: 'SN_TOKEN' } });
    const logged: string[] = [];
    const deps = { db: handle.db, config, env: { SN_TOKEN: 't' }, retries: 1, retryDelayMs: 1, log: (m: string) => logged.push(m) };
    const failure = await runTicketPull(pull, deps).then(
      () => undefined,
      (e: Error) => e,
    );
    // One attempt and one retry, both timed out; the error names the host and the setting.
    const timedOut = /no answer from 127\.0\.0\.1:\d+\/api\/now\/table\/incident within 1500 ms \(pull timeoutMs\)/;
    expect(logged).toEqual([expect.stringMatching(timedOut)]); // the first attempt, retried
    expect(failure?.message ?? '').toMatch(timedOut);
    // The server got the request (the retry's may be given up before it is read on a busy machine).
    expect(requests).toBeGreaterThanOrEqual(1);
    // The requests were given up: the server saw each connection closed by the client.
    await Promise.all(held.map((res) => (res.destroyed || res.socket?.destroyed ? undefined : new Promise((r) => res.once('close', r)))));
    expect(held.every((res) => res.destroyed || res.socket === null || res.socket.destroyed)).toBe(true);
  });
});
