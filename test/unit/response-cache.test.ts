/**
 * The response cache's rules (src/http/response-cache.ts) and the shared snapshot read
 * (src/store/snapshot.ts `sharedAfterArrival`), on a tiny Hono app whose handler counts its calls
 * and whose "snapshot" and clock the test sets. The same middleware over a real database, through
 * the product's app on PostgreSQL and PGlite: test/e2e/response-cache.e2e.test.ts.
 */
import { Hono } from 'hono';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { responseCache } from '../../src/http/response-cache.ts';
import { sharedAfterArrival } from '../../src/store/snapshot.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function setup(opts: { maxBytes?: number } = {}) {
  const state = { snapshot: 's1', now: 1_000_000, calls: 0, gate: undefined as Promise<void> | undefined };
  const app = new Hono();
  app.use('*', async (c, next) => (c.header('x-request-id', 'r'), next())); // as requestLog does, before the cache
  app.use('*', responseCache({ snapshot: async () => state.snapshot, now: () => new Date(state.now), bucketMs: 5000, maxBytes: opts.maxBytes ?? 2 ** 20, paths: [/^\/f\//], variesOn: (c) => c.req.header('x-who') ?? '' }));
  app.get('/f/:name', async (c) => {
    state.calls++;
    if (state.gate) await state.gate;
    const name = c.req.param('name');
    if (name === 'bad') return c.json({ error: 'no' }, 400);
    if (name === 'cookie') c.header('set-cookie', 'a=b');
    if (name.startsWith('big')) return c.html('x'.repeat(Number(name.slice(3)))); // not text/plain, the default a lost type would get
    return c.json({ name, call: state.calls, accept: c.req.header('accept') ?? null, who: c.req.header('x-who') ?? null });
  });
  app.get('/other', (c) => (state.calls++, c.text('other')));
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await app.request(path, { headers });
    return { status: res.status, how: res.headers.get('x-attain-cache'), etag: res.headers.get('etag'), id: res.headers.get('x-request-id'), text: await res.text() };
  };
  return { state: Object.assign(state, { app }), get };
}

describe('responseCache', () => {
  it('answers from the entry while the snapshot and the clock bucket are the same, and computes again when either moves', async () => {
    const { state, get } = setup();
    const first = await get('/f/a');
    expect(first).toMatchObject({ status: 200, how: 'miss', id: 'r' });
    const again = await get('/f/a');
    // The stored body, byte for byte, with this request's own id.
    expect(again).toMatchObject({ status: 200, how: 'hit', text: first.text, id: 'r', etag: first.etag });
    expect(state.calls).toBe(1);
    state.snapshot = 's2'; // something committed
    expect((await get('/f/a')).how).toBe('miss');
    expect(state.calls).toBe(2);
    // 1,000,000 ms is bucket 200 of 5 s; 1,004,999 still is; 1,005,000 is bucket 201.
    state.now = 1_004_999;
    expect((await get('/f/a')).how).toBe('hit');
    state.now = 1_005_000;
    expect((await get('/f/a')).how).toBe('miss');
    expect(state.calls).toBe(3);
  });

  it('keeps apart URLs, Accept headers and principals, and leaves other paths and methods alone', async () => {
    const { state, get } = setup();
    await get('/f/a');
    expect((await get('/f/a?x=1')).how).toBe('miss');
    expect((await get('/f/a', { accept: 'text/html' })).how).toBe('miss');
    const bob = await get('/f/a', { 'x-who': 'bob' });
    expect(bob.how).toBe('miss');
    expect(JSON.parse(bob.text).who).toBe('bob');
    expect((await get('/f/a', { 'x-who': 'bob' })).how).toBe('hit');
    expect(state.calls).toBe(4);
    expect((await get('/other')).how).toBeNull();
    expect((await get('/other')).how).toBeNull();
    expect(state.calls).toBe(6);
  });

  it('stores neither errors nor answers that set a cookie', async () => {
    const { state, get } = setup();
    expect(await get('/f/bad')).toMatchObject({ status: 400, how: null });
    expect(await get('/f/bad')).toMatchObject({ status: 400, how: null });
    expect((await get('/f/cookie')).how).toBeNull();
    expect((await get('/f/cookie')).how).toBeNull();
    expect(state.calls).toBe(4);
  });

  it('computes once for concurrent identical misses, the others sharing its answer', async () => {
    const { state, get } = setup();
    const gate = deferred<void>();
    state.gate = gate.promise;
    const pending = Array.from({ length: 5 }, () => get('/f/a'));
    await new Promise((r) => setTimeout(r, 10));
    gate.resolve();
    const answers = await Promise.all(pending);
    expect(state.calls).toBe(1);
    expect(answers.map((a) => a.how).sort()).toEqual(['miss', 'shared', 'shared', 'shared', 'shared']);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
  });

  it('lets the sharers of a refused answer compute their own', async () => {
    const { state, get } = setup();
    const gate = deferred<void>();
    state.gate = gate.promise;
    const pending = Array.from({ length: 3 }, () => get('/f/bad'));
    await new Promise((r) => setTimeout(r, 10));
    gate.resolve();
    expect((await Promise.all(pending)).map((a) => a.status)).toEqual([400, 400, 400]);
    expect(state.calls).toBe(3);
  });

  it('answers 304 to a matching If-None-Match, on a miss and on a hit', async () => {
    const { state, get } = setup();
    const first = await get('/f/a');
    const hit = await get('/f/a', { 'if-none-match': `W/${first.etag}, "other"` });
    expect(hit).toMatchObject({ status: 304, how: 'hit', etag: first.etag, text: '' });
    state.snapshot = 's2'; // recomputed: the same body (call count aside) would give the same tag; this one differs
    const changed = await get('/f/a', { 'if-none-match': first.etag! });
    expect(changed).toMatchObject({ status: 200, how: 'miss' });
    const miss304 = await (async () => {
      state.snapshot = 's3';
      return get('/f/big10', { 'if-none-match': (await get('/f/big10')).etag! });
    })();
    // s3: the first GET stored the entry; the second is a hit answered 304.
    expect(miss304).toMatchObject({ status: 304, how: 'hit' });
  });

  it('keeps a large text answer gzip-compressed too, sent to clients that take gzip, with its own tag', async () => {
    const { state } = setup();
    const raw = async (path: string, headers: Record<string, string> = {}) => {
      const res = await app.request(path, { headers });
      return { status: res.status, how: res.headers.get('x-attain-cache'), etag: res.headers.get('etag'), type: res.headers.get('content-type'), encoding: res.headers.get('content-encoding'), vary: res.headers.get('vary'), bytes: new Uint8Array(await res.arrayBuffer()) };
    };
    const { app } = state;
    const plain = await raw('/f/big5000');
    expect(plain).toMatchObject({ status: 200, how: 'miss', encoding: null, vary: 'Accept-Encoding' });
    expect(plain.bytes.byteLength).toBe(5000);
    // As a browser asks: the same entry (no second computation), its gzip bytes.
    const zipped = await raw('/f/big5000', { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped).toMatchObject({ status: 200, how: 'hit', encoding: 'gzip', vary: 'Accept-Encoding', type: 'text/html; charset=UTF-8' });
    expect([zipped.bytes[0], zipped.bytes[1]]).toEqual([0x1f, 0x8b]); // a gzip member's magic bytes (RFC 1952 §2.3.1)
    expect(Buffer.from(gunzipSync(zipped.bytes)).toString()).toBe('x'.repeat(5000));
    expect(zipped.etag).not.toBe(plain.etag); // two representations, two strong tags
    expect(state.calls).toBe(1);
    // 304 against the representation the client holds; the other tag does not match.
    expect((await raw('/f/big5000', { 'accept-encoding': 'gzip', 'if-none-match': zipped.etag! })).status).toBe(304);
    expect((await raw('/f/big5000', { 'accept-encoding': 'gzip', 'if-none-match': plain.etag! })).status).toBe(200);
    // gzip refused by q=0, and a miss made for a gzip client: plain, and gzip, respectively.
    expect((await raw('/f/big5000', { 'accept-encoding': 'gzip;q=0' })).encoding).toBe(null);
    state.snapshot = 's2';
    const missZipped = await raw('/f/big5000', { 'accept-encoding': 'gzip' });
    expect(missZipped).toMatchObject({ how: 'miss', encoding: 'gzip', etag: zipped.etag, type: 'text/html; charset=UTF-8' });
    expect(Buffer.from(gunzipSync(missZipped.bytes)).toString()).toBe('x'.repeat(5000));
    // Under 1 KiB: never compressed, no Vary.
    const small = await raw('/f/a', { 'accept-encoding': 'gzip' });
    expect(small).toMatchObject({ encoding: null, vary: null });
  });

  it('holds at most maxBytes, the least recently used entry leaving first', async () => {
    // Each entry: a 2,000-byte body, its gzip form (about 40 bytes: one repeated letter), its
    // headers, key and 200 bytes of bookkeeping, about 2,350 bytes: 40,000 bytes hold 17
    // (17 × 2,350 = 39,950; 18 would be 42,300).
    const { state, get } = setup({ maxBytes: 40_000 });
    const name = (i: number) => `/f/big2000?n=${i}`;
    for (let i = 0; i < 17; i++) await get(name(i));
    expect(state.calls).toBe(17);
    expect((await get(name(0))).how).toBe('hit'); // used: now the most recent
    await get(name(17)); // the eighteenth: the least recently used (n=1) leaves
    expect((await get(name(0))).how).toBe('hit');
    expect((await get(name(2))).how).toBe('hit');
    expect((await get(name(1))).how).toBe('miss');
    // An answer over a sixteenth of the budget (2,500 bytes) is never kept.
    await get('/f/big3000');
    expect((await get('/f/big3000')).how).toBe('miss');
  });
});

describe('sharedAfterArrival', () => {
  it('never hands a caller a reading sent before it asked; callers arriving during one share the next', async () => {
    const sent: ReturnType<typeof deferred<number>>[] = [];
    const read = sharedAfterArrival(() => {
      const d = deferred<number>();
      sent.push(d);
      return d.promise;
    });
    const a = read();
    const b = read();
    const c = read();
    expect(sent.length).toBe(1); // b and c wait: the reading on the wire may predate them
    sent[0]!.resolve(1);
    expect(await a).toBe(1);
    expect(sent.length).toBe(2);
    const d = read(); // the second reading is on the wire: d waits for a third
    sent[1]!.resolve(2);
    expect([await b, await c]).toEqual([2, 2]);
    expect(sent.length).toBe(3);
    sent[2]!.resolve(3);
    expect(await d).toBe(3);
    expect(sent.length).toBe(3);
    const e = read(); // nothing on the wire: sent at once
    expect(sent.length).toBe(4);
    sent[3]!.resolve(4);
    expect(await e).toBe(4);
  });
});

describe('responseCache configuration', () => {
  it('defaults to a 5-second clock bucket and 64 MiB; 0 seconds turns it off; negative or fractional seconds are refused', () => {
    expect(appConfigSchema.parse({}).responseCache).toEqual({ nowBucketSeconds: 5, maxMiB: 64 });
    expect(appConfigSchema.parse({ responseCache: { nowBucketSeconds: 0 } }).responseCache).toEqual({ nowBucketSeconds: 0, maxMiB: 64 });
    expect(appConfigSchema.safeParse({ responseCache: { nowBucketSeconds: -1 } }).success).toBe(false);
    expect(appConfigSchema.safeParse({ responseCache: { nowBucketSeconds: 2.5 } }).success).toBe(false);
  });
});
