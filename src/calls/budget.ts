/**
 * Abandon budget for calls (METRICS.md §3, README "Forecast and breach budget"): how many more abandons the period can take with the
 * abandon rate still within its (maximum) target, given the calls still expected. With `a`
 * abandoned of `d` counted calls (offered less short abandons), `n` more expected and target `t`:
 * the most `x` with (a + x) ÷ (d + n) ≤ t, that is x ≤ t(d + n) − a.
 */
export function abandonBudget(c: { abandoned: number; counted: number; expectedCalls: number; target: number }): number {
  return Math.floor(c.target * (c.counted + c.expectedCalls) - c.abandoned + 1e-9);
}
