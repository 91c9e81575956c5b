/**
 * Issue 12: the stored per-interval call counts (call_interval_counts, kept by triggers on
 * call_visits) stay equal to a recount of the visits, after random queue_log ingests, re-reads of
 * overlapping parts of the log, visit updates and deletions, and a change of thresholds. Two
 * independent recounts: the store's SQL one (`attain verify`'s) and the KPI code's own `addVisit`
 * over the visits read back (createCallAccumulator). Today's figures (`callsNow`) read from the
 * stored counts equal those counted from the visits. fast-check with a fixed seed, on PostgreSQL
 * and PGlite.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { appConfigSchema } from '../../src/config/app-config.ts';
import { countVisits, type CountOptions } from '../../src/calls/kpis.ts';
import { createCallAccumulator } from '../../src/calls/periods.ts';
import { ingestCallFile } from '../../src/feeds/calls/ingest-file.ts';
import { callsNow } from '../../src/services/calls.ts';
import { ensureIntervalCountThresholds, intervalCountsBetween, intervalCountsDifferences, intervalCountThresholds } from '../../src/store/call-intervals.ts';
import { upsertVisits, visitsArrivedBetween } from '../../src/store/calls.ts';
import { backends } from '../support/services.ts';

const zone = 'Europe/London';
const START = Date.parse('2025-06-02T07:50:00Z'); // 08:50 BST: the calls straddle interval boundaries
const FROM = new Date(START - 86_400_000);
const TO = new Date(START + 86_400_000);
const queues = ['sales', 'support', 'overflow'];

// One call: arrives, then is answered and completed, abandons, times out, or is still waiting.
const call = fc.record({
  queue: fc.constantFrom(...queues),
  arriveSec: fc.integer({ min: 0, max: 3 * 3600 }),
  end: fc.constantFrom('answered', 'answered', 'abandoned', 'timeout', 'exitkey', 'waiting', 'talking'),
  wait: fc.integer({ min: 0, max: 400 }),
  talk: fc.integer({ min: 1, max: 900 }),
  transfer: fc.boolean(),
});
type Call = typeof call extends fc.Arbitrary<infer T> ? T : never;

/** The queue_log lines of the calls, in time order (ENTERQUEUE, CONNECT, the ending). */
function logLines(calls: Call[]): string[] {
  const lines: [number, string][] = [];
  calls.forEach((c, i) => {
    const t = START / 1000 + c.arriveSec;
    const id = `${t}.${i}`;
    lines.push([t, `${t}|${id}|${c.queue}|NONE|ENTERQUEUE||0770090${String(i).padStart(4, '0')}|1`]);
    if (c.end === 'answered' || c.end === 'talking') {
      lines.push([t + c.wait, `${t + c.wait}|${id}|${c.queue}|Agent/${i % 5}|CONNECT|${c.wait}|${id}9|1`]);
      if (c.end === 'answered') {
        const ev = c.transfer ? `BLINDTRANSFER|2001|from-internal|${c.wait}|${c.talk}|1` : `COMPLETECALLER|${c.wait}|${c.talk}|1`;
        lines.push([t + c.wait + c.talk, `${t + c.wait + c.talk}|${id}|${c.queue}|Agent/${i % 5}|${ev}`]);
      }
    } else if (c.end !== 'waiting') {
      const ev = c.end === 'abandoned' ? 'ABANDON' : c.end === 'timeout' ? 'EXITWITHTIMEOUT' : 'EXITWITHKEY';
      const data = c.end === 'exitkey' ? `5|1|${c.wait}` : `1|1|${c.wait}`;
      lines.push([t + c.wait, `${t + c.wait}|${id}|${c.queue}|NONE|${ev}|${data}`]);
    }
  });
  return lines.sort((a, b) => a[0] - b[0]).map((l) => l[1]);
}

const step = fc.oneof(
  // Re-read the part [a, b) of the log (fractions of its lines).
  fc.record({ kind: fc.constant('part' as const), a: fc.double({ min: 0, max: 1, noNaN: true }), b: fc.double({ min: 0, max: 1, noNaN: true }) }),
  // An ended visit changed in place by a later feed (new wait, hold and wrap): often its interval's longest wait shrinks.
  { arbitrary: fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), wait: fc.integer({ min: 0, max: 400 }), hold: fc.option(fc.integer({ min: 0, max: 60 })), wrap: fc.option(fc.integer({ min: 0, max: 60 })) }), weight: 3 },
  // A visit deleted (a repair by hand).
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
);

describe.each(backends.filter((b) => b.available))('call interval counts on $name', (backend) => {
  let handle: DbHandle;
  let dir: string;
  beforeAll(async () => {
    handle = await backend.open();
    dir = await mkdtemp(path.join(tmpdir(), 'attain-call-intervals-'));
  });
  afterAll(async () => {
    await handle?.close();
  });

  /** The stored counts per queue equal the KPI code's count of the visits (addVisit), interval by interval. */
  async function expectEqualToVisits(count: CountOptions) {
    const db = handle.db;
    expect(await intervalCountsDifferences(db)).toEqual([]);
    const acc = createCallAccumulator({ zone: 'UTC', grain: 'interval', intervalMinutes: 15, count, byQueue: true });
    for await (const page of visitsArrivedBetween(db, FROM, TO)) for (const v of page) acc.add(v);
    const recounted = acc.rows().filter((r) => r.queue !== null);
    const stored = [];
    for (const q of queues) for (const r of await intervalCountsBetween(db, FROM, TO, { queue: q })) stored.push({ start: r.start, queue: q, counts: r.counts });
    const key = (r: { start: number; queue: string | null }) => `${r.start}|${r.queue}`;
    expect(new Map(stored.map((r) => [key(r), r.counts]))).toEqual(new Map(recounted.map((r) => [key(r), r.counts])));
  }

  it('stay equal to a recount of the visits after random ingests, re-reads, updates and deletions', async () => {
    const db = handle.db;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 25 }), fc.uniqueArray(fc.double({ min: 0.1, max: 1, noNaN: true }), { minLength: 1, maxLength: 3 }).map((c) => c.sort()), fc.array(step, { minLength: 1, maxLength: 8 }), async (calls, cuts, steps) => {
        await db.execute(sql`delete from call_visits`);
        await db.execute(sql`delete from call_agent_events`);
        const source = `pbx${n++}`;
        const lines = logLines(calls);
        // The log read as it grows, each read starting a little before the previous one ended.
        for (const [i, cut] of cuts.entries()) {
          const a = Math.floor((i === 0 ? 0 : cuts[i - 1]! - 0.1) * lines.length);
          const b = i === cuts.length - 1 ? lines.length : Math.ceil(cut * lines.length);
          await ingestPart(source, lines, Math.max(0, a), b);
          await expectEqualToVisits({ shortAbandonSeconds: 5, serviceLevelSeconds: 120 });
        }
        for (const s of steps) {
          if (s.kind === 'part') {
            await ingestPart(source, lines, Math.floor(Math.min(s.a, s.b) * lines.length), Math.ceil(Math.max(s.a, s.b) * lines.length));
          } else {
            const [v] = await pickVisit(s.pick, s.kind === 'update');
            if (!v) continue;
            if (s.kind === 'delete') await db.execute(sql`delete from call_visits where source = ${v.source} and call_id = ${v.callId} and queue = ${v.queue}`);
            else {
              const talk = v.outcome === 'answered' ? (v.talkSeconds ?? 10) : null;
              await upsertVisits(db, null, [{ ...v, waitSeconds: s.wait, holdSeconds: talk === null ? null : s.hold, wrapSeconds: talk === null ? null : s.wrap, endedAt: v.endedAt ?? v.arrivedAt + 1000, talkSeconds: talk }]);
            }
          }
          await expectEqualToVisits({ shortAbandonSeconds: 5, serviceLevelSeconds: 120 });
        }
      }),
      { seed: 12, numRuns: 12 },
    );

    async function ingestPart(source: string, lines: string[], a: number, b: number) {
      const file = path.join(dir, `${source}-${a}-${b}`);
      await writeFile(file, lines.slice(a, b).join('\n') + '\n');
      await ingestCallFile(db, file, 'queue_log', { source, zone });
    }
    async function pickVisit(pick: number, ended: boolean) {
      const all = [];
      for await (const page of visitsArrivedBetween(db, FROM, TO)) all.push(...page.filter((v) => !ended || v.endedAt !== null));
      all.sort((a, b) => a.arrivedAt - b.arrivedAt || a.queue.localeCompare(b.queue) || a.callId.localeCompare(b.callId));
      return all.length === 0 ? [] : [all[pick % all.length]!];
    }
  }, 600_000);

  it("today's figures read from the stored intervals equal the visits' count, before and after a change of thresholds", async () => {
    const db = handle.db;
    const calls = fc.sample(fc.array(call, { minLength: 40, maxLength: 40 }), { seed: 7, numRuns: 1 })[0]!;
    await db.execute(sql`delete from call_visits`);
    const file = path.join(dir, 'today');
    await writeFile(file, logLines(calls).join('\n') + '\n');
    await ingestCallFile(db, file, 'queue_log', { source: 'today', zone });
    const at = new Date(START + 2 * 3600_000 + 7 * 60_000 + 13_000); // inside an interval
    const dayStart = new Date('2025-06-01T23:00:00Z'); // local midnight, BST
    for (const count of [{ shortAbandonSeconds: 5, serviceLevelSeconds: 120 }, { shortAbandonSeconds: 10, serviceLevelSeconds: 30 }]) {
      const config = appConfigSchema.parse({ calls: count });
      // The read path serves from the stored counts only when they were counted with these thresholds.
      const rebuilt = await ensureIntervalCountThresholds(db, count);
      expect(rebuilt).toBe(count.serviceLevelSeconds !== 120);
      expect(await intervalCountThresholds(db)).toEqual(count);
      await expectEqualToVisits(count);
      const visits = [];
      for await (const page of visitsArrivedBetween(db, dayStart, new Date(at.getTime() + 1))) visits.push(...page);
      for (const queue of [undefined, 'sales']) {
        const expected = countVisits(visits.filter((v) => !queue || v.queue === queue), count);
        const now = await callsNow(db, config, { queue }, at);
        const { figures: _f, flags: _fl, ...counts } = now.todaySoFar;
        expect(counts).toEqual(expected);
      }
    }
    await ensureIntervalCountThresholds(db, { shortAbandonSeconds: 5, serviceLevelSeconds: 120 });
  }, 300_000);
});
