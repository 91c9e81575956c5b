import { z } from 'zod';

/** Default delivery cadence per feed (minutes): daily ticket and call exports, weekly casework. */
export const defaultDeliverEveryMinutes: Record<string, number> = { tickets: 1440, calls: 1440, cases: 10_080 };

/**
 * The `quality` section of ATTAIN_CONFIG (docs/metrics.md "Data-quality flags"): how often each
 * feed is expected to deliver; a feed silent for longer is flagged stale. A feed left out (the
 * outage feed by default: outages arrive only when there are some) is never stale.
 */
export const qualityConfigSchema = z
  .object({
    deliverEveryMinutes: z.record(z.string().regex(/^[a-z-]+$/), z.number().int().min(1).max(527_040)).default(defaultDeliverEveryMinutes),
  })
  .default({ deliverEveryMinutes: defaultDeliverEveryMinutes });
export type QualityConfig = z.infer<typeof qualityConfigSchema>;
