import type { Db } from '../../db/client.ts';
import { parseTimestamp } from '../calendar/zone.ts';
import type { AppConfig } from '../config/app-config.ts';
import { reportingZone, zoneOfCalendar } from '../config/calendars.ts';
import { probeOutageChange } from '../availability/probe-outage.ts';
import { runProbe } from '../feeds/probes/check.ts';
import { findOutage, getOutage, insertOutage, lastSampleTimes, latestProbeRuns, listOutages, listSystems, openProbeOutage, recordProbeSample, systemsByName, updateOutage, type OutageRow, type SystemRow } from '../store/availability.ts';
import { InputError, quote } from './input-error.ts';

/**
 * Outage records from people and tools (METRICS.md §4): open, close, planned or unplanned,
 * reason, ticket reference. Naive times are read in the system's core-hours zone.
 */

export type OutageKind = 'planned' | 'unplanned';
export type NewOutage = { system: string; start: string; end?: string | null; kind: OutageKind; reason?: string; ref?: string };
export type OutageChange = { end?: string | null; kind?: OutageKind; reason?: string | null; ref?: string | null };

/** A field of the posted outage at fault. */
const bodyError = (field: string, message: string) => new InputError(field, message, {}, 'body');

function outageOut(o: OutageRow, systems: Map<number, SystemRow>) {
  return {
    id: o.id,
    system: systems.get(o.systemId)?.name ?? null,
    start: o.startAt.toISOString(),
    end: o.endAt?.toISOString() ?? null,
    kind: o.kind,
    reason: o.reason,
    ref: o.ref,
    source: o.source,
  };
}
export type OutageOut = ReturnType<typeof outageOut>;

const zoneOf = (config: AppConfig, s: SystemRow) => zoneOfCalendar(config, s.calendarId);
const instant = (config: AppConfig, s: SystemRow, value: string) => new Date(parseTimestamp(value, zoneOf(config, s))!.ms);

/** Outage records overlapping [from, to] (default: 90 days back to a year ahead), of one system or all. */
export async function outagesBetween(db: Db, config: AppConfig, q: { system?: string; from?: string; to?: string }, now: Date) {
  const all = await listSystems(db);
  let ids: number[] | undefined;
  if (q.system) {
    const s = systemsByName(all).get(q.system.toLowerCase());
    if (!s) throw new InputError('system', `unknown system "${q.system}"`);
    ids = [s.id];
  }
  const from = q.from ? new Date(parseTimestamp(q.from, reportingZone(config))!.ms) : new Date(now.getTime() - 90 * 86_400_000);
  const to = q.to ? new Date(parseTimestamp(q.to, reportingZone(config))!.ms) : new Date(now.getTime() + 366 * 86_400_000);
  const rows = await listOutages(db, { from, to, systemIds: ids });
  const byId = new Map(all.map((s) => [s.id, s]));
  return { outages: rows.map((o) => outageOut(o, byId)) };
}

/** Records an outage; the same one posted twice (a retry) updates the first rather than counting it twice. */
export async function recordOutage(db: Db, config: AppConfig, b: NewOutage): Promise<{ outage: OutageOut; created: boolean }> {
  const all = await listSystems(db);
  const system = systemsByName(all).get(b.system.toLowerCase());
  if (!system) throw bodyError('system', `unknown system ${quote(b.system)} (known: ${all.map((s) => s.name).join(', ') || 'none'})`);
  const startAt = instant(config, system, b.start);
  const endAt = b.end ? instant(config, system, b.end) : null;
  if (endAt && endAt <= startAt) throw bodyError('end', 'end is not after start');
  const byId = new Map(all.map((s) => [s.id, s]));
  const key = { systemId: system.id, source: 'manual' as const, kind: b.kind, startAt };
  const found = await findOutage(db, key);
  if (found) {
    const updated = await updateOutage(db, found.id, { endAt, reason: b.reason ?? found.reason, ref: b.ref ?? found.ref });
    return { outage: outageOut(updated!, byId), created: false };
  }
  const row = await insertOutage(db, { ...key, endAt, reason: b.reason ?? null, ref: b.ref ?? null });
  return { outage: outageOut(row, byId), created: true };
}

/** The outage with this id (path text), or null. */
export async function findOutageById(db: Db, id: string) {
  const n = Number(id);
  const o = /^\d{1,10}$/.test(id) && n > 0 && n <= 2_147_483_647 ? await getOutage(db, n) : undefined;
  if (!o) return null;
  const systems = new Map((await listSystems(db)).map((s) => [s.id, s]));
  return { o, system: systems.get(o.systemId)!, systems };
}
type Found = NonNullable<Awaited<ReturnType<typeof findOutageById>>>;

/** Changes an outage's end, kind, reason or reference. */
export async function changeOutage(db: Db, config: AppConfig, { o, system, systems }: Found, b: OutageChange) {
  const endAt = b.end === undefined ? o.endAt : b.end === null ? null : instant(config, system, b.end);
  if (endAt && endAt <= o.startAt) throw bodyError('end', 'end is not after start');
  const updated = await updateOutage(db, o.id, {
    endAt,
    ...(b.kind ? { kind: b.kind } : {}),
    ...(b.reason !== undefined ? { reason: b.reason } : {}),
    ...(b.ref !== undefined ? { ref: b.ref } : {}),
  });
  return { outage: outageOut(updated!, systems) };
}

/** Closes an open outage at `end` (default now). */
export async function closeOutage(db: Db, config: AppConfig, { o, system, systems }: Found, end: string | undefined, now: Date) {
  const endAt = end ? instant(config, system, end) : now;
  if (endAt <= o.startAt) throw bodyError('end', 'end is not after start');
  const updated = await updateOutage(db, o.id, { endAt });
  return { outage: outageOut(updated!, systems), endAt };
}

// Probe verbs (METRICS.md §4): check the due systems, record samples, open or close probe outages.
/** A system is due when its interval has passed, less this slack (the minute tick drifts a little). */
const SLACK_MS = 10_000;
/** Enough recent runs to reach back to the start of any failing stretch. */
const RUNS_LOOKBACK = 20;

export type ProbeVerdict = 'opened' | 'closed' | null;
export type ProbeResult = { system: string; ok: boolean; detail: string; ms: number; change: ProbeVerdict };

/** Opens or closes the system's probe outage from its latest probe runs; says which it did. */
export async function openOrCloseOutage(db: Db, system: Pick<SystemRow, 'id' | 'failuresBeforeDown'>, at: Date, detail: string): Promise<ProbeVerdict> {
  const open = await openProbeOutage(db, system.id);
  const change = probeOutageChange(await latestProbeRuns(db, system.id, RUNS_LOOKBACK), system.failuresBeforeDown, open !== undefined, at.getTime());
  if (change?.kind === 'open') {
    await insertOutage(db, { systemId: system.id, startAt: new Date(change.start), endAt: null, kind: 'unplanned', source: 'probe', reason: `probe: ${detail}` });
    return 'opened';
  }
  if (change?.kind === 'close' && open) {
    await updateOutage(db, open.id, { endAt: new Date(change.end) });
    return 'closed';
  }
  return null;
}

/**
 * Checks every due system at once, each within its own timeout, records the samples compactly
 * and opens or closes the system's probe outage. One slow or failing probe never holds up
 * another: they run concurrently and each settles on its own.
 */
export async function probeDueSystems(db: Db, at: Date): Promise<ProbeResult[]> {
  const probed = (await listSystems(db)).filter((s) => s.probe);
  const last = await lastSampleTimes(db);
  const due = probed.filter((s) => {
    const l = last.get(s.id);
    return !l || at.getTime() - l.getTime() >= s.intervalSeconds * 1000 - Math.min(SLACK_MS, (s.intervalSeconds * 1000) / 2);
  });
  const settled = await Promise.allSettled(
    due.map(async (s): Promise<ProbeResult> => {
      const r = await runProbe(s.probe!);
      await recordProbeSample(db, s.id, { at, ok: r.ok, detail: r.detail }, s.intervalSeconds * 1000);
      const change = await openOrCloseOutage(db, s, at, r.detail);
      return { system: s.name, ok: r.ok, detail: r.detail, ms: r.ms, change };
    }),
  );
  return settled.map((x, i) =>
    x.status === 'fulfilled' ? x.value : { system: due[i]!.name, ok: false, detail: `not recorded: ${(x.reason as Error).message}`, ms: 0, change: null },
  );
}
