import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, max, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { outages, probeRuns, systems, type NewOutageRow, type NewSystemRow, type OutageRow, type SystemRow } from '../../db/schema.ts';
import { extendRun, type OutageEvidence, type ProbeRun } from '../availability/compute.ts';
import type { SystemSpec } from '../availability/config.ts';

export type { OutageRow, SystemRow };

// ---------------------------------------------------------------------------------------------
// Systems
// ---------------------------------------------------------------------------------------------

const specColumns = (s: SystemSpec) => ({
  group: s.group,
  calendarId: s.calendarId,
  weight: s.weight,
  target: s.target ?? null,
  probe: s.probe ?? null,
  intervalSeconds: s.intervalSeconds,
  failuresBeforeDown: s.failuresBeforeDown,
});

/**
 * Loads configured systems into `systems` by name (configuration is data, loaded at start):
 * a configured name takes the configuration's settings; systems created by imports stay.
 */
export async function syncConfiguredSystems(db: Db, specs: readonly SystemSpec[], source: 'config' | 'demo' = 'config'): Promise<void> {
  for (const s of specs) {
    await db
      .insert(systems)
      .values({ name: s.name, source, ...specColumns(s) })
      .onConflictDoUpdate({ target: systems.name, set: { ...specColumns(s), source, updatedAt: sql`now()` } });
  }
}

export async function listSystems(db: Db): Promise<SystemRow[]> {
  return db.select().from(systems).orderBy(asc(systems.name));
}

/** Name → row, case-insensitive (people type "email" for "Email"). */
export function systemsByName(rows: readonly SystemRow[]): Map<string, SystemRow> {
  return new Map(rows.map((r) => [r.name.toLowerCase(), r]));
}

/** Creates the named systems that do not exist yet with the defaults; returns the ones created. */
export async function createSystems(db: Db, rows: NewSystemRow[]): Promise<SystemRow[]> {
  if (rows.length === 0) return [];
  return db.insert(systems).values(rows).onConflictDoNothing({ target: systems.name }).returning();
}

// ---------------------------------------------------------------------------------------------
// Probe samples, stored as runs of equal state
// ---------------------------------------------------------------------------------------------

const toRun = (r: { fromAt: Date; toAt: Date; ok: boolean; count: number }): ProbeRun => ({
  from: r.fromAt.getTime(),
  to: r.toAt.getTime(),
  ok: r.ok,
  count: r.count,
});

/**
 * Records one sample: extends the system's latest run when the sample continues it, else starts
 * a new run (src/availability/compute.ts `extendRun`). One UPDATE or INSERT per sample.
 */
export async function recordProbeSample(db: Db, systemId: number, sample: { at: Date; ok: boolean; detail: string }, intervalMs: number): Promise<void> {
  await db.transaction(async (tx) => {
    const [last] = await tx.select().from(probeRuns).where(eq(probeRuns.systemId, systemId)).orderBy(desc(probeRuns.toAt)).limit(1);
    const next = last ? extendRun(toRun(last), sample.at.getTime(), sample.ok, intervalMs) : null;
    if (last && next) {
      await tx.update(probeRuns).set({ toAt: sample.at, count: next.count, detail: sample.detail }).where(eq(probeRuns.id, last.id));
    } else {
      await tx.insert(probeRuns).values({ systemId, fromAt: sample.at, toAt: sample.at, ok: sample.ok, count: 1, detail: sample.detail });
    }
  });
}

/** Inserts runs already compacted (the benchmark and bulk imports of probe history). */
export async function insertProbeRuns(db: Db, systemId: number, runs: readonly ProbeRun[]): Promise<void> {
  for (let i = 0; i < runs.length; i += 2000) {
    await db.insert(probeRuns).values(
      runs.slice(i, i + 2000).map((r) => ({ systemId, fromAt: new Date(r.from), toAt: new Date(r.to), ok: r.ok, count: r.count })),
    );
  }
}

/** The system's latest runs, oldest first. */
export async function latestProbeRuns(db: Db, systemId: number, limit: number): Promise<ProbeRun[]> {
  const rows = await db.select().from(probeRuns).where(eq(probeRuns.systemId, systemId)).orderBy(desc(probeRuns.toAt)).limit(limit);
  return rows.reverse().map(toRun);
}

/** Instant of each system's latest sample (the probe job's "is it due?"). */
export async function lastSampleTimes(db: Db): Promise<Map<number, Date>> {
  const rows = await db.select({ systemId: probeRuns.systemId, at: max(probeRuns.toAt) }).from(probeRuns).groupBy(probeRuns.systemId);
  return new Map(rows.filter((r) => r.at !== null).map((r) => [r.systemId, new Date(r.at as unknown as string | Date)]));
}

// ---------------------------------------------------------------------------------------------
// Outage records
// ---------------------------------------------------------------------------------------------

export type UpsertCounts = { inserted: number; updated: number; unchanged: number };

/**
 * Upserts outages on their natural key (system, source, kind, start): re-importing a file or
 * re-deriving a probe outage updates the end, reason and reference and never duplicates.
 */
export async function upsertOutages(db: Db, rows: NewOutageRow[]): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const byKey = new Map<string, NewOutageRow>();
  for (const r of rows) byKey.set(`${r.systemId}|${r.source}|${r.kind}|${r.startAt.getTime()}`, r);
  const changed = await db
    .insert(outages)
    .values([...byKey.values()])
    .onConflictDoUpdate({
      target: [outages.systemId, outages.source, outages.kind, outages.startAt],
      set: {
        endAt: sql.raw('excluded.end_at'),
        reason: sql.raw('excluded.reason'),
        ref: sql.raw('excluded.ref'),
        ingestRunId: sql.raw('excluded.ingest_run_id'),
        updatedAt: sql`now()`,
      },
      setWhere: sql.raw('(outages.end_at, outages.reason, outages.ref) is distinct from (excluded.end_at, excluded.reason, excluded.ref)'),
    })
    .returning({ inserted: sql<boolean>`(xmax = 0)` });
  const inserted = changed.filter((r) => r.inserted).length;
  return { inserted, updated: changed.length - inserted, unchanged: rows.length - changed.length };
}

export async function insertOutage(db: Db, row: NewOutageRow): Promise<OutageRow> {
  const [r] = await db.insert(outages).values(row).returning();
  return r!;
}

/** The outage with this key, if any: a second POST of the same outage finds the first. */
export async function findOutage(db: Db, key: Pick<OutageRow, 'systemId' | 'source' | 'kind' | 'startAt'>): Promise<OutageRow | undefined> {
  const [r] = await db
    .select()
    .from(outages)
    .where(and(eq(outages.systemId, key.systemId), eq(outages.source, key.source), eq(outages.kind, key.kind), eq(outages.startAt, key.startAt)));
  return r;
}

/** The system's open outage from the probe, if any (the probe job keeps at most one open). */
export async function openProbeOutage(db: Db, systemId: number): Promise<OutageRow | undefined> {
  const [r] = await db
    .select()
    .from(outages)
    .where(and(eq(outages.systemId, systemId), eq(outages.source, 'probe'), isNull(outages.endAt)))
    .orderBy(desc(outages.startAt))
    .limit(1);
  return r;
}

export async function getOutage(db: Db, id: number): Promise<OutageRow | undefined> {
  const [r] = await db.select().from(outages).where(eq(outages.id, id));
  return r;
}

export async function updateOutage(db: Db, id: number, patch: Partial<Pick<OutageRow, 'endAt' | 'reason' | 'ref' | 'kind'>>): Promise<OutageRow | undefined> {
  const [r] = await db.update(outages).set({ ...patch, updatedAt: sql`now()` }).where(eq(outages.id, id)).returning();
  return r;
}

/** Outages overlapping [from, to) (open ones included), optionally of some systems, by start. */
export async function listOutages(db: Db, q: { from: Date; to: Date; systemIds?: number[] }): Promise<OutageRow[]> {
  return db
    .select()
    .from(outages)
    .where(
      and(
        lt(outages.startAt, q.to),
        or(isNull(outages.endAt), gt(outages.endAt, q.from)),
        q.systemIds ? inArray(outages.systemId, q.systemIds) : undefined,
      ),
    )
    .orderBy(asc(outages.startAt), asc(outages.id));
}

// ---------------------------------------------------------------------------------------------
// Evidence for the computation
// ---------------------------------------------------------------------------------------------

export type StoredEvidence = { outages: OutageEvidence[]; runs: ProbeRun[]; previousSampleAt: number | null };

/**
 * Everything `systemAvailability` needs for [from, to) for the given systems: the outages that
 * overlap it, and the probe runs from the start of the earliest of those (an outage that began
 * before the window is followed whole for its time to restore) with the sample before them.
 */
export async function loadEvidence(db: Db, systemIds: number[], from: Date, to: Date): Promise<Map<number, StoredEvidence>> {
  const out = new Map<number, StoredEvidence>(systemIds.map((id) => [id, { outages: [], runs: [], previousSampleAt: null }]));
  if (systemIds.length === 0) return out;
  const recs = await listOutages(db, { from, to, systemIds });
  let runsFrom = from.getTime();
  for (const o of recs) {
    out.get(o.systemId)!.outages.push({
      start: o.startAt.getTime(),
      end: o.endAt?.getTime() ?? null,
      kind: o.kind,
      fromProbe: o.source === 'probe',
    });
    if (o.startAt.getTime() < runsFrom) runsFrom = o.startAt.getTime();
  }
  const since = new Date(runsFrom);
  const runs = await db
    .select({ systemId: probeRuns.systemId, fromAt: probeRuns.fromAt, toAt: probeRuns.toAt, ok: probeRuns.ok, count: probeRuns.count })
    .from(probeRuns)
    .where(and(inArray(probeRuns.systemId, systemIds), gte(probeRuns.toAt, since), lt(probeRuns.fromAt, to)))
    .orderBy(asc(probeRuns.systemId), asc(probeRuns.fromAt));
  for (const r of runs) out.get(r.systemId)!.runs.push(toRun(r));
  const before = await db
    .select({ systemId: probeRuns.systemId, at: max(probeRuns.toAt) })
    .from(probeRuns)
    .where(and(inArray(probeRuns.systemId, systemIds), lt(probeRuns.toAt, since)))
    .groupBy(probeRuns.systemId);
  for (const b of before) if (b.at !== null) out.get(b.systemId)!.previousSampleAt = new Date(b.at as unknown as string | Date).getTime();
  return out;
}

/** Rows and on-disk bytes (table, indexes, TOAST) of the compact sample store and the outages. */
export async function availabilityStorage(db: Db): Promise<{ probeRuns: { rows: number; bytes: number }; outages: { rows: number; bytes: number } }> {
  const [runs] = await db.select({ rows: sql<number>`count(*)::int`, bytes: sql<number>`pg_total_relation_size('probe_runs')::bigint` }).from(probeRuns);
  const [outs] = await db.select({ rows: sql<number>`count(*)::int`, bytes: sql<number>`pg_total_relation_size('outages')::bigint` }).from(outages);
  return {
    probeRuns: { rows: Number(runs!.rows), bytes: Number(runs!.bytes) },
    outages: { rows: Number(outs!.rows), bytes: Number(outs!.bytes) },
  };
}
