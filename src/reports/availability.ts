/**
 * The availability report model (METRICS.md §4): systems and evidence from the store, figures
 * from the pure computation, targets and status from configuration. Computed on the fly: a
 * month of 100 systems with a year of one-minute probes takes milliseconds (BENCHMARKS.md).
 */
import type { Db } from '../../db/client.ts';
import {
  combineSystems,
  localPeriods,
  statusOf,
  systemAvailability,
  targetFor,
  type AvailabilityFigures,
  type Period,
  type SystemPeriodResult,
} from '../availability/compute.ts';
import type { BusinessCalendar } from '../calendar/calendar.ts';
import type { AppConfig } from '../config/app-config.ts';
import { calendarOf } from '../config/calendars.ts';
import { listSystems, loadEvidence, type SystemRow } from '../store/availability.ts';

export { calendarOf };

export type AvailabilityQuery = { grain: 'day' | 'month'; from: string; to: string; systems?: SystemRow[] };

const seconds = (ms: number) => ms / 1000;

function systemRowOut(s: SystemRow, f: AvailabilityFigures, target: number | null) {
  return {
    period: f.period,
    system: s.name,
    group: s.group,
    weight: s.weight,
    coreSeconds: seconds(f.coreMs),
    plannedSeconds: seconds(f.plannedMs),
    unknownSeconds: seconds(f.unknownMs),
    downSeconds: seconds(f.downMs),
    upSeconds: seconds(f.upMs),
    availability: f.availability,
    coverage: f.coverage,
    outages: f.outages,
    restored: f.restored,
    mttrSeconds: f.mttrMs === null ? null : seconds(f.mttrMs),
    target,
    status: statusOf(f.availability, target),
  };
}

/**
 * Availability per system and period, and all systems per period (Σ up / Σ eligible weighted,
 * systems at or over target), each with its target and status (METRICS.md §4–5). Periods are
 * local to each system's calendar; `now` bounds the counted time.
 */
export async function availabilityReport(db: Db, config: AppConfig, q: AvailabilityQuery, now: Date) {
  const all = q.systems ?? (await listSystems(db));
  const plans: Array<{ system: SystemRow; calendar: BusinessCalendar; periods: Period[] }> = [];
  const skipped: string[] = [];
  for (const system of all) {
    const calendar = calendarOf(config, system.calendarId);
    if (!calendar) {
      skipped.push(`${system.name}: calendar "${system.calendarId}" is not configured`);
      continue;
    }
    plans.push({ system, calendar, periods: localPeriods(calendar.zone, q.grain, q.from, q.to) });
  }
  let from = Infinity;
  let to = -Infinity;
  for (const p of plans) {
    from = Math.min(from, p.periods[0]?.start ?? Infinity);
    to = Math.max(to, p.periods[p.periods.length - 1]?.end ?? -Infinity);
  }
  const evidence = plans.length > 0 ? await loadEvidence(db, plans.map((p) => p.system.id), new Date(from), new Date(to)) : new Map();

  const rows: Array<ReturnType<typeof systemRowOut>> = [];
  const byPeriod = new Map<string, SystemPeriodResult[]>();
  for (const { system, calendar, periods } of plans) {
    const ev = evidence.get(system.id)!;
    const figures = systemAvailability(
      {
        calendar,
        outages: ev.outages,
        // A system whose probe was removed is judged on records alone (its probe outages stay stored).
        probe: system.probe
          ? { intervalMs: system.intervalSeconds * 1000, failuresBeforeDown: system.failuresBeforeDown, runs: ev.runs, previousSampleAt: ev.previousSampleAt }
          : undefined,
      },
      periods,
      now.getTime(),
    );
    for (const f of figures) {
      const target = system.target ?? targetFor(config.availabilityTargets, f.period);
      rows.push(systemRowOut(system, f, target));
      const list = byPeriod.get(f.period) ?? [];
      list.push({ weight: system.weight, target, figures: f });
      byPeriod.set(f.period, list);
    }
  }
  const periods = [...byPeriod.keys()].sort();
  rows.sort((a, b) => a.period.localeCompare(b.period) || a.system.localeCompare(b.system));
  const allSystems = periods.map((period) => {
    const c = combineSystems(period, byPeriod.get(period)!);
    const target = targetFor(config.availabilityTargets, period);
    return {
      period,
      availability: c.availability,
      weightedUpSeconds: seconds(c.weightedUpMs),
      weightedEligibleSeconds: seconds(c.weightedEligibleMs),
      systems: c.systems,
      systemsWithData: c.systemsWithData,
      systemsAtTarget: c.systemsAtTarget,
      target,
      status: statusOf(c.availability, target),
    };
  });
  return { grain: q.grain, from: q.from, to: q.to, rows, allSystems, warnings: skipped };
}
