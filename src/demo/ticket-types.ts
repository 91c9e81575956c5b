/** Columns, teams and the ticket record of the demo ticket feed. */

export const demoTicketColumns = [
  'id',
  'kind',
  'priority',
  'vip',
  'team',
  'channel',
  'category',
  'status',
  'opened_at',
  'first_response_at',
  'resolved_at',
  'closed_at',
  'satisfaction',
] as const;

export const demoTeams = [
  'Application Support',
  'Civica',
  'Network',
  'Server',
  'SWIFT Admin',
  'Service desk',
  'Tech Support Admin',
] as const;

export type DemoTeam = (typeof demoTeams)[number];
export type DemoKind = 'incident' | 'service_request';
export type DemoPriority = 'critical' | 'high' | 'normal' | 'low' | 'long_term';
export type DemoChannel = 'phone' | 'email' | 'portal' | 'walk-in';

export interface DemoTicket {
  id: string;
  kind: DemoKind;
  /** Canonical priority. */
  priority: DemoPriority;
  /** Priority as written in the feed: the canonical name or `P1`–`P5`. */
  priorityText: string;
  vip: boolean;
  /** VIP flag as written in the feed: `yes`, `no` or empty. */
  vipText: '' | 'yes' | 'no';
  team: DemoTeam;
  channel: DemoChannel;
  /** Empty on a few rows, as in real exports. */
  category: string;
  status: string;
  openedAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  satisfaction: number | null;
}

export interface DemoTicketOptions {
  /** Last local day of the feed, `YYYY-MM-DD`. */
  today: string;
  /** Number of local days ending with `today` (inclusive). Default 90. */
  days?: number;
  /** Default 1. */
  seed?: number;
  /**
   * Local time of day on `today` (`HH:MM` or `HH:MM:SS`) up to which the feed runs: nothing is
   * opened, answered, resolved or closed after it. Default `23:59:59` (the end of `today`).
   * Changing it only cuts the feed off; it never changes the tickets before it.
   */
  now?: string;
}

// Civil dates as integer day numbers (days since 1970-01-01): the calendar module's arithmetic.
