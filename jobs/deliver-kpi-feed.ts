import { z } from 'zod';
import { readKpiFeed, signatureOf } from '../src/reports/kpi-feed.ts';
import { monthPattern } from '../src/reports/monthly.ts';
import { logKpiDelivery } from '../src/store/kpi-feed.ts';
import { defineJob } from './define.ts';
import { InvalidPayloadError } from './record-run.ts';

const TIMEOUT_MS = 30_000;

/**
 * POSTs one KPI feed revision (JSON) to `KPI_WEBHOOK_URL` with `X-Attain-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` under `KPI_WEBHOOK_SECRET`. Every attempt is logged in
 * `kpi_feed_deliveries`; a non-2xx answer or no answer throws, so the runner retries with backoff.
 */
export const deliverKpiFeedJob = defineJob({
  name: 'deliver-kpi-feed',
  payload: z.object({ month: z.string().regex(monthPattern, 'expected YYYY-MM'), revision: z.number().int().min(1) }),
  retries: 6,
  backoffMs: 30_000,
  async run(ctx, p) {
    const url = ctx.env.kpiWebhookUrl;
    const secret = ctx.env.kpiWebhookSecret;
    if (!url || !secret) return { skipped: 'KPI_WEBHOOK_URL and KPI_WEBHOOK_SECRET are not set' };
    const doc = await readKpiFeed(ctx.db, p.month, p.revision);
    // Retrying cannot make a missing revision appear.
    if (!doc) throw new InvalidPayloadError(`${p.month} has no KPI feed revision ${p.revision}`);
    const body = JSON.stringify(doc);
    const started = Date.now();
    let httpStatus: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'attain-kpi-feed',
          // The sending instant from the real clock (not ctx.now): the receiver compares it with its own.
          'x-attain-signature': signatureOf(secret, body, Math.floor(Date.now() / 1000)),
          'x-attain-feed': `${p.month};revision=${p.revision}`,
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      httpStatus = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) error = `the webhook answered ${res.status}`;
    } catch (e) {
      error = `no answer from the webhook: ${(e as Error).message}`;
    }
    const ok = error === null;
    const row = await logKpiDelivery(ctx.db, { month: p.month, revision: p.revision, url, httpStatus, ok, error, durationMs: Date.now() - started, at: ctx.now() });
    if (!ok) throw new Error(`${error} (attempt ${row.attempt})`);
    return { month: p.month, revision: p.revision, httpStatus, attempt: row.attempt };
  },
});
