/**
 * Demo ticket feed: a pure, deterministic generator of a council service desk's ticket export in
 * the generic ticket CSV format (ARCHITECTURE.md "Generic feed files"; METRICS.md §2).
 *
 * Timestamps are naive local UK times `YYYY-MM-DD HH:MM:SS`, as a council's export gives them;
 * the ingest reads them in Europe/London. All date arithmetic is on integer day numbers and
 * local seconds, so no Date object (or time zone) is involved. Openings fall within 07:30–18:30
 * and every later timestamp inside the service desk's opening hours, so none lands in the
 * 01:00–02:59 window of a clock-change Sunday.
 */
import { csvLine, type CsvValue } from '../feeds/csv-line.ts';
import { createRandom, hashSeed, type Random } from './random.ts';
import { englandAndWalesBankHolidays } from '../calendar/defaults.ts';
import { civilFromDays, dayKeyToDayNumber, dayNumberToDayKey } from '../calendar/zone.ts';

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
const DAY = 86_400;
const parseDayKey = dayKeyToDayNumber;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

const dayKey = dayNumberToDayKey;

/** 0 = Sunday … 6 = Saturday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Local seconds (day · 86400 + second of day) as `YYYY-MM-DD HH:MM:SS`. */
function formatLocal(t: number): string {
  const day = Math.floor(t / DAY);
  const s = t - day * DAY;
  return `${dayKey(day)} ${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

function parseLocal(text: string): number {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`not a local timestamp: ${JSON.stringify(text)}`);
  return parseDayKey(match[1] as string) * DAY + Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]);
}

function parseTimeOfDay(text: string): number {
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  const h = Number(match?.[1]);
  const m = Number(match?.[2]);
  const s = Number(match?.[3] ?? 0);
  if (!match || h > 23 || m > 59 || s > 59) throw new RangeError(`not a time of day: ${JSON.stringify(text)}`);
  return h * 3600 + m * 60 + s;
}

// ---------------------------------------------------------------------------------------------
// Calendar: England & Wales bank holidays (the service-desk calendar's) and its opening hours.

const BANK_HOLIDAYS = new Set(englandAndWalesBankHolidays.map(parseDayKey));

const OPEN = 8 * 3600 + 40 * 60; // 08:40
const CLOSE = 17 * 3600; // Mon–Thu 17:00
const CLOSE_FRIDAY = 16 * 3600 + 30 * 60; // Fri 16:30

function isWorkingDay(day: number): boolean {
  const wd = weekday(day);
  return wd >= 1 && wd <= 5 && !BANK_HOLIDAYS.has(day);
}

/** The service desk's open span on a day, in seconds of the day, or null when closed. */
function openSpan(day: number): readonly [number, number] | null {
  if (!isWorkingDay(day)) return null;
  return [OPEN, weekday(day) === 5 ? CLOSE_FRIDAY : CLOSE];
}

const MAX_WALK_DAYS = 3650;

/** Walks `seconds` of service-desk business time forward from local instant `t`. */
function addBusinessSeconds(t: number, seconds: number): number {
  let remaining = seconds;
  let at = t;
  for (let i = 0; i < MAX_WALK_DAYS; i++) {
    const day = Math.floor(at / DAY);
    const span = openSpan(day);
    if (span) {
      const start = Math.max(at, day * DAY + span[0]);
      const end = day * DAY + span[1];
      if (start < end || (start === end && remaining === 0)) {
        if (remaining <= end - start) return start + remaining;
        remaining -= end - start;
      }
    }
    at = (day + 1) * DAY;
  }
  throw new RangeError('addBusinessSeconds: duration too long');
}

/** Service-desk business seconds in [a, b) of local instants. */
function businessSecondsBetween(a: number, b: number): number {
  let total = 0;
  for (let day = Math.floor(a / DAY); day * DAY < b; day++) {
    const span = openSpan(day);
    if (!span) continue;
    const start = Math.max(a, day * DAY + span[0]);
    const end = Math.min(b, day * DAY + span[1]);
    if (end > start) total += end - start;
  }
  return total;
}

/**
 * Business minutes of the demo's service-desk calendar (Mon–Thu 08:40–17:00, Fri 08:40–16:30,
 * England & Wales bank holidays closed) between two local timestamps `YYYY-MM-DD HH:MM:SS`.
 * The generator's own approximation of METRICS.md §1, exposed for tests.
 */
export function demoBusinessMinutesBetween(from: string, to: string): number {
  return businessSecondsBetween(parseLocal(from), parseLocal(to)) / 60;
}

/** The working day `n` working days after `day`. */
function addWorkingDays(day: number, n: number): number {
  let d = day;
  for (let left = n; left > 0; ) {
    d++;
    if (isWorkingDay(d)) left--;
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// The desk's shape.

interface TeamProfile {
  weight: number;
  /** Usual share of tickets resolved within target. */
  met: number;
  /** Has bad weeks (a supplier outage, a backlog after a release). */
  volatile: boolean;
  incident: readonly string[];
  request: readonly string[];
}

const TEAMS: Record<DemoTeam, TeamProfile> = {
  'Service desk': {
    weight: 32,
    met: 0.955,
    volatile: false,
    incident: ['Account locked', 'Email / Outlook', 'Printing', 'Laptop / desktop fault', 'Login problem'],
    request: ['Password reset', 'New starter', 'Leaver', 'Software install', 'General enquiry'],
  },
  'Application Support': {
    weight: 18,
    met: 0.935,
    volatile: false,
    incident: ['Microsoft 365', 'Teams', 'SharePoint', 'Line-of-business application'],
    request: ['Access request', 'Report request', 'Application change'],
  },
  'Tech Support Admin': {
    weight: 14,
    met: 0.945,
    volatile: false,
    incident: ['Hardware fault', 'Mobile phone', 'Peripheral'],
    request: ['Hardware request', 'Smartphone setup', 'Desk move', 'Asset disposal'],
  },
  Network: {
    weight: 11,
    met: 0.925,
    volatile: true,
    incident: ['Wi-Fi', 'VPN', 'Site connectivity', 'Telephony'],
    request: ['Firewall change', 'New network point'],
  },
  Server: {
    weight: 10,
    met: 0.94,
    volatile: false,
    incident: ['Server down', 'Storage', 'Backup failure'],
    request: ['File share permissions', 'Restore request', 'New virtual machine'],
  },
  Civica: {
    weight: 10,
    met: 0.915,
    volatile: true,
    // One category holds a comma, as real category paths do: the feed must quote it.
    incident: ['Council Tax, Business Rates', 'Benefits', 'Civica Pay', 'Document management'],
    request: ['Access request', 'Parameter change'],
  },
  'SWIFT Admin': {
    weight: 5,
    met: 0.95,
    volatile: false,
    incident: ['SWIFT error', 'SWIFT performance'],
    request: ['SWIFT user account', 'SWIFT form change', 'SWIFT report'],
  },
};

const TEAM_WEIGHTS = demoTeams.map((team) => [team, TEAMS[team].weight] as const);

// Incidents are more often urgent than requests; together ≈ critical 3%, high 12%, normal 55%,
// low 25%, long_term 5%.
const PRIORITY_WEIGHTS: Record<DemoKind, readonly (readonly [DemoPriority, number])[]> = {
  incident: [['critical', 4], ['high', 15], ['normal', 55], ['low', 22], ['long_term', 4]],
  service_request: [['critical', 1], ['high', 6.5], ['normal', 55], ['low', 30.5], ['long_term', 7]],
};

const P_FORM: Record<DemoPriority, string> = {
  critical: 'P1',
  high: 'P2',
  normal: 'P3',
  low: 'P4',
  long_term: 'P5',
};

/** Resolution targets in business minutes (METRICS.md §2), [standard, VIP]; null = no target. */
const TARGET_MINUTES: Record<DemoPriority, readonly [number, number] | null> = {
  critical: [240, 180],
  high: [420, 240],
  normal: [1260, 420],
  low: [2100, 1260],
  long_term: null,
};

const CHANNELS_IN_HOURS: readonly (readonly [DemoChannel, number])[] = [
  ['phone', 38],
  ['email', 24],
  ['portal', 32],
  ['walk-in', 6],
];
const CHANNELS_OUT_OF_HOURS: readonly (readonly [DemoChannel, number])[] = [
  ['email', 45],
  ['portal', 55],
];

// Openings on a working day: [from, to) in minutes of the day, weight. A morning peak; ≈4% before
// 08:40 or after 17:00. Kept within 07:30–18:30.
const WORKDAY_ARRIVALS: readonly (readonly [readonly [number, number], number])[] = [
  [[450, 520], 2],
  [[520, 540], 6],
  [[540, 600], 16],
  [[600, 660], 15],
  [[660, 720], 12],
  [[720, 780], 8],
  [[780, 840], 10],
  [[840, 900], 10],
  [[900, 960], 8],
  [[960, 1020], 6],
  [[1020, 1110], 2],
];

const OPEN_STATUSES: readonly (readonly [string, number])[] = [
  ['In Progress', 40],
  ['Assigned', 32],
  ['New', 10],
  ['Awaiting User', 10],
  ['On hold', 8],
];

const SATISFACTION: readonly (readonly [number, number])[] = [
  [1, 2], [2, 1], [3, 1], [4, 2], [5, 4], [6, 7], [7, 13], [8, 25], [9, 21], [10, 24],
];

function dailyCount(day: number, r: Random): number {
  const [, m, d] = civilFromDays(day);
  const festive = (m === 12 && d >= 24) || (m === 1 && d <= 2);
  if (!isWorkingDay(day)) return BANK_HOLIDAYS.has(day) ? r.int(1, 5) : r.weighted([[0, 2], [1, 4], [2, 3], [3, 2], [4, 1]]);
  const byWeekday = [0, 1.15, 1.05, 1.0, 0.95, 0.85][weekday(day)] ?? 1;
  const afterHoliday = BANK_HOLIDAYS.has(day - 1) || (weekday(day) === 1 && BANK_HOLIDAYS.has(day - 3)) ? 1.15 : 1;
  const mean = 55 * byWeekday * afterHoliday * (festive ? 0.5 : 1);
  const n = Math.round(r.lognormal(mean, 0.12));
  return festive ? Math.min(45, Math.max(12, n)) : Math.min(70, Math.max(40, n));
}

function openingSecond(day: number, r: Random): number {
  if (!isWorkingDay(day)) return day * DAY + r.int(8 * 3600, 18 * 3600 - 1);
  const [from, to] = r.weighted(WORKDAY_ARRIVALS);
  return day * DAY + r.int(from * 60, to * 60 - 1);
}

/** ISO-ish week number (weeks starting Monday) for per-week team performance. */
function weekOf(day: number): number {
  return Math.floor((day + 3) / 7);
}

// ---------------------------------------------------------------------------------------------
// One ticket, drawn in full before the `now` cut-off is applied (so `now` never shifts the draws).

interface Draft {
  kind: DemoKind;
  priority: DemoPriority;
  priorityText: string;
  vip: boolean;
  vipText: '' | 'yes' | 'no';
  team: DemoTeam;
  channel: DemoChannel;
  category: string;
  opened: number;
  firstResponse: number | null;
  resolved: number;
  closed: number;
  openStatus: string;
  satisfaction: number | null;
}

function draftTicket(opened: number, metShare: (team: DemoTeam, day: number) => number, r: Random): Draft {
  const day = Math.floor(opened / DAY);
  const secondOfDay = opened - day * DAY;
  const span = openSpan(day);
  const inHours = span !== null && secondOfDay >= span[0] && secondOfDay < span[1];

  const kind: DemoKind = r.chance(0.65) ? 'incident' : 'service_request';
  const team = r.weighted(TEAM_WEIGHTS);
  const profile = TEAMS[team];
  const category = r.chance(0.02) ? '' : r.pick(kind === 'incident' ? profile.incident : profile.request);
  const priority = r.weighted(PRIORITY_WEIGHTS[kind]);
  const priorityText = r.chance(0.2) ? P_FORM[priority] : priority;
  const vip = r.chance(0.08);
  const vipText = vip ? 'yes' : r.chance(0.3) ? '' : 'no';
  const channel = r.weighted(inHours ? CHANNELS_IN_HOURS : CHANNELS_OUT_OF_HOURS);

  // First response: business minutes after opening; mostly 5–120, a few late, a few never logged.
  const responseKind = r.weighted([['usual', 92], ['late', 5], ['none', 3]] as const);
  const responseMinutes =
    responseKind === 'usual' ? Math.min(120, Math.max(5, Math.round(r.lognormal(20, 0.8)))) : r.int(121, 480);
  const responseSeconds = responseMinutes * 60 + r.int(0, 59);
  const firstResponse = responseKind === 'none' ? null : addBusinessSeconds(opened, responseSeconds);

  // Resolution: met or breached per the team's share that week, then a duration to match.
  const targets = TARGET_MINUTES[priority];
  const metRoll = r.next();
  const quickFix = r.chance(0.22);
  const u = r.next();
  const overrun = r.exponential(0.6);
  let minutes: number;
  if (targets === null) {
    minutes = Math.max(600, r.lognormal(6500, 0.8));
  } else {
    const target = targets[vip ? 1 : 0];
    if (metRoll < metShare(team, day)) {
      // Comfortably inside the target (≤ 94%), so small differences in calendars cannot flip it.
      minutes = quickFix ? 3 + u * Math.min(42, target * 0.25) : target * (0.04 + 0.9 * u ** 1.6);
    } else {
      minutes = target * (1.04 + overrun) + 1;
    }
  }
  const resolved = addBusinessSeconds(opened, Math.round(minutes * 60) + r.int(0, 59));

  // Closed automatically a few working days after resolution, at the same time of day.
  const closeDay = addWorkingDays(Math.floor(resolved / DAY), r.int(1, 5));
  const closeSpan = openSpan(closeDay) ?? [OPEN, CLOSE_FRIDAY];
  const resolvedSecond = resolved - Math.floor(resolved / DAY) * DAY;
  const closed = closeDay * DAY + Math.min(closeSpan[1], Math.max(closeSpan[0], resolvedSecond));

  const openStatus = r.weighted(OPEN_STATUSES);
  const satisfaction = r.chance(0.15) ? r.weighted(SATISFACTION) : null;

  return {
    kind,
    priority,
    priorityText,
    vip,
    vipText,
    team,
    channel,
    category,
    opened,
    firstResponse: firstResponse === null ? null : Math.min(firstResponse, resolved),
    resolved,
    closed,
    openStatus,
    satisfaction,
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Demo tickets opened on the `days` local days ending with `today`, in order of opening
 * (ids increase with it). Deterministic: the same options always give the same tickets.
 */
export function* generateDemoTickets(opts: DemoTicketOptions): Generator<DemoTicket> {
  const last = parseDayKey(opts.today);
  const days = opts.days ?? 90;
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new RangeError(`days must be 1–3650, got ${days}`);
  const seed = opts.seed ?? 1;
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const cutoff = last * DAY + parseTimeOfDay(opts.now ?? '23:59:59');

  const ids = createRandom(hashSeed(seed, 0x1d5));
  const counters: Record<DemoKind, number> = { incident: ids.int(12_000, 48_000), service_request: ids.int(5_000, 20_000) };
  const prefix: Record<DemoKind, string> = { incident: 'INC', service_request: 'REQ' };

  const weekly = new Map<string, number>();
  const metShare = (team: DemoTeam, day: number): number => {
    const week = weekOf(day);
    const key = `${team}|${week}`;
    let share = weekly.get(key);
    if (share === undefined) {
      const profile = TEAMS[team];
      const r = createRandom(hashSeed(seed, 0x7ea, demoTeams.indexOf(team), week));
      share = profile.met + 0.015 * r.normal();
      if (profile.volatile && r.chance(0.25)) share -= 0.06 + 0.1 * r.next();
      share = Math.min(0.985, Math.max(0.78, share));
      weekly.set(key, share);
    }
    return share;
  };

  for (let day = last - days + 1; day <= last; day++) {
    const r = createRandom(hashSeed(seed, day));
    const count = dailyCount(day, r);
    const openings = Array.from({ length: count }, () => openingSecond(day, r)).sort((a, b) => a - b);
    const drafts = openings.map((opened) => draftTicket(opened, metShare, r));

    for (const d of drafts) {
      if (d.opened > cutoff) break;
      const id = `${prefix[d.kind]}${pad(counters[d.kind]++, 7)}`;
      const isResolved = d.resolved <= cutoff;
      const firstResponse = d.firstResponse !== null && d.firstResponse <= cutoff ? d.firstResponse : null;
      const isClosed = isResolved && d.closed <= cutoff;
      let status: string;
      if (isClosed) status = 'Closed';
      else if (isResolved) status = 'Resolved';
      else if (firstResponse === null) status = d.openStatus === 'Assigned' ? 'Assigned' : 'New';
      else status = d.openStatus === 'New' ? 'Assigned' : d.openStatus;

      yield {
        id,
        kind: d.kind,
        priority: d.priority,
        priorityText: d.priorityText,
        vip: d.vip,
        vipText: d.vipText,
        team: d.team,
        channel: d.channel,
        category: d.category,
        status,
        openedAt: formatLocal(d.opened),
        firstResponseAt: firstResponse === null ? null : formatLocal(firstResponse),
        resolvedAt: isResolved ? formatLocal(d.resolved) : null,
        closedAt: isClosed ? formatLocal(d.closed) : null,
        satisfaction: isResolved ? d.satisfaction : null,
      };
    }
  }
}

/** A ticket's fields in `demoTicketColumns` order, as written to the feed. */
export function demoTicketRow(t: DemoTicket): CsvValue[] {
  return [
    t.id,
    t.kind,
    t.priorityText,
    t.vipText,
    t.team,
    t.channel,
    t.category,
    t.status,
    t.openedAt,
    t.firstResponseAt,
    t.resolvedAt,
    t.closedAt,
    t.satisfaction,
  ];
}

/** The demo feed as CSV lines: the header, then one line per ticket (each ending in '\n'). */
export function* demoTicketCsvLines(opts: DemoTicketOptions): Generator<string> {
  yield csvLine(demoTicketColumns);
  for (const ticket of generateDemoTickets(opts)) yield csvLine(demoTicketRow(ticket));
}
