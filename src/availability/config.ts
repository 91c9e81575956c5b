/**
 * Systems and availability targets as configuration (METRICS.md §4–5). Pure: zod schemas and
 * defaults only; the ATTAIN_CONFIG file supplies `systems` and `availabilityTargets`.
 */
import { z } from 'zod';
import { dayKeySchema } from '../calendar/dates.ts';
import type { AvailabilityTarget } from './compute.ts';

export const httpProbeSchema = z.strictObject({
  http: z.string().url(),
  expectedStatus: z.number().int().min(100).max(599).default(200),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
});

export const tcpProbeSchema = z.strictObject({
  tcp: z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
});

export const probeSpecSchema = z.union([httpProbeSchema, tcpProbeSchema]);
export type ProbeSpec = z.infer<typeof probeSpecSchema>;

export const systemSpecSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  group: z.string().min(1).default('corporate'),
  calendarId: z.string().min(1).default('service-desk'),
  weight: z.number().positive().default(1),
  /** A system's own downtime goal (e.g. a library system's 98%); the general target otherwise. */
  target: z.number().min(0).max(1).optional(),
  probe: probeSpecSchema.optional(),
  intervalSeconds: z.number().int().min(5).max(86_400).default(60),
  failuresBeforeDown: z.number().int().min(1).max(100).default(2),
});
export type SystemSpec = z.infer<typeof systemSpecSchema>;

export const availabilityTargetSchema = z.object({
  effectiveFrom: dayKeySchema,
  target: z.number().min(0).max(1),
}) satisfies z.ZodType<AvailabilityTarget>;

/** SYS-AVAIL: "% corporate systems available in core hours", 95% monthly (METRICS.md §5). */
export const defaultAvailabilityTargets: AvailabilityTarget[] = [{ effectiveFrom: '1970-01-01', target: 0.95 }];

/** Systems with unique names (case-insensitive), for the config file's `systems` list. */
export const systemsConfigSchema = z.array(systemSpecSchema).superRefine((systems, ctx) => {
  const seen = new Set<string>();
  systems.forEach((s, i) => {
    const key = s.name.toLowerCase();
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `system "${s.name}" is configured twice` });
    seen.add(key);
  });
});
