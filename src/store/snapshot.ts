import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rowsOf } from './sla-counts.ts';

/**
 * The database's current snapshot as text (`xmin:xmax:xip,…`, PostgreSQL 13+ and PGlite): it
 * changes with every commit anywhere in the cluster and never returns to an earlier value (xmax
 * only grows; at the same xmax the in-progress list only shrinks), so two equal readings mean
 * nothing committed in between. A read-only statement: reading it assigns no transaction id and
 * so does not change it. The response cache keys on it (src/http/response-cache.ts).
 */
export async function currentSnapshot(db: Db): Promise<string> {
  const [row] = rowsOf<{ s: string }>(await db.execute(sql`select pg_current_snapshot()::text as s`));
  return row!.s;
}

/** `currentSnapshot` shared between concurrent callers (`sharedAfterArrival`). */
export const snapshotReader = (db: Db): (() => Promise<string>) => sharedAfterArrival(() => currentSnapshot(db));

/**
 * `read` shared between concurrent callers, one call in flight at a time. A caller never shares
 * a call sent before it asked: that call may predate a commit its own client saw acknowledged
 * just before (read-your-writes), so it waits for the next one, which every caller arriving
 * meanwhile shares. The readings therefore come back in time order, each at least as new as
 * the moment its callers asked.
 */
export function sharedAfterArrival<T>(read: () => Promise<T>): () => Promise<T> {
  let sent = false;
  let waiting: { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } | undefined;
  const send = (): Promise<T> => {
    sent = true;
    let reading: Promise<T>;
    try {
      reading = read();
    } catch (e) {
      reading = Promise.reject(e);
    }
    // Runs before any caller's continuation: the next call is sent in the same turn.
    const after = () => {
      sent = false;
      const next = waiting;
      waiting = undefined;
      if (next) send().then(next.resolve, next.reject);
    };
    reading.then(after, after);
    return reading;
  };
  return function shared() {
    if (!sent) return send();
    if (!waiting) {
      let resolve!: (v: T) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
      waiting = { promise, resolve, reject };
    }
    return waiting.promise;
  };
}
