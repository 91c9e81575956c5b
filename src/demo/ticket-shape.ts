/** The demo service desk's shape: teams, priorities, channels, arrivals and outcomes (pure data). */
import type { Random } from './random.ts';
import type { DemoChannel, DemoKind, DemoPriority, DemoTeam } from './ticket-types.ts';
import { demoTeams } from './ticket-types.ts';
import { DAY, weekday, BANK_HOLIDAYS, isWorkingDay } from './ticket-clock.ts';
import { civilFromDays } from '../calendar/zone.ts';

// ---------------------------------------------------------------------------------------------
// The desk's shape.

export interface TeamProfile {
  weight: number;
  /** Usual share of tickets resolved within target. */
  met: number;
  /** Has bad weeks (a supplier outage, a backlog after a release). */
  volatile: boolean;
  incident: readonly string[];
  request: readonly string[];
}

export const TEAMS: Record<DemoTeam, TeamProfile> = {
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

export const TEAM_WEIGHTS = demoTeams.map((team) => [team, TEAMS[team].weight] as const);

// Incidents are more often urgent than requests; together ≈ critical 3%, high 12%, normal 55%,
// low 25%, long_term 5%.
export const PRIORITY_WEIGHTS: Record<DemoKind, readonly (readonly [DemoPriority, number])[]> = {
  incident: [['critical', 4], ['high', 15], ['normal', 55], ['low', 22], ['long_term', 4]],
  service_request: [['critical', 1], ['high', 6.5], ['normal', 55], ['low', 30.5], ['long_term', 7]],
};

export const P_FORM: Record<DemoPriority, string> = {
  critical: 'P1',
  high: 'P2',
  normal: 'P3',
  low: 'P4',
  long_term: 'P5',
};

/** Resolution targets in business minutes (METRICS.md §2), [standard, VIP]; null = no target. */
export const TARGET_MINUTES: Record<DemoPriority, readonly [number, number] | null> = {
  critical: [240, 180],
  high: [420, 240],
  normal: [1260, 420],
  low: [2100, 1260],
  long_term: null,
};

export const CHANNELS_IN_HOURS: readonly (readonly [DemoChannel, number])[] = [
  ['phone', 38],
  ['email', 24],
  ['portal', 32],
  ['walk-in', 6],
];
export const CHANNELS_OUT_OF_HOURS: readonly (readonly [DemoChannel, number])[] = [
  ['email', 45],
  ['portal', 55],
];

// Openings on a working day: [from, to) in minutes of the day, weight. A morning peak; ≈4% before
// 08:40 or after 17:00. Kept within 07:30–18:30.
export const WORKDAY_ARRIVALS: readonly (readonly [readonly [number, number], number])[] = [
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

export const OPEN_STATUSES: readonly (readonly [string, number])[] = [
  ['In Progress', 40],
  ['Assigned', 32],
  ['New', 10],
  ['Awaiting User', 10],
  ['On hold', 8],
];

export const SATISFACTION: readonly (readonly [number, number])[] = [
  [1, 2], [2, 1], [3, 1], [4, 2], [5, 4], [6, 7], [7, 13], [8, 25], [9, 21], [10, 24],
];

export function dailyCount(day: number, r: Random): number {
  const [, m, d] = civilFromDays(day);
  const festive = (m === 12 && d >= 24) || (m === 1 && d <= 2);
  if (!isWorkingDay(day)) return BANK_HOLIDAYS.has(day) ? r.int(1, 5) : r.weighted([[0, 2], [1, 4], [2, 3], [3, 2], [4, 1]]);
  const byWeekday = [0, 1.15, 1.05, 1.0, 0.95, 0.85][weekday(day)] ?? 1;
  const afterHoliday = BANK_HOLIDAYS.has(day - 1) || (weekday(day) === 1 && BANK_HOLIDAYS.has(day - 3)) ? 1.15 : 1;
  const mean = 55 * byWeekday * afterHoliday * (festive ? 0.5 : 1);
  const n = Math.round(r.lognormal(mean, 0.12));
  return festive ? Math.min(45, Math.max(12, n)) : Math.min(70, Math.max(40, n));
}

export function openingSecond(day: number, r: Random): number {
  if (!isWorkingDay(day)) return day * DAY + r.int(8 * 3600, 18 * 3600 - 1);
  const [from, to] = r.weighted(WORKDAY_ARRIVALS);
  return day * DAY + r.int(from * 60, to * 60 - 1);
}

/** ISO-ish week number (weeks starting Monday) for per-week team performance. */
export function weekOf(day: number): number {
  return Math.floor((day + 3) / 7);
}

