import { localDayMemo } from '../calendar/day-cache.ts';
import { dayNumberToDayKey } from '../calendar/zone.ts';

/**
 * Email contacts per period (METRICS.md §3, `emailsPerDay`): received by the local day of
 * receipt, processed (and the time it took) by the local day of processing. Pure.
 */
export type EmailCounts = { received: number; processed: number; processingSecondsSum: number };
export const emptyEmailCounts = (): EmailCounts => ({ received: 0, processed: 0, processingSecondsSum: 0 });

export function mergeEmailCounts(a: EmailCounts, b: Partial<EmailCounts>): EmailCounts {
  a.received += b.received ?? 0;
  a.processed += b.processed ?? 0;
  a.processingSecondsSum += b.processingSecondsSum ?? 0;
  return a;
}

export type EmailRow = { mailbox: string; receivedAt: number; processedAt: number | null };

/**
 * Email counts per local day (or month) and mailbox, plus all mailboxes (`mailbox: null`),
 * for the periods in `keep` only (a contact received in one period and processed in another
 * counts once in each, for what happened there).
 */
export function countEmailsByPeriod(rows: Iterable<EmailRow>, zone: string, grain: 'day' | 'month', keep?: ReadonlySet<string>) {
  const localDay = localDayMemo(zone);
  const period = (ms: number) => {
    const day = dayNumberToDayKey(localDay(ms));
    return grain === 'day' ? day : day.slice(0, 7);
  };
  const out = new Map<string, EmailCounts>(); // `${period}\u0000${mailbox or ''}`
  const bump = (p: string, mailbox: string | null, f: (c: EmailCounts) => void) => {
    if (keep && !keep.has(p)) return;
    for (const m of [null, mailbox]) {
      const k = `${p}\u0000${m ?? ''}`;
      let c = out.get(k);
      if (!c) out.set(k, (c = emptyEmailCounts()));
      f(c);
    }
  };
  for (const r of rows) {
    bump(period(r.receivedAt), r.mailbox, (c) => (c.received += 1));
    if (r.processedAt !== null) {
      const secs = (r.processedAt - r.receivedAt) / 1000;
      bump(period(r.processedAt), r.mailbox, (c) => {
        c.processed += 1;
        c.processingSecondsSum += secs;
      });
    }
  }
  return [...out.entries()]
    .map(([k, counts]) => {
      const [p, m] = k.split('\u0000') as [string, string];
      return { period: p, mailbox: m === '' ? null : m, counts };
    })
    .sort((a, b) => a.period.localeCompare(b.period) || (a.mailbox ?? '').localeCompare(b.mailbox ?? ''));
}
