import cron, { type ScheduledTask } from 'node-cron';
import type { Db } from '../db/client.ts';
import type { BusinessCalendar } from '../src/calendar/calendar.ts';
import { localMonthKey, localToUtc, parseDayKey } from '../src/calendar/zone.ts';
import { daysOfMonth } from '../src/calls/periods.ts';
import type { AppConfig } from '../src/config/app-config.ts';
import { firstWorkingDay } from '../src/measures/kpi-feed.ts';
import { DEFAULT_ZONE } from '../src/calendar/defaults.ts';
import { reportingCalendar } from '../src/config/calendars.ts';
import { previousMonth } from '../src/reports/monthly.ts';
import { latestKpiRevision } from '../src/store/kpi-feed.ts';
import type { JobDefinition } from './define.ts';
import { slotId } from './define.ts';
import { kpiFeedJob } from './kpi-feed.ts';

export type Enqueue = (job: string, slot: string, payload?: unknown) => Promise<void>;

/**
 * The schedule only enqueues: each cron tick names its slot from the scheduled instant, so any
 * number of schedulers produce the same job id for the same slot. A job whose `timezone` is
 * `reporting` is read in `reportingZone` (the configuration's, src/config/calendars.ts).
 */
export function startSchedule(jobs: Iterable<JobDefinition<any>>, enqueue: Enqueue, onError: (e: Error) => void, reportingZone = DEFAULT_ZONE): () => Promise<void> {
  const tasks: ScheduledTask[] = [];
  const inFlight = new Set<Promise<void>>();
  for (const job of jobs) {
    if (!job.cron) continue;
    const timezone = job.timezone === 'reporting' ? reportingZone : job.timezone;
    tasks.push(
      cron.schedule(job.cron, async (c) => {
        const p = Promise.resolve()
          .then(() => enqueue(job.name, slotId(job.name, c.date), {}))
          .catch((e: unknown) => onError(e as Error));
        inFlight.add(p);
        await p;
        inFlight.delete(p);
      }, timezone ? { timezone } : undefined),
    );
  }
  // Stopping waits for enqueues already under way, so the producer can be closed right after.
  // destroy() also drops the task from node-cron's process-wide registry.
  return async () => {
    for (const t of tasks) await t.destroy();
    await Promise.all(inFlight);
  };
}

/**
 * The kpi-feed slot that last came due at or before `now`: the job's hour (its cron, in its
 * zone) on the first working day of this month, or of last month if that is still ahead; the
 * feed of the month before that day. The slot id is the one the cron tick makes, so a slot the
 * scheduler did enqueue is not enqueued twice.
 */
export function lastKpiFeedSlot(now: Date, calendar: BusinessCalendar): { month: string; slot: string } | null {
  const [minute, hour] = kpiFeedJob.cron!.split(' ').map(Number) as [number, number];
  const zone = kpiFeedJob.timezone === 'reporting' || !kpiFeedJob.timezone ? calendar.zone : kpiFeedJob.timezone;
  let month = localMonthKey(calendar.zone, now.getTime());
  for (let i = 0; i < 2; i++, month = previousMonth(month)) {
    const day = firstWorkingDay(month, (d) => calendar.isOpenDay(d), daysOfMonth(month));
    if (!day) continue;
    const [y, m, d] = parseDayKey(day)!;
    const at = localToUtc(zone, y, m, d, hour * 60 + minute);
    if (at <= now.getTime()) return { month: previousMonth(month), slot: slotId(kpiFeedJob.name, new Date(at)) };
  }
  return null;
}

/**
 * At start: the feed whose slot passed while nothing was running (a fresh start after 06:00 on
 * the first working day, a restart after an outage) is built now, when it does not exist yet.
 * Returns the month enqueued, or null.
 */
export async function enqueueMissedKpiFeed(db: Db, config: AppConfig, now: Date, enqueue: Enqueue): Promise<string | null> {
  const due = lastKpiFeedSlot(now, reportingCalendar(config));
  if (!due || (await latestKpiRevision(db, due.month))) return null;
  await enqueue(kpiFeedJob.name, due.slot, { force: true, month: due.month });
  return due.month;
}
