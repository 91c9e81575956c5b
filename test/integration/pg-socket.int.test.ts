/**
 * The application's PostgreSQL connections go with Nagle's algorithm off (db/pg-socket.ts).
 * With it on (postgres.js's default), a queue_log ingest of 1,000,000 lines took 23.6 s instead
 * of 7.4 s on PostgreSQL, both ends idle two thirds of the time (docs/calls-ingest.md, "Nagle").
 * The sockets are seen as Node makes them (the public `net.client.socket` diagnostics channel);
 * whether a socket was asked for TCP_NODELAY is Node's own record on it (the `kSetNoDelay`
 * symbol, applied to the handle when it connects), the only place Node keeps it.
 */
import diagnostics from 'node:diagnostics_channel';
import type net from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { socketWithoutNagle } from '../../db/pg-socket.ts';
import { pgAdminUrl, postgresAvailable } from '../support/services.ts';

const noDelayAsked = (s: net.Socket): boolean => {
  const key = Object.getOwnPropertySymbols(s).find((k) => k.description === 'kSetNoDelay');
  if (key === undefined) throw new Error('this Node keeps no kSetNoDelay on its sockets: read TCP_NODELAY another way');
  return (s as unknown as Record<symbol, boolean>)[key] === true;
};

describe.runIf(postgresAvailable)('PostgreSQL sockets without Nagle', () => {
  const seen: net.Socket[] = [];
  const onSocket = (m: unknown) => void seen.push((m as { socket: net.Socket }).socket);
  diagnostics.subscribe('net.client.socket', onSocket);
  afterAll(() => diagnostics.unsubscribe('net.client.socket', onSocket));

  it('every connection of the pool asks for TCP_NODELAY and answers queries', async () => {
    const before = seen.length;
    const h = await openDatabase({ url: pgAdminUrl, max: 3 });
    try {
      // Three transactions held open together (none commits until all three have run a statement):
      // each holds a connection of its own, so the pool opens three.
      let begun = 0;
      let allBegun!: () => void;
      const together = new Promise<void>((resolve) => (allBegun = resolve));
      const answers = await Promise.all(
        [1, 2, 3].map((n) =>
          h.db.transaction(async (tx) => {
            const r = await tx.execute(sql`select ${n}::int as n`);
            if (++begun === 3) allBegun();
            await together;
            return r;
          }),
        ),
      );
      expect(answers.map((r) => (r as unknown as { n: number }[])[0]!.n)).toEqual([1, 2, 3]);
    } finally {
      await h.close();
    }
    const made = seen.slice(before);
    expect(made).toHaveLength(3);
    expect(made.map(noDelayAsked)).toEqual([true, true, true]);
  });

  it('takes several hosts in turn, as postgres.js does with its own sockets', async () => {
    const open = socketWithoutNagle();
    const u = new URL(pgAdminUrl);
    const hosts = { host: [u.hostname, 'localhost'], port: [Number(u.port || 5432), Number(u.port || 5432)] };
    const sockets = [open(hosts), open(hosts), open(hosts)];
    try {
      expect(sockets.map((s) => (s as unknown as { host: string }).host)).toEqual([u.hostname, 'localhost', u.hostname]);
      await Promise.all(sockets.map((s) => new Promise((resolve, reject) => s.once('connect', resolve).once('error', reject))));
      expect(sockets.map(noDelayAsked)).toEqual([true, true, true]);
    } finally {
      for (const s of sockets) s.destroy();
    }
  });

  it('a refused connection is an error of the query, not a hang', async () => {
    // Port 1 on loopback: nothing listens there.
    const h = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/postgres', max: 1 });
    try {
      // drizzle wraps the driver's error ("Failed query: …") and keeps it as the cause.
      await expect(h.db.execute(sql`select 1`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    } finally {
      await h.close();
    }
  });
});
