import path from 'node:path';
import { z } from 'zod';
import { localDayKey } from '../src/calendar/zone.ts';
import { daysOfMonth } from '../src/calls/periods.ts';
import { firstWorkingDay } from '../src/measures/kpi-feed.ts';
import { reportingCalendar } from '../src/config/calendars.ts';
import { buildKpiFeed, writeKpiFeedOutbox } from '../src/reports/kpi-feed.ts';
import { monthPattern, previousMonth } from '../src/reports/monthly.ts';
import { kpiDeliveriesOf } from '../src/store/kpi-feed.ts';
import { defineJob } from './define.ts';

/** The slot of a feed revision's delivery: one delivery job per revision. */
export const deliverySlot = (month: string, revision: number) => `deliver-kpi-feed-${month}-r${revision}`;

/**
 * The monthly KPI feed (METRICS.md §5): every day at 06:00 in the reporting zone, acting only
 * on the first working day of the month (the reporting calendar) unless forced: builds last month's
 * feed (a new revision only if the content changed), writes it atomically into
 * `ATTAIN_DATA_DIR/outbox/`, and queues its delivery when a webhook is configured and this
 * revision has not been delivered yet.
 */
export const kpiFeedJob = defineJob({
  name: 'kpi-feed',
  payload: z.object({
    month: z.string().regex(monthPattern, 'expected YYYY-MM').optional(),
    force: z.boolean().default(false),
  }),
  retries: 2,
  backoffMs: 60_000,
  cron: '0 6 * * *',
  timezone: 'reporting',
  async run(ctx, p) {
    const now = ctx.now();
    const calendar = reportingCalendar(ctx.config);
    const today = localDayKey(calendar.zone, now.getTime());
    const thisMonth = today.slice(0, 7);
    const due = firstWorkingDay(thisMonth, (d) => calendar.isOpenDay(d), daysOfMonth(thisMonth));
    if (!p.force && today !== due) return { skipped: `${today} is not the first working day of ${thisMonth} (${due ?? 'none'})` };
    const month = p.month ?? previousMonth(thisMonth);
    const { created, document } = await buildKpiFeed(ctx.db, ctx.config, month, now);
    const files = await writeKpiFeedOutbox(path.join(ctx.env.dataDir, 'outbox'), document);
    let delivery: string | null = null;
    if (ctx.env.kpiWebhookUrl) {
      const done = (await kpiDeliveriesOf(ctx.db, month, document.revision)).some((d) => d.ok && d.url === ctx.env.kpiWebhookUrl);
      if (!done) {
        delivery = deliverySlot(month, document.revision);
        await ctx.enqueue('deliver-kpi-feed', delivery, { month, revision: document.revision });
      }
    }
    ctx.log(`kpi-feed ${month}: revision ${document.revision}${created ? ' (new)' : ' (unchanged)'} → ${files.join(', ')}${delivery ? `; delivery queued` : ''}`);
    return { month, revision: document.revision, created, files, delivery };
  },
});
