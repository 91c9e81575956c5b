import { blank, rowFields } from '../row-fields.ts';
import { priorities, type Priority } from '../../sla/policy.ts';

/** A ticket as the feeds hand it to the store (METRICS.md §2, "Tickets"); instants as Date. */
export type NormalisedTicket = {
  externalId: string;
  kind: string;
  priority: Priority;
  vip: boolean;
  team: string | null;
  channel: string | null;
  category: string | null;
  status: string | null;
  openedAt: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  satisfaction: number | null;
  extra: Record<string, string> | null;
};

import type { FieldProblem } from '../ingest-csv.ts';
export type NormaliseResult =
  | { ok: true; ticket: NormalisedTicket; warnings: string[] }
  | { ok: false; problems: FieldProblem[] };

export const genericTicketColumns = [
  'id', 'kind', 'priority', 'vip', 'team', 'channel', 'category', 'status',
  'opened_at', 'first_response_at', 'resolved_at', 'closed_at', 'satisfaction',
] as const;
const known = new Set<string>(genericTicketColumns);

const priorityAliases: Record<string, Priority> = { p1: 'critical', p2: 'high', p3: 'normal', p4: 'low', p5: 'long_term' };

/** `critical|high|normal|low|long_term` or `P1`–`P5`, any case; "long term" and "long-term" too. */
export function parsePriority(text: string): Priority | null {
  const v = text.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if ((priorities as readonly string[]).includes(v)) return v as Priority;
  return priorityAliases[v] ?? null;
}

/**
 * `read` of a cell's text, remembered: a feed's kinds and priorities are a handful of spellings
 * repeated on every row, and the case folding and pattern replacement cost more than the lookup
 * (bench:ingest). Bounded: cleared past 1,000 spellings (a column of free text, not a vocabulary).
 */
function memoised<T>(read: (text: string) => T): (text: string) => T {
  const seen = new Map<string, T>();
  return (text) => {
    let v = seen.get(text);
    if (v === undefined && !seen.has(text)) {
      v = read(text);
      if (seen.size >= 1000) seen.clear();
      seen.set(text, v);
    }
    return v as T;
  };
}
const priorityOf = memoised(parsePriority);
const kindOf = memoised((text) => text.toLowerCase().replace(/[\s-]+/g, '_'));

/** true/false, yes/no, y/n, 1/0; empty is false. */
export function parseFlag(text: string): boolean | null {
  const v = text.trim().toLowerCase();
  if (v === '' || v === 'false' || v === 'no' || v === 'n' || v === '0') return false;
  if (v === 'true' || v === 'yes' || v === 'y' || v === '1') return true;
  return null;
}

export type GenericOptions = {
  /** Zone naive timestamps are read in: the calendar's (METRICS.md §2). */
  zone: string;
  kinds: readonly string[];
};



const dateOf = (ms: number | null) => (ms === null ? null : new Date(ms));

/**
 * One generic ticket CSV row to a normalised ticket, or every problem found with the field it
 * is in. Only `id`, `kind`, `priority` and `opened_at` are required (ARCHITECTURE.md).
 */
export function normaliseGenericTicket(values: Record<string, string>, opts: GenericOptions): NormaliseResult {
  const row = rowFields(values, opts.zone);
  const { problems, warnings } = row;

  const id = row.name('id', true);

  const kindText = blank(values.kind);
  const kind = kindText === null ? null : kindOf(kindText);
  if (!kind) problems.push({ field: 'kind', reason: 'missing kind' });
  else if (!opts.kinds.includes(kind)) {
    problems.push({ field: 'kind', reason: `unknown kind "${kindText}" (expected ${opts.kinds.join(', ')})` });
  }

  const priorityText = blank(values.priority);
  const priority = priorityText ? priorityOf(priorityText) : null;
  if (!priorityText) problems.push({ field: 'priority', reason: 'missing priority' });
  else if (!priority) {
    problems.push({ field: 'priority', reason: `unknown priority "${priorityText}" (expected ${priorities.join(', ')} or P1-P5)` });
  }

  const vip = parseFlag(values.vip ?? '');
  if (vip === null) problems.push({ field: 'vip', reason: `unreadable vip "${values.vip}" (expected true/false, yes/no, 1/0 or empty)` });

  const openedAt = dateOf(row.instant('opened_at', true));
  const firstResponseAt = dateOf(row.instant('first_response_at', false));
  const resolvedAt = dateOf(row.instant('resolved_at', false));
  const closedAt = dateOf(row.instant('closed_at', false));
  if (openedAt && resolvedAt && resolvedAt < openedAt) {
    problems.push({ field: 'resolved_at', reason: 'resolved_at is before opened_at' });
  }

  const satisfaction = row.integer('satisfaction');
  const team = row.name('team', false);
  const channel = row.name('channel', false);
  const category = row.name('category', false);
  const status = row.name('status', false);

  if (problems.length > 0 || !id || !kind || !priority || !openedAt || vip === null) {
    return { ok: false, problems };
  }
  let extra: Record<string, string> | null = null;
  // for…in, not Object.entries: no array of pairs a row.
  for (const k in values) {
    const v = values[k]!;
    if (v !== '' && !known.has(k)) (extra ??= {})[k] = v;
  }
  return {
    ok: true,
    warnings,
    ticket: {
      externalId: id,
      kind,
      priority,
      vip,
      team,
      channel,
      category,
      status,
      openedAt,
      firstResponseAt,
      resolvedAt,
      closedAt,
      satisfaction,
      extra,
    },
  };
}
