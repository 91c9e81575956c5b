import { z } from 'zod';

/**
 * How service-plan progress is weighted, displayed and judged (METRICS.md §7). Defaults are the
 * published plans' (Moray Council service plans): P1 3, P2 2, P3 1, P4 strategic 3, P4 service
 * 2; strategic sections 3, service-level sections 2; whole percent rounded down; neglected after
 * a quarter without an update; Check Progress when more than 10 points behind the elapsed time.
 */
export const plansConfigSchema = z
  .object({
    weights: z
      .object({
        priority1: z.number().min(0).default(3),
        priority2: z.number().min(0).default(2),
        priority3: z.number().min(0).default(1),
        priority4Strategic: z.number().min(0).default(3),
        priority4Service: z.number().min(0).default(2),
      })
      .default({ priority1: 3, priority2: 2, priority3: 1, priority4Strategic: 3, priority4Service: 2 }),
    sectionWeights: z
      .object({ strategic: z.number().min(0).default(3), service: z.number().min(0).default(2) })
      .default({ strategic: 3, service: 2 }),
    /** How a displayed percentage is made whole; the API keeps the exact value. */
    display: z.enum(['floor', 'round', 'ceil']).default('floor'),
    /** Neglected: no update for longer than this many calendar months (one quarter). */
    neglectedAfterMonths: z.number().int().min(1).default(3),
    /** Check Progress: progress behind the elapsed share of the action's time by more than this (points). */
    checkProgressMargin: z.number().min(0).max(100).default(10),
    /** A section whose name matches this (case-insensitive) is strategic; any other is service level. */
    strategicSectionPattern: z.string().default('strateg'),
  })
  .default({
    weights: { priority1: 3, priority2: 2, priority3: 1, priority4Strategic: 3, priority4Service: 2 },
    sectionWeights: { strategic: 3, service: 2 },
    display: 'floor',
    neglectedAfterMonths: 3,
    checkProgressMargin: 10,
    strategicSectionPattern: 'strateg',
  });
export type PlansConfig = z.infer<typeof plansConfigSchema>;

/** The defaults, for callers without a configuration. */
export const defaultPlansConfig: PlansConfig = plansConfigSchema.parse(undefined);
