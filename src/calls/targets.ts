import { z } from 'zod';
import { dayKeySchema } from '../calendar/dates.ts';
import { versionInForce } from '../calendar/effective.ts';
import { measureStatus, type Direction as MeasureDirection, type MeasureStatus } from '../measures/catalogue.ts';
import {
  abandonRate,
  aht,
  ahtBasis,
  answerRate,
  asa,
  avgWait,
  perDay,
  serviceLevel,
  serviceLevelVariants,
  type CallCounts,
  type Ratio,
  type ServiceLevelVariant,
} from './kpis.ts';

const day = dayKeySchema;
const fraction = z.number().min(0).max(1).nullable();
const secondsTarget = z.number().nonnegative().nullable();

/**
 * Contact-centre targets, effective-dated by the first local day of the period judged
 * (METRICS.md §3 and §5). `null` means "data only". Defaults are the published measures.
 */
export const callTargetsSchema = z.object({
  effectiveFrom: day,
  /** CC-ANSWERED: % of calls answered. */
  answerRate: fraction.default(0.825),
  /** CC-ABANDON: call abandonment rate. */
  abandonRate: fraction.default(0.175),
  /** CC-MAX-ABANDON: maximum % abandoned calls — the worst single day's abandon rate in the period. */
  maxAbandonRate: fraction.default(0.1),
  /** CC-WAIT: average call wait time (6 minutes). */
  avgWaitSeconds: secondsTarget.default(360),
  /** CC-MAX-ANSWER: maximum call answering time (2 minutes). */
  maxAnswerWaitSeconds: secondsTarget.default(120),
  /** CC-AHT: average handling time (6 min 38 s). */
  ahtSeconds: secondsTarget.default(398),
  /** CC-DAILY-CALLS: daily calls managed. */
  callsPerDay: z.number().nonnegative().nullable().default(590),
  /** No published target; set one to get a status. */
  serviceLevel: fraction.default(null),
  asaSeconds: secondsTarget.default(null),
  /** CC-EMAILS: emails processed a day, per mailbox; `*` is all mailboxes together and any mailbox without its own. */
  emailsPerDay: z.record(z.string(), z.number().nonnegative()).default({ '*': 59 }),
});
export type CallTargets = z.infer<typeof callTargetsSchema>;

export const defaultCallTargets: CallTargets[] = [callTargetsSchema.parse({ effectiveFrom: '1970-01-01' })];

/** The targets in force on a local date (versions in any order); undefined before the first. */
export function targetsInForce(versions: readonly CallTargets[], localDate: string): CallTargets | undefined {
  return versionInForce(versions, localDate);
}

export type Direction = MeasureDirection;
export type FigureStatus = MeasureStatus;

/**
 * RAG status (METRICS.md §5), the measure catalogue's rule: green meets the target (equal
 * meets), amber misses it by no more than the tolerance (a fraction of the target, default 5%),
 * red beyond; `data_only` without a target, `no_data` without a value.
 */
export function figureStatus(value: number | null, target: number | null, direction: Direction, tolerance = 0.05): FigureStatus {
  return measureStatus(value, target, direction, tolerance);
}

export type Figure = Ratio & {
  unit: 'fraction' | 'seconds' | 'per_day';
  target: number | null;
  direction: Direction;
  status: FigureStatus;
  label?: string;
};

export type FigureOptions = {
  targets: CallTargets | undefined;
  variant: ServiceLevelVariant;
  serviceLevelSeconds: number;
  shortAbandonSeconds: number;
  tolerance: number;
  /** Open days of the period (null for an interval, where per-day figures mean nothing). */
  openDays: number | null;
  /**
   * The highest abandon rate of a single day in the period, for CC-MAX-ABANDON ("maximum %
   * abandoned calls"): the day's own rate for a day, the worst day for a month; null for an interval.
   */
  maxDailyAbandon?: (Ratio & { day: string }) | null;
  /** Email contacts processed in the period, and the mailbox the email target is for (`*` = all). */
  emailsProcessed?: number;
  mailbox?: string;
  /** Emails processed in the period per mailbox: each judged against its own target. */
  emailsByMailbox?: Record<string, number>;
};

function figure(r: Ratio, unit: Figure['unit'], target: number | null, direction: Direction, tolerance: number, label?: string): Figure {
  // Object.assign, not `{ ...r, unit, … }`: on Node 20 a literal that starts with a spread and
  // adds keys after it takes V8's slow path (some 20 µs, not 1), and an interval table builds a
  // thousand figures a request. Same keys in the same order.
  const f: Figure = Object.assign({}, r, { unit, target, direction, status: figureStatus(r.value, target, direction, tolerance) });
  if (label) f.label = label;
  return f;
}

const single = (value: number | null): Ratio => ({ value, numerator: value ?? 0, denominator: value === null ? 0 : 1 });

/**
 * Every figure of METRICS.md §3 from a period's counts, each with its target and status.
 * Ratios are fractions 0–1, durations seconds.
 */
export function callFigures(c: CallCounts, o: FigureOptions) {
  const t = o.targets;
  const tol = o.tolerance;
  const abandon = abandonRate(c);
  const ahtLabel = ahtBasis(c);
  const variants = Object.fromEntries(
    (Object.keys(serviceLevelVariants) as ServiceLevelVariant[]).map((v) => [v, Object.assign(serviceLevel(c, v), { label: serviceLevelVariants[v] })]),
  ) as Record<ServiceLevelVariant, Ratio & { label: string }>;
  const emailTarget = t ? (t.emailsPerDay[o.mailbox ?? '*'] ?? t.emailsPerDay['*'] ?? null) : null;
  return {
    answerRate: figure(answerRate(c), 'fraction', t?.answerRate ?? null, 'up', tol),
    abandonRate: figure(abandon, 'fraction', t?.abandonRate ?? null, 'down', tol),
    maxDailyAbandonRate: o.maxDailyAbandon ? Object.assign(figure(o.maxDailyAbandon, 'fraction', t?.maxAbandonRate ?? null, 'down', tol), { day: o.maxDailyAbandon.day }) : null,
    serviceLevel: Object.assign(figure(serviceLevel(c, o.variant), 'fraction', t?.serviceLevel ?? null, 'up', tol, serviceLevelVariants[o.variant]), {
      thresholdSeconds: o.serviceLevelSeconds,
      variant: o.variant,
      variants,
    }),
    asa: figure(asa(c), 'seconds', t?.asaSeconds ?? null, 'down', tol),
    avgWait: figure(avgWait(c), 'seconds', t?.avgWaitSeconds ?? null, 'down', tol),
    maxAnswerWait: figure(single(c.answered > 0 ? c.maxAnswerWait : null), 'seconds', t?.maxAnswerWaitSeconds ?? null, 'down', tol),
    aht: figure(aht(c), 'seconds', t?.ahtSeconds ?? null, 'down', tol, ahtLabel ?? undefined),
    callsPerDay: o.openDays === null ? null : figure(perDay(c.offered, o.openDays), 'per_day', t?.callsPerDay ?? null, 'up', tol),
    emailsPerDay:
      o.openDays === null || o.emailsProcessed === undefined ? null : figure(perDay(o.emailsProcessed, o.openDays), 'per_day', emailTarget, 'up', tol),
    emailsPerDayByMailbox:
      o.openDays === null || o.emailsByMailbox === undefined
        ? null
        : Object.fromEntries(
            Object.entries(o.emailsByMailbox).map(([mailbox, n]) => [
              mailbox,
              figure(perDay(n, o.openDays!), 'per_day', t ? (t.emailsPerDay[mailbox] ?? t.emailsPerDay['*'] ?? null) : null, 'up', tol),
            ]),
          ),
    shortAbandonSeconds: o.shortAbandonSeconds,
  };
}
export type CallFigures = ReturnType<typeof callFigures>;
