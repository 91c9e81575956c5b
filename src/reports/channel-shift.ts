/**
 * Channel shift (issue 14): contacts per channel per month and each channel's share. Telephone
 * from call visits (offered), email from email contacts (received), web / app / face-to-face from
 * tickets' channel plus counts supplied for the data-only measures CH-WEB, CH-APP, CH-F2F.
 * Telephone and email tickets are not counted again (their contacts are the calls and emails).
 * Tickets are counted once evaluated by the SLA compute (the stored counts of their opening day).
 */
import { CALLS_METRIC, EMAILS_METRIC } from '../calls/rules.ts';
import type { MetricRange, MetricRow } from '../store/reports.ts';

export const channels = ['telephone', 'email', 'web', 'app', 'face-to-face'] as const;
export type Channel = (typeof channels)[number];
/** The supplied measure holding a channel's extra contacts per month. */
export const suppliedChannelMeasures: Partial<Record<Channel, string>> = { web: 'CH-WEB', app: 'CH-APP', 'face-to-face': 'CH-F2F' };

/** A ticket's channel text → a self-service or in-person channel, or null (phone and email tickets are counted as calls and emails). */
export function channelOfTicket(text: string | null): Channel | null {
  const t = (text ?? '').trim().toLowerCase();
  if (/web|portal|self[- ]?service|online|chat/.test(t)) return 'web';
  if (/\bapp\b|mobile/.test(t)) return 'app';
  if (/walk|face|f2f|in person|counter|desk visit/.test(t)) return 'face-to-face';
  return null;
}

export type ChannelInputs = {
  months: readonly string[];
  calls: { month: string; offered: number }[];
  emails: { month: string; received: number }[];
  tickets: { month: string; channel: string | null; n: number }[];
  supplied: { code: string; period: string; value: number | null }[];
};

/** The stored rows the section reads for the months given (oldest first): calls offered and emails received of all queues and mailboxes. */
export function channelRanges(months: readonly string[]): MetricRange[] {
  const from = months[0]!;
  const to = months[months.length - 1]!;
  return [
    { metric: CALLS_METRIC, grain: 'month', from, to, dimKeys: [''] },
    { metric: EMAILS_METRIC, grain: 'month', from, to, dimKeys: [''] },
  ];
}

/** The section's inputs from the rows of `channelRanges` (read with the report's other stored rows), tickets per channel and the supplied counts. */
export function channelInputs(months: readonly string[], [calls = [], emails = []]: MetricRow[][], tickets: ChannelInputs['tickets'], supplied: ChannelInputs['supplied']): ChannelInputs {
  return {
    months,
    calls: calls.map((r) => ({ month: r.period, offered: Number(r.counts.offered ?? 0) })),
    emails: emails.map((r) => ({ month: r.period, received: Number(r.counts.received ?? 0) })),
    tickets,
    supplied,
  };
}

/** Contacts and shares per month (pure); months before the first contact are left out. */
export function channelShift(input: ChannelInputs) {
  const rows = input.months.map((month) => {
    const counts = Object.fromEntries(channels.map((c) => [c, 0])) as Record<Channel, number>;
    counts.telephone = input.calls.find((r) => r.month === month)?.offered ?? 0;
    counts.email = input.emails.find((r) => r.month === month)?.received ?? 0;
    for (const t of input.tickets) {
      const c = t.month === month ? channelOfTicket(t.channel) : null;
      if (c) counts[c] += t.n;
    }
    for (const [c, code] of Object.entries(suppliedChannelMeasures) as [Channel, string][]) {
      counts[c] += input.supplied.find((s) => s.code === code && s.period === month)?.value ?? 0;
    }
    const total = channels.reduce((s, c) => s + counts[c], 0);
    const shares = Object.fromEntries(channels.map((c) => [c, total > 0 ? counts[c] / total : null])) as Record<Channel, number | null>;
    return { month, counts, total, shares };
  });
  const first = rows.findIndex((r) => r.total > 0);
  return { channels: [...channels], months: first < 0 ? [] : rows.slice(first) };
}
export type ChannelShift = ReturnType<typeof channelShift>;
