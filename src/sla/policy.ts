import { z } from 'zod';

export const priorities = ['critical', 'high', 'normal', 'low', 'long_term'] as const;
export type Priority = (typeof priorities)[number];
export const defaultKinds = ['incident', 'service_request'] as const;

const targetMinutes = z.number().int().positive().nullable();
const targetRow = z.object({ vip: targetMinutes, standard: targetMinutes });

/** One effective-dated version of the resolution policy (METRICS.md §2, "Policies"). */
export const policyVersionSchema = z.object({
  id: z.string().min(1),
  /** Local date from which tickets opened are judged by this version. */
  effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  calendarId: z.string().min(1),
  /** Per kind; `*` applies to any kind without its own table. */
  targets: z.record(z.string(), z.record(z.enum(priorities), targetRow)),
});
export type PolicyVersion = z.infer<typeof policyVersionSchema>;

/** Attainment goal, effective-dated by the period it is judged for. */
export const goalSchema = z.object({ effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), goal: z.number().min(0).max(1) });
export type Goal = z.infer<typeof goalSchema>;

// The published SLA table (METRICS.md §2): business minutes of the service-desk calendar.
const publishedTable: PolicyVersion['targets'][string] = {
  critical: { vip: 180, standard: 240 },
  high: { vip: 240, standard: 420 },
  normal: { vip: 420, standard: 1260 },
  low: { vip: 1260, standard: 2100 },
  long_term: { vip: null, standard: null },
};

export const defaultPolicies: PolicyVersion[] = [
  { id: 'resolution-v1', effectiveFrom: '1970-01-01', calendarId: 'service-desk', targets: { '*': publishedTable } },
];

export const defaultGoals: Goal[] = [
  { effectiveFrom: '1970-01-01', goal: 0.9 },
  { effectiveFrom: '2017-08-01', goal: 0.95 },
];

/** The version in force on a local date (versions in any order). */
export function versionInForce<T extends { effectiveFrom: string }>(versions: readonly T[], localDate: string): T | undefined {
  let best: T | undefined;
  for (const v of versions) {
    if (v.effectiveFrom <= localDate && (!best || v.effectiveFrom > best.effectiveFrom)) best = v;
  }
  return best;
}

/** Target in business minutes, or null for "no target" (METRICS.md §2). */
export function targetFor(policy: PolicyVersion, kind: string, priority: Priority, vip: boolean): number | null {
  const table = policy.targets[kind] ?? policy.targets['*'];
  const row = table?.[priority];
  if (!row) return null;
  return vip ? row.vip : row.standard;
}

/** The goal for a period, judged by the period's first day. */
export function goalFor(goals: readonly Goal[], periodStart: string): number | null {
  return versionInForce(goals, periodStart)?.goal ?? null;
}
