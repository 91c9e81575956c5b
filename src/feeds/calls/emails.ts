import { rowFields } from '../row-fields.ts';
import type { EmailContact } from '../../calls/visit.ts';
import type { FieldProblem } from './generic-csv.ts';

/**
 * The email-contacts CSV (METRICS.md §3, `emailsPerDay`): one row per email to a contact
 * mailbox, columns `id, mailbox, received_at, processed_at` in any order (all but
 * `processed_at` required; an empty `processed_at` is an email not yet dealt with). Timestamps
 * ISO 8601, naive ones in the calendar's zone. Re-sending a row with its `processed_at` filled
 * in updates it (upsert on source + mailbox + id). Unknown columns are kept.
 */
export const emailColumns = ['id', 'mailbox', 'received_at', 'processed_at'] as const;
const known = new Set<string>(emailColumns);

export type EmailRowResult =
  | { ok: true; email: EmailContact & { extra: Record<string, string> | null }; warnings: string[] }
  | { ok: false; problems: FieldProblem[] };

export function normaliseEmailContact(values: Record<string, string>, opts: { source: string; zone: string }): EmailRowResult {
  const { problems, warnings, instant, name } = rowFields(values, opts.zone);
  const id = name('id', true);
  const mailbox = name('mailbox', true);
  const receivedAt = instant('received_at', true);
  const processedAt = instant('processed_at', false);
  if (receivedAt !== null && processedAt !== null && processedAt < receivedAt) problems.push({ field: 'processed_at', reason: 'processed_at is before received_at' });
  if (problems.length > 0 || !id || !mailbox || receivedAt === null) return { ok: false, problems };
  let extra: Record<string, string> | null = null;
  for (const [k, v] of Object.entries(values)) if (!known.has(k) && v !== '') (extra ??= {})[k] = v;
  return { ok: true, warnings, email: { source: opts.source, mailbox, externalId: id, receivedAt, processedAt, extra } };
}
