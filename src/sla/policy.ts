import { z } from 'zod';
import { dayKeySchema } from '../calendar/dates.ts';
import { versionInForce } from '../calendar/effective.ts';

export { versionInForce };

export const priorities = ['critical', 'high', 'normal', 'low', 'long_term'] as const;
export type Priority = (typeof priorities)[number];
export const defaultKinds = ['incident', 'service_request'] as const;

const targetMinutes = z.number().int().nonnegative().nullable();
const targetRow = z.object({ vip: targetMinutes, standard: targetMinutes });
const targetTable = z.record(z.enum(priorities), targetRow);
const day = dayKeySchema;

export const reopenPolicies = ['continue', 'first', 'new_cycle'] as const;
export type ReopenPolicy = (typeof reopenPolicies)[number];

/** One effective-dated version of a policy (METRICS.md §2, "Policies"). */
export const policyVersionSchema = z.object({
  id: z.string().min(1),
  /** Local date from which tickets opened are judged by this version. */
  effectiveFrom: day,
  calendarId: z.string().min(1),
  /** Resolution targets per kind; `*` applies to any kind without its own table. */
  targets: z.record(z.string(), targetTable),
  /** First-response targets, same shape; none by default (the published table has none). */
  responseTargets: z.record(z.string(), targetTable).default({}),
  /** Case-insensitive: a status beginning with one of these pauses the clock. */
  pausePrefixes: z.array(z.string().min(1)).default(['awaiting', 'pending', 'on hold']),
  /** Case-insensitive: a status equal to one of these means resolved. */
  resolvedStatuses: z.array(z.string().min(1)).default(['resolved', 'closed', 'done', 'completed', 'cancelled']),
  reopen: z.enum(reopenPolicies).default('continue'),
});
export type PolicyVersion = z.infer<typeof policyVersionSchema>;

/** Attainment goal, effective-dated by the period it is judged for, optionally per kind. */
export const goalSchema = z.object({ effectiveFrom: day, goal: z.number().min(0).max(1), kind: z.string().optional() });
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
  policyVersionSchema.parse({ id: 'resolution-v1', effectiveFrom: '1970-01-01', calendarId: 'service-desk', targets: { '*': publishedTable } }),
];

export const defaultGoals: Goal[] = [
  { effectiveFrom: '1970-01-01', goal: 0.9 },
  { effectiveFrom: '2017-08-01', goal: 0.95 },
];

function lookup(tables: PolicyVersion['targets'], kind: string, priority: Priority, vip: boolean): number | null {
  const row = (tables[kind] ?? tables['*'])?.[priority];
  if (!row) return null;
  return vip ? row.vip : row.standard;
}

/** Resolution target in business minutes, or null for "no target" (METRICS.md §2). */
export function targetFor(policy: PolicyVersion, kind: string, priority: Priority, vip: boolean): number | null {
  return lookup(policy.targets, kind, priority, vip);
}

/** First-response target in business minutes, or null. */
export function responseTargetFor(policy: PolicyVersion, kind: string, priority: Priority, vip: boolean): number | null {
  return lookup(policy.responseTargets, kind, priority, vip);
}

/** The goal for a period, judged by the period's first day; a kind's own goal wins over the general one. */
export function goalFor(goals: readonly Goal[], periodStart: string, kind?: string): number | null {
  const own = kind ? versionInForce(goals.filter((g) => g.kind === kind), periodStart) : undefined;
  return (own ?? versionInForce(goals.filter((g) => g.kind === undefined), periodStart))?.goal ?? null;
}

export type StatusClass = 'active' | 'paused' | 'resolved';

/** How a policy reads a status (METRICS.md §2, "Clock"): pause set, resolved set, else active. */
export function classifyStatus(policy: Pick<PolicyVersion, 'pausePrefixes' | 'resolvedStatuses'>, status: string): StatusClass {
  const s = status.trim().toLowerCase();
  if (policy.resolvedStatuses.some((r) => r.toLowerCase() === s)) return 'resolved';
  if (policy.pausePrefixes.some((p) => s.startsWith(p.toLowerCase()))) return 'paused';
  return 'active';
}

/**
 * The version stamp stored with each evaluation: the id plus a hash of the policy's content, so
 * editing a policy's targets without renaming it still re-evaluates its tickets.
 */
const stamps = new WeakMap<PolicyVersion, string>();
export function policyStamp(policy: PolicyVersion): string {
  const known = stamps.get(policy);
  if (known) return known;
  const text = JSON.stringify(policy);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  const stamp = `${policy.id}#${(h >>> 0).toString(16).padStart(8, '0')}`;
  stamps.set(policy, stamp);
  return stamp;
}
