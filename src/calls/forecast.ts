import { addDays, localDayKey, weekdayOf } from '../calendar/zone.ts';
import { abandonBudget } from './budget.ts';
import { abandonRate, answerRate, emptyCallCounts, mergeCallCounts, serviceLevel, type CallCounts, type Ratio, type ServiceLevelVariant } from './kpis.ts';
import { figureStatus, type Direction } from './targets.ts';

/**
 * Month-end forecast of the call measures and the abandon budget (README "Call forecast",
 * docs/call-forecast.md). Pure: a local day's counts per row and `now` in, numbers out.
 *
 * - What is counted this month stays.
 * - Calls still to come: each remaining open day of the month brings the mean arrivals of its
 *   weekday over the four weeks before today (the days the data covers), as the SLA forecast
 *   does for tickets; today brings what its weekday's mean still lacks.
 * - Each measure's share of the calls still to come is its month-to-date rate, so the central
 *   value IS the month-to-date rate; what the forecast adds is how far the month can still move
 *   (the 80% interval, narrowing as the month fills) and the final counts behind the budget.
 */

export type DayCounts = { day: string; counts: CallCounts };

export type CallForecastOptions = {
  zone: string;
  /** `YYYY-MM` */
  month: string;
  /** Calendar open days; a closed day (a holiday) expects no calls whatever its weekday. */
  isOpenDay?: (day: string) => boolean;
  variant?: ServiceLevelVariant;
  targets: { answerRate: number | null; abandonRate: number | null; serviceLevel: number | null };
  tolerance?: number;
  coverage?: number;
};

export type MeasureForecast = {
  soFar: Ratio;
  /** Calls still expected to join this measure's denominator (fractional: an expectation). */
  expectedMore: number;
  central: number | null;
  low: number | null;
  high: number | null;
  target: number | null;
  direction: Direction;
  /** The central value against the target (METRICS.md §5 rule). */
  status: ReturnType<typeof figureStatus>;
};

/** Arrival rates are read from the four weeks before today. */
export const WINDOW_DAYS = 28;

/** z for a two-sided interval of the given coverage (0.8 → 1.2816), by bisection on the normal CDF. */
export function zFor(coverage: number): number {
  const cdf = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) - cdf(-mid) < coverage) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Abramowitz–Stegun 7.1.26 (error under 1.5e-7, ample for an interval's width). */
function erf(x: number): number {
  const s = Math.sign(x);
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496735) * t + 0.254829592) * t * Math.exp(-x * x);
  return s * y;
}

/**
 * Expected calls still to arrive this month (offered): per weekday, the mean offered of the
 * window's days of that weekday from the first day with calls (closed days included, so a
 * weekday that is usually shut expects few), summed over the days left; today counts only what
 * its mean still lacks.
 */
export function expectedCallsLeft(days: readonly DayCounts[], today: string, lastDay: string, isOpenDay: (d: string) => boolean = () => true): number {
  const windowStart = addDays(today, -WINDOW_DAYS);
  const offered = new Map(days.map((d) => [d.day, d.counts.offered]));
  const inWindow = days.filter((d) => d.day >= windowStart && d.day < today && d.counts.offered > 0).map((d) => d.day).sort();
  if (inWindow.length === 0) return 0;
  const sum = new Array<number>(7).fill(0);
  const seen = new Array<number>(7).fill(0);
  for (let d = inWindow[0]!; d < today; d = addDays(d, 1)) {
    seen[weekdayOf(d)]!++;
    sum[weekdayOf(d)]! += offered.get(d) ?? 0;
  }
  const mean = (d: string) => (seen[weekdayOf(d)]! > 0 ? sum[weekdayOf(d)]! / seen[weekdayOf(d)]! : 0);
  let expected = 0;
  for (let d = today; d <= lastDay; d = addDays(d, 1)) {
    if (!isOpenDay(d)) continue;
    expected += d === today ? Math.max(0, mean(d) - (offered.get(d) ?? 0)) : mean(d);
  }
  return expected;
}

/**
 * Day-to-day variance of a measure's daily rates over the window's days (each day weighted by its
 * denominator), so the interval reflects the drift between days, not only the coin-tossing.
 */
export function dailyVariance(days: readonly DayCounts[], rate: (c: CallCounts) => Ratio): number | null {
  const rs = days.map((d) => rate(d.counts)).filter((r) => r.denominator > 0 && r.value !== null);
  if (rs.length < 3) return null;
  const w = rs.reduce((s, r) => s + r.denominator, 0);
  const mean = rs.reduce((s, r) => s + r.numerator, 0) / w;
  const ss = rs.reduce((s, r) => s + r.denominator * (r.value! - mean) ** 2, 0) / w;
  return (ss * rs.length) / (rs.length - 1);
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * One measure at month end: (N + p·m) ÷ (D + m) with N of D counted so far, m more expected in the
 * denominator and p = N ÷ D. The remaining calls' rate varies with variance
 * max(p(1 − p) ÷ m, s² ÷ k) (binomial, or the daily rates' variance s² over the k open days left,
 * whichever is wider), so the final rate's standard deviation is m·sd ÷ (D + m).
 */
export function measureAtMonthEnd(soFar: Ratio, expectedMore: number, daysLeft: number, dayVariance: number | null, z: number) {
  const { numerator: n, denominator: d } = soFar;
  if (d <= 0) return { central: null, low: null, high: null };
  const p = n / d;
  const m = expectedMore;
  if (m <= 0) return { central: p, low: p, high: p };
  const binomial = (p * (1 - p)) / m;
  const drift = dayVariance !== null && daysLeft > 0 ? dayVariance / daysLeft : 0;
  const sd = (m * Math.sqrt(Math.max(binomial, drift))) / (d + m);
  return { central: p, low: clamp01(p - z * sd), high: clamp01(p + z * sd) };
}

/** Month-end answer rate, abandon rate and service level, with an 80% interval, and the abandon budget (METRICS.md §3). */
export function forecastCalls(days: readonly DayCounts[], now: number, o: CallForecastOptions) {
  const isOpen = o.isOpenDay ?? (() => true);
  const variant = o.variant ?? 'offered';
  const firstDay = `${o.month}-01`;
  const lastDay = addDays(addDays(firstDay, 32).slice(0, 7) + '-01', -1);
  const nowDay = localDayKey(o.zone, now);
  // A month over is its final figure; a month not begun is forecast from the weeks before it.
  const today = nowDay > lastDay ? addDays(lastDay, 1) : nowDay < firstDay ? firstDay : nowDay;
  const month = emptyCallCounts();
  for (const d of days) if (d.day >= firstDay && d.day <= lastDay) mergeCallCounts(month, d.counts);
  const expectedCalls = today > lastDay ? 0 : expectedCallsLeft(days, today, lastDay, isOpen);
  let daysLeft = 0;
  for (let d = today; d <= lastDay; d = addDays(d, 1)) if (isOpen(d)) daysLeft++;
  const z = zFor(o.coverage ?? 0.8);
  const window = days.filter((d) => d.day >= addDays(today, -WINDOW_DAYS) && d.day < today);
  // The share of offered calls that reach each denominator (short abandons and, for some service
  // level variants, more calls are left out): this month's, else the window's.
  const basisCounts = month.offered > 0 ? month : window.reduce((c, d) => mergeCallCounts(c, d.counts), emptyCallCounts());

  const measure = (rate: (c: CallCounts) => Ratio, target: number | null, direction: Direction): MeasureForecast => {
    const soFar = rate(month);
    const share = basisCounts.offered > 0 ? rate(basisCounts).denominator / basisCounts.offered : 0;
    const expectedMore = expectedCalls * share;
    const f = measureAtMonthEnd(soFar, expectedMore, daysLeft, dailyVariance(window, rate), z);
    return { soFar, expectedMore, ...f, target, direction, status: figureStatus(f.central, target, direction, o.tolerance ?? 0.05) };
  };
  const abandon = measure(abandonRate, o.targets.abandonRate, 'down');
  return {
    month: o.month,
    asOf: new Date(now).toISOString(),
    /** The day the calls still to come are counted from (the month's first day before it begins). */
    fromDay: today,
    offeredSoFar: month.offered,
    expectedCalls,
    openDaysLeft: daysLeft,
    coverage: o.coverage ?? 0.8,
    answerRate: measure(answerRate, o.targets.answerRate, 'up'),
    abandonRate: abandon,
    serviceLevel: { ...measure((c) => serviceLevel(c, variant), o.targets.serviceLevel, 'up'), variant },
    /** How many more abandons the month can take within the abandon target (null without a target). */
    abandonBudget:
      o.targets.abandonRate === null
        ? null
        : abandonBudget({ abandoned: month.abandoned, counted: abandon.soFar.denominator, expectedCalls: abandon.expectedMore, target: o.targets.abandonRate }),
  };
}
export type CallForecast = ReturnType<typeof forecastCalls>;
