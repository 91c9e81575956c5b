import { z } from 'zod';
import { serviceLevelVariants, type ServiceLevelVariant } from './kpis.ts';
import { callTargetsSchema, defaultCallTargets } from './targets.ts';

/**
 * Contact-centre configuration (the `calls` key of ATTAIN_CONFIG): which calendar gives the
 * zone of the periods and the open days, the thresholds, the service-level variant shown as
 * the headline, effective-dated targets, and where a live queue_log is tailed from.
 */
export const callsConfigSchema = z.object({
  /**
   * Calendar whose zone the periods are local to and whose open days `callsPerDay` divides by;
   * unset: `service-desk` when configured, else the calendar of the first SLA policy.
   */
  calendarId: z.string().min(1).optional(),
  /** Source name of queue_log and generic call CSV feeds (part of the natural key). */
  source: z.string().min(1).default('asterisk'),
  /** Source name of email-contact feeds. */
  emailSource: z.string().min(1).default('email'),
  shortAbandonSeconds: z.number().int().min(0).default(5),
  /**
   * A generic calls CSV row answered up to this many seconds before it arrived is two systems'
   * clocks (as the queue_log reader allows 5 s of clock jump): read, and counted in a warning.
   */
  clockSkewSeconds: z.number().min(0).max(3600).default(5),
  serviceLevelSeconds: z.number().int().min(0).default(120),
  serviceLevelVariant: z
    .enum(Object.keys(serviceLevelVariants) as [ServiceLevelVariant, ...ServiceLevelVariant[]])
    .default('offered'),
  /** Amber band, a fraction of the target (METRICS.md §5). */
  tolerance: z.number().min(0).max(1).default(0.05),
  /** A visit waiting longer than this is not shown as "waiting now" (its end was most likely never logged). */
  staleWaitingHours: z.number().positive().default(12),
  targets: z.array(callTargetsSchema).min(1).default(defaultCallTargets),
  /** A live Asterisk queue_log to follow (the `tail-queue-log` job); none by default. */
  tail: z
    .object({
      path: z.string().min(1),
      source: z.string().min(1).optional(),
    })
    .optional(),
});
export type CallsConfig = z.infer<typeof callsConfigSchema>;

export const defaultCallsConfig: CallsConfig = callsConfigSchema.parse({});
