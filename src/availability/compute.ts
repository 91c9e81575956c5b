/**
 * System availability during core hours (METRICS.md §4). Pure: evidence and `now` in, figures
 * out; no IO, no clock.
 *
 * Everything is computed as interval lists over UTC ms. Core time comes from the system's
 * calendar (`BusinessCalendar.segments`), so every list below that is intersected with core
 * measures business time directly.
 */
import type { BusinessCalendar } from '../calendar/calendar.ts';
import { addDays, daysInMonth, localToUtc, parseDayKey } from '../calendar/zone.ts';
import { intersect, measureByPeriod, normalize, subtract, totalMs, union, type Interval } from './intervals.ts';
import { versionInForce } from '../calendar/effective.ts';
import { ragOf } from '../measures/status.ts';

export type OutageKind = 'planned' | 'unplanned';

/** An outage record; `end` null = still open. `fromProbe` marks outages the probe job derived. */
export type OutageEvidence = { start: number; end: number | null; kind: OutageKind; fromProbe?: boolean };

/**
 * Probe samples stored compactly: a run of consecutive samples with the same result, from the
 * first sample's instant to the last one's, `count` samples in all. A run never spans a gap of
 * more than 3 intervals between samples (see `extendRun`).
 */
export type ProbeRun = { from: number; to: number; ok: boolean; count: number };

export type ProbeEvidence = {
  intervalMs: number;
  failuresBeforeDown: number;
  /** Runs in time order covering the computation window. */
  runs: ReadonlyArray<ProbeRun>;
  /** Instant of the last sample before the first run given, or null when there is none. */
  previousSampleAt: number | null;
};

export type SystemEvidence = {
  calendar: BusinessCalendar;
  outages: ReadonlyArray<OutageEvidence>;
  probe?: ProbeEvidence;
};

/** Longest spacing of samples that still counts as continuous evidence: 3 intervals (METRICS.md §4). */
export const MAX_GAP_INTERVALS = 3;

/**
 * Adds one sample to the last stored run when it continues it (same result, at most 3 intervals
 * after it) and returns the extended run; null means the sample starts a new run (METRICS.md §4).
 */
export function extendRun(last: ProbeRun | undefined, at: number, ok: boolean, intervalMs: number): ProbeRun | null {
  if (!last || last.ok !== ok || at < last.to || at - last.to > MAX_GAP_INTERVALS * intervalMs) return null;
  return { from: last.from, to: at, ok, count: last.count + 1 };
}

/** Compacts samples in time order into runs of equal state (METRICS.md §4). */
export function compactSamples(samples: Iterable<{ at: number; ok: boolean }>, intervalMs: number): ProbeRun[] {
  const runs: ProbeRun[] = [];
  for (const s of samples) {
    const next = extendRun(runs[runs.length - 1], s.at, s.ok, intervalMs);
    if (next) runs[runs.length - 1] = next;
    else runs.push({ from: s.at, to: s.at, ok: s.ok, count: 1 });
  }
  return runs;
}

/**
 * Probe outages (METRICS.md §4): a run of at least `failuresBeforeDown` consecutive failing
 * samples is an unplanned outage from its first failure to the first success after it; end
 * null when no success has followed yet. Consecutive failing runs split by a gap are one run.
 */
export function probeOutages(runs: ReadonlyArray<ProbeRun>, failuresBeforeDown: number): OutageEvidence[] {
  const out: OutageEvidence[] = [];
  let failStart: number | null = null;
  let failCount = 0;
  for (const r of runs) {
    if (!r.ok) {
      if (failStart === null) failStart = r.from;
      failCount += r.count;
    } else {
      if (failStart !== null && failCount >= failuresBeforeDown) {
        out.push({ start: failStart, end: r.from, kind: 'unplanned', fromProbe: true });
      }
      failStart = null;
      failCount = 0;
    }
  }
  if (failStart !== null && failCount >= failuresBeforeDown) out.push({ start: failStart, end: null, kind: 'unplanned', fromProbe: true });
  return out;
}

/**
 * Probe gaps (METRICS.md §4): where consecutive samples are more than 3 intervals apart, the
 * time from one interval after the earlier sample (a sample vouches for the interval it
 * starts) to the next sample has no evidence; likewise from one interval after the last
 * sample up to `until`. Time before a system's first sample ever is not a gap: it is judged
 * on outage records alone, as a system without a probe is.
 */
export function probeGaps(probe: ProbeEvidence, until: number): Interval[] {
  const limit = MAX_GAP_INTERVALS * probe.intervalMs;
  const out: Array<[number, number]> = [];
  let last = probe.previousSampleAt;
  for (const r of probe.runs) {
    if (last !== null && r.from - last > limit) out.push([last + probe.intervalMs, Math.min(r.from, until)]);
    if (last === null || r.to > last) last = r.to;
  }
  if (last !== null && until - last > limit) out.push([last + probe.intervalMs, until]);
  return normalize(out);
}

export type Period = { period: string; start: number; end: number };

/** Consecutive local days or months from `from` to `to` inclusive, as UTC bounds in `zone` (METRICS.md: periods are local). */
export function localPeriods(zone: string, grain: 'day' | 'month', from: string, to: string): Period[] {
  const out: Period[] = [];
  const startOf = (day: string) => {
    const [y, m, d] = parseDayKey(day)!;
    return localToUtc(zone, y, m, d, 0);
  };
  if (grain === 'day') {
    for (let d = from; d <= to; d = addDays(d, 1)) out.push({ period: d, start: startOf(d), end: startOf(addDays(d, 1)) });
  } else {
    for (let m = from.slice(0, 7); m <= to.slice(0, 7); ) {
      const [y, mo] = m.split('-').map(Number) as [number, number];
      const next = addDays(`${m}-${String(daysInMonth(y, mo)).padStart(2, '0')}`, 1).slice(0, 7);
      out.push({ period: m, start: startOf(`${m}-01`), end: startOf(`${next}-01`) });
      m = next;
    }
  }
  return out;
}

export type AvailabilityFigures = {
  period: string;
  coreMs: number;
  plannedMs: number;
  unknownMs: number;
  downMs: number;
  /** core − planned − unknown */
  eligibleMs: number;
  /** eligible − down */
  upMs: number;
  /** up / eligible; null when nothing was eligible. */
  availability: number | null;
  /** (core − unknown) / core; null without core time. */
  coverage: number | null;
  /** Outages with core downtime in the period (one spanning two periods counts in both). */
  outages: number;
  /** Outages restored (ended) in the period, and the mean of their whole core downtime. */
  restored: number;
  mttrMs: number | null;
};

const closeAt = (o: OutageEvidence, now: number): Interval => [o.start, o.end === null || o.end > now ? now : o.end];

/**
 * Core, planned, unknown, down, availability, coverage, outage count and mean time to restore
 * of one system for each of consecutive periods, all in business time of its calendar, up to
 * `now` (METRICS.md §4). Later time is not counted: the current month is judged so far.
 */
export function systemAvailability(ev: SystemEvidence, periods: ReadonlyArray<Period>, now: number): AvailabilityFigures[] {
  const empty = (p: Period): AvailabilityFigures => ({
    period: p.period, coreMs: 0, plannedMs: 0, unknownMs: 0, downMs: 0, eligibleMs: 0, upMs: 0,
    availability: null, coverage: null, outages: 0, restored: 0, mttrMs: null,
  });
  if (periods.length === 0) return [];
  const windowStart = periods[0]!.start;
  const windowEnd = Math.min(periods[periods.length - 1]!.end, now);
  if (windowEnd <= windowStart) return periods.map(empty);

  const records = ev.outages.filter((o) => o.start < now && (o.end === null || o.end > o.start));
  const plannedRec = normalize(records.filter((o) => o.kind === 'planned').map((o) => closeAt(o, now)));
  const unplannedRec = normalize(records.filter((o) => o.kind === 'unplanned').map((o) => closeAt(o, now)));
  // Records from people and tools are evidence for a probe gap; the probe's own outages are not.
  const recordEvidence = union(plannedRec, normalize(records.filter((o) => o.kind === 'unplanned' && !o.fromProbe).map((o) => closeAt(o, now))));
  const probeOut = ev.probe ? normalize(probeOutages(ev.probe.runs, ev.probe.failuresBeforeDown).map((o) => closeAt(o, now))) : [];
  const episodes = union(unplannedRec, probeOut);

  // An outage that began before the window still has its whole core downtime in its MTTR.
  let evalStart = windowStart;
  for (const [s, e] of episodes) if (e > windowStart && s < windowEnd && s < evalStart) evalStart = s;

  const core: Interval[] = ev.calendar
    .segments(evalStart, windowEnd)
    .filter((g) => g.open)
    .map((g) => [g.start, g.end] as const);
  const planned = intersect(core, plannedRec);
  const gaps = ev.probe ? probeGaps(ev.probe, windowEnd) : [];
  const unknown = subtract(intersect(core, gaps), recordEvidence);
  const down = subtract(intersect(core, episodes), union(planned, unknown));

  const bounds = [...periods.map((p) => p.start), periods[periods.length - 1]!.end];
  const coreBy = measureByPeriod(core, bounds);
  const plannedBy = measureByPeriod(planned, bounds);
  const unknownBy = measureByPeriod(unknown, bounds);
  const downBy = measureByPeriod(down, bounds);

  const outages = new Array<number>(periods.length).fill(0);
  const restored = new Array<number>(periods.length).fill(0);
  const restoreMs = new Array<number>(periods.length).fill(0);
  for (const ep of episodes) {
    if (ep[1] <= windowStart || ep[0] >= windowEnd) continue;
    const epDown = intersect(down, [ep]);
    const total = totalMs(epDown);
    if (total === 0) continue; // wholly outside core hours, planned or unknown: not an outage of core service
    measureByPeriod(epDown, bounds).forEach((ms, i) => {
      if (ms > 0) outages[i]! += 1;
    });
    if (ep[1] >= now) continue; // still open: not restored yet
    const i = periods.findIndex((p) => ep[1] > p.start && ep[1] <= p.end);
    if (i >= 0) {
      restored[i]! += 1;
      restoreMs[i]! += total;
    }
  }

  return periods.map((p, i) => {
    const coreMs = coreBy[i]!;
    const plannedMs = plannedBy[i]!;
    const unknownMs = unknownBy[i]!;
    const downMs = downBy[i]!;
    const eligibleMs = coreMs - plannedMs - unknownMs;
    const upMs = eligibleMs - downMs;
    return {
      period: p.period, coreMs, plannedMs, unknownMs, downMs, eligibleMs, upMs,
      availability: eligibleMs > 0 ? upMs / eligibleMs : null,
      coverage: coreMs > 0 ? (coreMs - unknownMs) / coreMs : null,
      outages: outages[i]!,
      restored: restored[i]!,
      mttrMs: restored[i]! > 0 ? restoreMs[i]! / restored[i]! : null,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Targets and all systems
// ---------------------------------------------------------------------------------------------

export type AvailabilityTarget = { effectiveFrom: string; target: number };
export type AvailabilityStatus = 'green' | 'amber' | 'red' | 'no_data';

/** The target in force on a period's first day (METRICS.md §5: effective-dated targets). */
export function targetFor(targets: ReadonlyArray<AvailabilityTarget>, period: string): number | null {
  const day = period.length === 7 ? `${period}-01` : period;
  return versionInForce(targets, day)?.target ?? null;
}

/** green at or over target, amber short by no more than 5% of it, red below (METRICS.md §5). */
export function statusOf(value: number | null, target: number | null, tolerance = 0.05): AvailabilityStatus {
  if (value === null || target === null) return 'no_data';
  return ragOf(value, target, 'up', tolerance);
}

export type SystemPeriodResult = { weight: number; target: number | null; figures: AvailabilityFigures };

export type AllSystemsFigures = {
  period: string;
  /** Σ weight × up and Σ weight × eligible, ms. */
  weightedUpMs: number;
  weightedEligibleMs: number;
  availability: number | null;
  systems: number;
  systemsWithData: number;
  /** Systems whose own availability is at or over their own target. */
  systemsAtTarget: number;
};

/** All systems of one period: Σ up / Σ eligible, weighted, and systems at or over target (METRICS.md §4). */
export function combineSystems(period: string, rows: ReadonlyArray<SystemPeriodResult>): AllSystemsFigures {
  let up = 0;
  let eligible = 0;
  let withData = 0;
  let atTarget = 0;
  for (const r of rows) {
    up += r.weight * r.figures.upMs;
    eligible += r.weight * r.figures.eligibleMs;
    if (r.figures.availability !== null) {
      withData += 1;
      if (r.target !== null && r.figures.availability >= r.target) atTarget += 1;
    }
  }
  return {
    period,
    weightedUpMs: up,
    weightedEligibleMs: eligible,
    availability: eligible > 0 ? up / eligible : null,
    systems: rows.length,
    systemsWithData: withData,
    systemsAtTarget: atTarget,
  };
}
