import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';
import { accepts } from 'hono/accepts';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/compress';

const gzipped = promisify(gzip);

/**
 * A response cache for the GET figure routes with exact invalidation (docs/response-cache.md).
 *
 * An answer is a function of the database, the clock, the configuration (fixed per process) and
 * the request. The key holds all four: the database's snapshot read for this request (any commit
 * anywhere changes it, so an entry is served only while nothing has committed since it was made:
 * read-your-writes for every client and every process), the clock rounded down to `bucketMs`
 * (answers that depend on `now`: calls waiting, at-risk tickets, late feeds), and the request's
 * method, URL, `Accept` and whatever `variesOn` names (who is signed in: pages show it). Only
 * 200s without `Set-Cookie` are kept, in memory, least recently used out past `maxBytes`.
 * Concurrent misses of one key share one computation. Each entry has a strong `ETag` (its body's
 * hash), and a matching `If-None-Match` is answered 304.
 */
export type ResponseCacheOptions = {
  /**
   * The database's snapshot, read after the request arrived; readings must come back in time
   * order, as `snapshotReader` returns them (src/store/snapshot.ts): an entry of any snapshot
   * but the newest is dropped.
   */
  snapshot: () => Promise<string>;
  now: () => Date;
  /** Width of the clock bucket (> 0). */
  bucketMs: number;
  /** Memory bound of the stored bodies, headers and keys. */
  maxBytes: number;
  /** The paths cached (GET only); every other request passes through untouched. */
  paths: readonly RegExp[];
  /** What else the answer depends on besides method, URL and `Accept` (e.g. the signed-in person). */
  variesOn?: (c: Context) => string;
};

type Representation = { body: Uint8Array<ArrayBuffer>; etag: string };
type Entry = Representation & { snapshot: string; status: number; headers: Record<string, string>; gzip?: Representation; bytes: number };

/** Smaller answers gain too little from compression to pay for it (Hono's compress middleware's threshold). */
const COMPRESS_FROM_BYTES = 1024;

/** Headers of the request, not of the answer: set again on every answer by the outer middlewares. */
const perRequest = new Set(['x-request-id', 'x-attain-cache']);
/** Header saying how the answer was made: `hit`, `shared` (a concurrent miss's) or `miss`. */
export const CACHE_HEADER = 'x-attain-cache';

export function responseCache(opts: ResponseCacheOptions): MiddlewareHandler {
  const entries = new Map<string, Entry>(); // insertion order = least recently used first
  const flights = new Map<string, Promise<Entry | undefined>>();
  let bytes = 0;
  // The newest snapshot read. Readings come back in time order (snapshotReader), and a snapshot
  // never comes back once another was read: entries of an older one can never be hit again.
  let current = '';

  const drop = (key: string) => {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    bytes -= e.bytes;
  };
  const store = (key: string, e: Entry) => {
    // Made from an older snapshot than the newest read: nobody can ask for it any more.
    if (e.snapshot !== current || e.bytes > opts.maxBytes / 16) return;
    drop(key);
    entries.set(key, e);
    bytes += e.bytes;
    for (const k of entries.keys()) {
      if (bytes <= opts.maxBytes) break;
      drop(k);
    }
  };

  return async function responseCache(c, next) {
    if (c.req.method !== 'GET' || !opts.paths.some((re) => re.test(c.req.path))) return next();
    let snapshot: string;
    try {
      snapshot = await opts.snapshot();
    } catch {
      return next(); // the database is unreachable: the route answers (and fails) as without a cache
    }
    if (snapshot !== current) {
      current = snapshot;
      entries.clear();
      bytes = 0;
    }
    const bucket = Math.floor(opts.now().getTime() / opts.bucketMs);
    const key = `${snapshot}\n${bucket}\n${opts.variesOn?.(c) ?? ''}\n${c.req.header('accept') ?? ''}\n${c.req.url}`;

    const found = entries.get(key);
    if (found) {
      entries.delete(key); // most recently used last
      entries.set(key, found);
      return answer(c, found, 'hit');
    }
    const flight = flights.get(key);
    if (flight) {
      const shared = await flight;
      if (shared) return answer(c, shared, 'shared');
      return next(); // the first answer was not kept (an error): this request makes its own
    }

    let settle!: (e: Entry | undefined) => void;
    flights.set(key, new Promise((r) => (settle = r)));
    let made: Entry | undefined;
    try {
      await next();
      made = await kept(c, snapshot, key.length);
      if (made) {
        store(key, made);
        const rep = representationFor(c, made);
        if (rep !== made) c.res = new Response(rep.body, { status: made.status, headers: { ...made.headers, 'content-encoding': 'gzip' } });
        c.header('etag', rep.etag);
        if (made.headers.vary !== undefined) c.header('vary', made.headers.vary);
        c.header(CACHE_HEADER, 'miss');
        if (matches(c.req.header('if-none-match'), rep.etag)) {
          const res = c.res;
          c.res = undefined; // a 304 carries none of the 200's content headers
          c.res = new Response(null, { status: 304, headers: { ...validators(made, rep), ...perRequestOf(res) } });
        }
      }
    } finally {
      flights.delete(key);
      settle(made);
    }
  };
}

/**
 * The answer as an entry, when it may be kept (a 200 without cookies); `c.res` stays readable.
 * A gzip answer made from it on the miss gets every stored header: setting `c.res` keeps the old
 * answer's headers but not its content type.
 */
async function kept(c: Context, snapshot: string, keyBytes: number): Promise<Entry | undefined> {
  const res = c.res;
  if (res.status !== 200 || res.headers.has('set-cookie')) return undefined;
  const body = new Uint8Array(await res.arrayBuffer());
  const headers: Record<string, string> = {};
  let headerBytes = 0;
  res.headers.forEach((v, k) => {
    // The length is of the body as made; a gzip answer has its own (set by the server from the bytes).
    if (perRequest.has(k) || k === 'content-length') return;
    headers[k] = v;
    headerBytes += k.length + v.length;
  });
  c.res = new Response(body, { status: res.status, headers: res.headers });
  let gz: Representation | undefined;
  if (compressible(headers, body)) {
    const z = new Uint8Array(await gzipped(body));
    gz = { body: z, etag: tagOf(z) };
    headers.vary = headers.vary ? `${headers.vary}, Accept-Encoding` : 'Accept-Encoding';
  }
  return { snapshot, status: res.status, headers, body, etag: tagOf(body), gzip: gz, bytes: body.byteLength + (gz?.body.byteLength ?? 0) + headerBytes + keyBytes + 200 };
}

const tagOf = (body: Uint8Array) => `"${createHash('sha1').update(body).digest('base64url')}"`;

function compressible(headers: Record<string, string>, body: Uint8Array): boolean {
  const type = headers['content-type'];
  return body.byteLength >= COMPRESS_FROM_BYTES && type !== undefined && COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) && headers['content-encoding'] === undefined && !/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(headers['cache-control'] ?? '');
}

/** The gzip bytes for a client that takes them, else the plain ones. */
function representationFor(c: Context, e: Entry): Representation {
  return e.gzip && accepts(c, { header: 'Accept-Encoding', supports: ['gzip', 'identity'], default: 'identity' }) === 'gzip' ? e.gzip : e;
}

function answer(c: Context, e: Entry, how: 'hit' | 'shared') {
  const rep = representationFor(c, e);
  if (matches(c.req.header('if-none-match'), rep.etag)) return c.body(null, 304, { ...validators(e, rep), [CACHE_HEADER]: how });
  return c.body(rep.body, e.status as 200, { ...e.headers, ...(rep === e ? {} : { 'content-encoding': 'gzip' }), etag: rep.etag, [CACHE_HEADER]: how });
}

/** A 304 carries the validator and the caching headers the 200 would (RFC 9110 §15.4.5). */
function validators(e: Entry, rep: Representation): Record<string, string> {
  const headers: Record<string, string> = { etag: rep.etag };
  for (const k of ['cache-control', 'vary', 'content-location', 'expires']) if (e.headers[k] !== undefined) headers[k] = e.headers[k];
  return headers;
}

function perRequestOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of perRequest) {
    const v = res.headers.get(k);
    if (v !== null) out[k] = v;
  }
  return out;
}

/** `If-None-Match` against a strong tag, by the weak comparison GET uses (RFC 9110 §13.1.2). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
